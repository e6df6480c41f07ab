using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data.Entities;
using SesConsole.Domain.Authorization;
using SesConsole.Domain.Notifications;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Sending;

namespace SesConsole.Web.Features.Sns;

/// <summary>Subscribe, confirm, unsubscribe and the subscription attributes (docs/notifications.md#subscriptions).</summary>
public sealed partial class SnsService
{
    /// <summary>What Subscribe answers while a subscription waits for its confirmation (SNS's text).</summary>
    public const string PendingConfirmation = "pending confirmation";

    /// <summary>How long a confirmation token is good for (SNS: 3 days).</summary>
    public static readonly TimeSpan ConfirmationLifetime = TimeSpan.FromDays(3);

    private static readonly string[] Protocols = ["http", "https", "email", "email-json"];

    /// <summary>
    /// Subscribes an endpoint. Every protocol needs confirmation: the subscription starts pending, and a
    /// SubscriptionConfirmation message for it is stored in the same commit. An http/https endpoint must resolve to
    /// addresses the console may call (<see cref="Notifications.SubscriberNetworkGuard"/>).
    /// </summary>
    /// <returns>The subscription ARN when confirmed already or <paramref name="returnSubscriptionArn"/>; otherwise <see cref="PendingConfirmation"/>.</returns>
    public async Task<Result<string>> SubscribeAsync(SnsCaller caller, string? topicArn, string? protocol, string? endpoint,
        IReadOnlyDictionary<string, string> attributes, bool returnSubscriptionArn, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(attributes);
        if (protocol is null || Array.IndexOf(Protocols, protocol) < 0)
        {
            return SnsErrors.Invalid($"Amazon SNS does not support this protocol string: {protocol}");
        }

        var checkedEndpoint = await CheckEndpointAsync(protocol, endpoint, ct);
        if (!checkedEndpoint.IsSuccess)
        {
            return checkedEndpoint.Error;
        }

        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in attributes)
        {
            var error = CheckSubscriptionAttribute(key, value, protocol);
            if (error is not null)
            {
                return error;
            }

            settings[key] = value;
        }

        var authorized = await AuthorizedTopicAsync(caller, topicArn, "SNS:Subscribe",
            new RequestContext { SnsProtocol = protocol, SnsEndpoint = checkedEndpoint.Value }, ct);
        if (!authorized.IsSuccess)
        {
            return authorized.Error;
        }

        var topic = authorized.Value;
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var existing = await db.SnsSubscriptions.FirstOrDefaultAsync(s => s.TopicId == topic.Id && s.Protocol == protocol &&
            s.Endpoint == checkedEndpoint.Value && s.Status != SnsSubscriptionStatus.Unsubscribed, ct);
        if (existing is { Status: SnsSubscriptionStatus.Confirmed })
        {
            return existing.Arn;
        }

        var subscription = existing ?? new SnsSubscriptionEntity
        {
            Id = Guid.NewGuid(), Arn = $"{topic.Arn.Value}:{Guid.NewGuid()}", TopicId = topic.Id, TopicArn = topic.Arn.Value,
            SubscriberAccountId = caller.AccountId, Protocol = protocol, Endpoint = checkedEndpoint.Value, CreatedAt = now,
            Status = SnsSubscriptionStatus.PendingConfirmation,
        };
        foreach (var (key, value) in settings)
        {
            ApplySubscriptionAttribute(subscription, key, value);
        }

        // A pending subscription asked for again gets a fresh token and a fresh confirmation, as SNS resends one.
        subscription.ConfirmationToken = NewToken();
        subscription.ConfirmationExpiresAt = now + ConfirmationLifetime;
        if (existing is null)
        {
            db.SnsSubscriptions.Add(subscription);
        }

        db.SnsMessages.Add(ConfirmationMessage(subscription, SnsMessageType.SubscriptionConfirmation,
            $"You have chosen to subscribe to the topic {topic.Arn.Value}.\nTo confirm the subscription, visit the SubscribeURL included in this message.", caller.Principal.Arn, now));
        await db.SaveChangesAsync(ct);
        deliverySignal.Notify();
        logger.LogInformation("{Protocol} subscription {Subscription} to {Topic} requested by {Caller}; pending confirmation.", protocol, subscription.Arn, topic.Arn.Value, caller.Principal.Arn);
        return returnSubscriptionArn ? subscription.Arn : PendingConfirmation;
    }

    /// <summary>
    /// Confirms the subscription that <paramref name="token"/> was sent for. Answerable unsigned (the SubscribeURL, or
    /// <c>ConfirmSubscription</c> without a signature), as SNS's is. A token is good for 3 days and for one confirmation.
    /// </summary>
    public async Task<Result<string>> ConfirmSubscriptionAsync(string? topicArn, string? token, bool authenticateOnUnsubscribe, CancellationToken ct)
    {
        if (!TopicArn.Parse(topicArn).IsSuccess)
        {
            return SnsErrors.Invalid("TopicArn");
        }

        if (string.IsNullOrEmpty(token))
        {
            return SnsErrors.Invalid("Token");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.SnsTopics.AsNoTracking().AnyAsync(t => t.Arn == topicArn, ct))
        {
            return SnsErrors.TopicNotFound();
        }

        var subscription = await db.SnsSubscriptions.FirstOrDefaultAsync(s => s.TopicArn == topicArn && s.ConfirmationToken == token, ct);
        var now = time.GetUtcNow();
        if (subscription is null || subscription.ConfirmationExpiresAt is not { } expires || expires <= now)
        {
            return SnsErrors.Invalid("Invalid token");
        }

        // An UnsubscribeConfirmation's SubscribeURL carries a fresh token: following it subscribes the endpoint again.
        subscription.Status = SnsSubscriptionStatus.Confirmed;
        subscription.ConfirmedAt = now;
        subscription.ConfirmationToken = null;
        subscription.ConfirmationExpiresAt = null;
        subscription.AuthenticateOnUnsubscribe |= authenticateOnUnsubscribe;
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Subscription {Subscription} confirmed.", subscription.Arn);
        return subscription.Arn;
    }

    /// <summary>
    /// Unsubscribes. <paramref name="caller"/> is null for the unsigned UnsubscribeURL, which works unless the
    /// subscription was confirmed with AuthenticateOnUnsubscribe. A signed caller must be the subscriber's account or
    /// the topic owner's. An UnsubscribeConfirmation (with a token that re-subscribes) is stored in the same commit.
    /// </summary>
    public async Task<Result> UnsubscribeAsync(SnsCaller? caller, string? subscriptionArn, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(subscriptionArn) || subscriptionArn.Split(':').Length != 7)
        {
            return SnsErrors.Invalid("SubscriptionArn");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var subscription = await db.SnsSubscriptions.FirstOrDefaultAsync(s => s.Arn == subscriptionArn && s.Status != SnsSubscriptionStatus.Unsubscribed, ct);
        if (subscription is null)
        {
            return SnsErrors.SubscriptionNotFound();
        }

        var topicOwner = TopicArn.Parse(subscription.TopicArn).TryGetValue(out var topicArn) ? topicArn.Account.Value : null;
        if (caller is null ? subscription.AuthenticateOnUnsubscribe : caller.AccountId != subscription.SubscriberAccountId && caller.AccountId != topicOwner)
        {
            return new Error(SnsErrors.AuthorizationError, caller is null
                ? "This subscription requires authentication to unsubscribe: sign the Unsubscribe request as the subscriber or the topic owner."
                : $"User: {caller.Principal.Arn} is not authorized to perform: SNS:Unsubscribe on resource: {subscriptionArn}");
        }

        var now = time.GetUtcNow();
        subscription.Status = SnsSubscriptionStatus.Unsubscribed;
        subscription.ConfirmationToken = NewToken();
        subscription.ConfirmationExpiresAt = now + ConfirmationLifetime;
        db.SnsMessages.Add(ConfirmationMessage(subscription, SnsMessageType.UnsubscribeConfirmation,
            $"You have chosen to deactivate subscription {subscription.Arn}.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.",
            caller?.Principal.Arn ?? "anonymous", now));
        await db.SaveChangesAsync(ct);
        deliverySignal.Notify();
        logger.LogInformation("Subscription {Subscription} unsubscribed by {Caller}.", subscription.Arn, caller?.Principal.Arn ?? "its UnsubscribeURL");
        return Result.Success();
    }

    /// <summary>The subscriptions the caller's account made in the caller's region, 100 per page.</summary>
    public async Task<Result<SnsPage<SnsSubscriptionRow>>> ListSubscriptionsAsync(SnsCaller caller, string? nextToken, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!TryReadToken(nextToken, out var skip))
        {
            return SnsErrors.Invalid("NextToken");
        }

        var prefix = $"arn:aws:sns:{caller.Region}:";
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await SubscriptionRows(db.SnsSubscriptions.AsNoTracking()
            .Where(s => s.SubscriberAccountId == caller.AccountId && s.TopicArn.StartsWith(prefix) && s.Status != SnsSubscriptionStatus.Unsubscribed))
            .Skip(skip).Take(PageSize + 1).ToListAsync(ct);
        return Page(rows, skip);
    }

    /// <summary>A topic's subscriptions, for callers the topic policy (or their own) allows <c>SNS:ListSubscriptionsByTopic</c>.</summary>
    public async Task<Result<SnsPage<SnsSubscriptionRow>>> ListSubscriptionsByTopicAsync(SnsCaller caller, string? topicArn, string? nextToken, CancellationToken ct)
    {
        if (!TryReadToken(nextToken, out var skip))
        {
            return SnsErrors.Invalid("NextToken");
        }

        var authorized = await AuthorizedTopicAsync(caller, topicArn, "SNS:ListSubscriptionsByTopic", null, ct);
        if (!authorized.IsSuccess)
        {
            return authorized.Error;
        }

        var id = authorized.Value.Id;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await SubscriptionRows(db.SnsSubscriptions.AsNoTracking().Where(s => s.TopicId == id && s.Status != SnsSubscriptionStatus.Unsubscribed))
            .Skip(skip).Take(PageSize + 1).ToListAsync(ct);
        return Page(rows, skip);
    }

    public async Task<Result<IReadOnlyList<KeyValuePair<string, string>>>> GetSubscriptionAttributesAsync(SnsCaller caller, string? subscriptionArn, CancellationToken ct)
    {
        var found = await SubscriptionOfAsync(caller, subscriptionArn, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var s = found.Value;
        var owner = TopicArn.Parse(s.TopicArn).TryGetValue(out var arn) ? arn.Account.Value : "";
        List<KeyValuePair<string, string>> attributes =
        [
            new("SubscriptionArn", s.Arn),
            new("TopicArn", s.TopicArn),
            new("Owner", s.SubscriberAccountId),
            new("Protocol", s.Protocol),
            new("Endpoint", s.Endpoint),
            new("PendingConfirmation", s.Status == SnsSubscriptionStatus.PendingConfirmation ? "true" : "false"),
            new("ConfirmationWasAuthenticated", s.AuthenticateOnUnsubscribe ? "true" : "false"),
            new("RawMessageDelivery", s.RawMessageDelivery ? "true" : "false"),
            new("SubscriptionPrincipal", owner.Length == 0 ? "" : $"arn:aws:iam::{s.SubscriberAccountId}:root"),
        ];
        if (s.DeliveryPolicy is { } delivery)
        {
            attributes.Add(new("DeliveryPolicy", delivery));
        }

        if (s.FilterPolicy is { } filter)
        {
            attributes.Add(new("FilterPolicy", filter));
        }

        return attributes;
    }

    public async Task<Result> SetSubscriptionAttributesAsync(SnsCaller caller, string? subscriptionArn, string? name, string? value, CancellationToken ct)
    {
        var found = await SubscriptionOfAsync(caller, subscriptionArn, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        if (name is null)
        {
            return SnsErrors.Invalid("AttributeName");
        }

        if (CheckSubscriptionAttribute(name, value ?? "", found.Value.Protocol) is { } error)
        {
            return error;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var subscription = await db.SnsSubscriptions.SingleAsync(s => s.Id == found.Value.Id, ct);
        ApplySubscriptionAttribute(subscription, name, value ?? "");
        await db.SaveChangesAsync(ct);
        return Result.Success();
    }

    /// <summary>A live subscription the caller may read and change: its subscriber's account or the topic owner's.</summary>
    private async Task<Result<SnsSubscriptionEntity>> SubscriptionOfAsync(SnsCaller caller, string? subscriptionArn, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (string.IsNullOrEmpty(subscriptionArn) || subscriptionArn.Split(':').Length != 7)
        {
            return SnsErrors.Invalid("SubscriptionArn");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var subscription = await db.SnsSubscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Arn == subscriptionArn && s.Status != SnsSubscriptionStatus.Unsubscribed, ct);
        if (subscription is null)
        {
            return SnsErrors.SubscriptionNotFound();
        }

        var topicOwner = TopicArn.Parse(subscription.TopicArn).TryGetValue(out var arn) ? arn.Account.Value : null;
        return caller.AccountId == subscription.SubscriberAccountId || caller.AccountId == topicOwner
            ? subscription
            : new Error(SnsErrors.AuthorizationError, $"User: {caller.Principal.Arn} is not authorized to access subscription {subscriptionArn}");
    }

    private async Task<Result<string>> CheckEndpointAsync(string protocol, string? endpoint, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return SnsErrors.Invalid("Endpoint");
        }

        if (protocol is "email" or "email-json")
        {
            return MailAddress.NormalizeAddress(endpoint).TryGetValue(out var address) ? address : SnsErrors.Invalid("Email address");
        }

        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme != protocol || uri.Host.Length == 0 || uri.UserInfo.Length > 0)
        {
            return SnsErrors.Invalid($"Endpoint Reason: must be an absolute {protocol}:// URL without credentials");
        }

        var (_, error) = await networkGuard.ResolveAsync(uri.IdnHost, ct);
        return error is null ? endpoint : SnsErrors.Invalid($"Endpoint Reason: {error}");
    }

    private static Error? CheckSubscriptionAttribute(string name, string value, string protocol)
    {
        switch (name)
        {
            case "RawMessageDelivery":
                if (value is not ("true" or "false"))
                {
                    return SnsErrors.Invalid("RawMessageDelivery Reason: must be true or false");
                }

                return value == "true" && protocol is not ("http" or "https")
                    ? SnsErrors.Invalid("Delivery protocol [" + protocol + "] does not support raw message delivery.")
                    : null;
            case "DeliveryPolicy":
                if (protocol is not ("http" or "https") && value.Length > 0)
                {
                    return SnsErrors.Invalid("DeliveryPolicy Reason: only http and https subscriptions have a delivery policy");
                }

                return value.Length == 0 || DeliveryPolicyShape.CheckSubscriptionPolicy(value) is not { } error ? null : SnsErrors.Invalid($"DeliveryPolicy: {error}");
            case "FilterPolicy":
                return value.Length == 0 || IsJsonObject(value) ? null : SnsErrors.Invalid("Filter policy: the filter policy must be a JSON object");
            default:
                return SnsErrors.Invalid($"AttributeName Reason: Unknown attribute {name}");
        }
    }

    private static void ApplySubscriptionAttribute(SnsSubscriptionEntity subscription, string name, string value)
    {
        switch (name)
        {
            case "RawMessageDelivery":
                subscription.RawMessageDelivery = value == "true";
                break;
            case "DeliveryPolicy":
                subscription.DeliveryPolicy = value.Length == 0 ? null : value;
                break;
            case "FilterPolicy":
                subscription.FilterPolicy = value.Length == 0 ? null : value;
                break;
        }
    }

    private static bool IsJsonObject(string value)
    {
        try
        {
            using var document = JsonDocument.Parse(value);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static IQueryable<SnsSubscriptionRow> SubscriptionRows(IQueryable<SnsSubscriptionEntity> query) =>
        query.OrderBy(s => s.Arn).Select(s => new SnsSubscriptionRow(s.Arn, s.TopicArn, s.SubscriberAccountId, s.Protocol, s.Endpoint,
            s.Status == SnsSubscriptionStatus.PendingConfirmation, s.CreatedAt));

    private static SnsMessageEntity ConfirmationMessage(SnsSubscriptionEntity subscription, SnsMessageType type, string text, string publishedBy, DateTimeOffset now) => new()
    {
        Id = Guid.NewGuid(), MessageId = Guid.NewGuid().ToString(), TopicId = subscription.TopicId, TopicArn = subscription.TopicArn, Type = type,
        SubscriptionId = subscription.Id, Message = text, PublishedBy = publishedBy, CreatedAt = now,
    };

    /// <summary>A confirmation token: 128 random hex digits (SNS's are long hex strings too).</summary>
    private static string NewToken() => RandomNumberGenerator.GetHexString(128, lowercase: true);
}
