using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Authorization;
using SesConsole.Domain.Notifications;
using SesConsole.Domain.Policies;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Principals;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Hosting;
using SesConsole.Web.Notifications;
using SesConsole.Web.Sending;
using SesConsole.Web.Sending.Stores;

namespace SesConsole.Web.Features.Sns;

/// <summary>
/// The SNS operations on the console's topics (docs/notifications.md#sns-api), shared by the SNS Query API and the
/// Topics page. Every operation on a topic is authorized by <see cref="TopicAuthorizer"/> for the caller; every write
/// that adds a message commits it with the change that caused it and then wakes the delivery worker. Errors carry SNS's
/// codes (<see cref="SnsErrors"/>). Nothing is delivered here.
/// </summary>
public sealed partial class SnsService(
    IDbContextFactory<ConsoleDbContext> dbFactory,
    SnsTopicCache topics,
    ClusterChanges changes,
    DbCallerPolicyStore callerPolicies,
    SendingReadCache sendingCache,
    PrincipalDirectoryLoader directoryLoader,
    SubscriberNetworkGuard networkGuard,
    SnsDeliverySignal deliverySignal,
    TimeProvider time,
    ILogger<SnsService> logger)
{
    /// <summary>SNS's page size for list operations.</summary>
    public const int PageSize = 100;

    /// <summary>SNS's limit on a message: 256 KB.</summary>
    public const int MaxMessageBytes = 256 * 1024;

    /// <summary>SNS's limit on a subject.</summary>
    public const int MaxSubjectLength = 100;

    private static readonly string[] TopicAttributeNames = ["DisplayName", "Policy", "DeliveryPolicy", "SignatureVersion"];

    public async Task<Result<string>> CreateTopicAsync(SnsCaller caller, string? name, IReadOnlyDictionary<string, string> attributes, IReadOnlyDictionary<string, string> tags, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(attributes);
        ArgumentNullException.ThrowIfNull(tags);
        if (!TopicArn.IsValidName(name))
        {
            return SnsErrors.Invalid("Topic Name");
        }

        var arn = TopicArn.For(caller.Region, Domain.Principals.AccountId.Parse(caller.AccountId).GetValueOrThrow(), name!).GetValueOrThrow();
        var checkedAttributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in attributes)
        {
            var canonical = await CheckTopicAttributeAsync(arn, key, value, ct);
            if (!canonical.IsSuccess)
            {
                return canonical.Error;
            }

            checkedAttributes[key] = canonical.Value;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var existing = await db.SnsTopics.SingleOrDefaultAsync(t => t.Arn == arn.Value, ct);
        if (existing is not null)
        {
            // SNS: the same name and attributes give the same ARN; different attributes are refused.
            foreach (var (key, value) in checkedAttributes)
            {
                if (TopicAttribute(existing, key) != value)
                {
                    return SnsErrors.Invalid("Attributes Reason: Topic already exists with different attributes");
                }
            }

            return existing.Arn;
        }

        var topic = new SnsTopicEntity
        {
            Id = Guid.NewGuid(), AccountId = caller.AccountId, Region = caller.Region, Name = arn.Name, Arn = arn.Value, CreatedAt = time.GetUtcNow(),
            Tags = tags.Count == 0 ? null : JsonSerializer.Serialize(tags),
        };
        foreach (var (key, value) in checkedAttributes)
        {
            Apply(topic, key, value);
        }

        db.SnsTopics.Add(topic);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Created by a concurrent request: answer as if it had been first.
            await using var again = await dbFactory.CreateDbContextAsync(ct);
            if (await again.SnsTopics.AsNoTracking().AnyAsync(t => t.Arn == arn.Value, ct))
            {
                return arn.Value;
            }

            throw;
        }

        topics.Invalidate();
        logger.LogInformation("Topic {Topic} created by {Caller}.", arn.Value, caller.Principal.Arn);
        return arn.Value;
    }

    /// <summary>Deletes a topic with its subscriptions and undelivered messages. A topic that does not exist is not an error (SNS).</summary>
    public async Task<Result> DeleteTopicAsync(SnsCaller caller, string? topicArn, CancellationToken ct)
    {
        var topic = await AuthorizedTopicAsync(caller, topicArn, "SNS:DeleteTopic", null, ct);
        if (!topic.IsSuccess)
        {
            return topic.Error.Code == SnsErrors.NotFound ? Result.Success() : topic.Error;
        }

        var id = topic.Value.Id;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await db.SnsDeliveries.Where(d => db.SnsMessages.Any(m => m.Id == d.SnsMessageId && m.TopicId == id)).ExecuteDeleteAsync(ct);
            await db.SnsMessages.Where(m => m.TopicId == id).ExecuteDeleteAsync(ct);
            await db.SnsSubscriptions.Where(s => s.TopicId == id).ExecuteDeleteAsync(ct);
            await db.SnsTopics.Where(t => t.Id == id).ExecuteDeleteAsync(ct);
            await tx.CommitAsync(ct);
        }

        // Bulk deletes: the other nodes hear of them through the Accounts family, as of a saved topic
        // (docs/cluster-coordination.md#cache-invalidation).
        topics.Invalidate();
        await changes.InvalidateAsync(SendingData.Accounts);
        logger.LogInformation("Topic {Topic} deleted by {Caller}.", topic.Value.Arn.Value, caller.Principal.Arn);
        return Result.Success();
    }

    /// <summary>The caller's account's topics in the caller's region, 100 per page, by ARN.</summary>
    public async Task<Result<SnsPage<SnsTopicRow>>> ListTopicsAsync(SnsCaller caller, string? nextToken, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!TryReadToken(nextToken, out var skip))
        {
            return SnsErrors.Invalid("NextToken");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.SnsTopics.AsNoTracking()
            .Where(t => t.AccountId == caller.AccountId && t.Region == caller.Region)
            .OrderBy(t => t.Arn).Skip(skip).Take(PageSize + 1)
            .Select(t => new SnsTopicRow(t.Arn, t.Name, t.DisplayName,
                t.Subscriptions.Count(s => s.Status == SnsSubscriptionStatus.Confirmed),
                t.Subscriptions.Count(s => s.Status == SnsSubscriptionStatus.PendingConfirmation), t.CreatedAt))
            .ToListAsync(ct);
        return Page(rows, skip);
    }

    public async Task<Result<IReadOnlyList<KeyValuePair<string, string>>>> GetTopicAttributesAsync(SnsCaller caller, string? topicArn, CancellationToken ct)
    {
        var authorized = await AuthorizedTopicAsync(caller, topicArn, "SNS:GetTopicAttributes", null, ct);
        if (!authorized.IsSuccess)
        {
            return authorized.Error;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var topic = await db.SnsTopics.AsNoTracking().SingleOrDefaultAsync(t => t.Id == authorized.Value.Id, ct);
        if (topic is null)
        {
            return SnsErrors.TopicNotFound();
        }

        var counts = await db.SnsSubscriptions.AsNoTracking().Where(s => s.TopicId == topic.Id)
            .GroupBy(s => s.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        int CountOf(SnsSubscriptionStatus status) => counts.FirstOrDefault(c => c.Key == status)?.Count ?? 0;
        var arn = authorized.Value.Arn;
        List<KeyValuePair<string, string>> attributes =
        [
            new("TopicArn", topic.Arn),
            new("Owner", topic.AccountId),
            new("Policy", topic.Policy ?? TopicPolicies.DefaultPolicyJson(arn)),
            new("DisplayName", topic.DisplayName ?? ""),
            new("SubscriptionsConfirmed", SnsErrors.Count(CountOf(SnsSubscriptionStatus.Confirmed))),
            new("SubscriptionsPending", SnsErrors.Count(CountOf(SnsSubscriptionStatus.PendingConfirmation))),
            new("SubscriptionsDeleted", "0"),
            new("EffectiveDeliveryPolicy", topic.DeliveryPolicy ?? DeliveryPolicyShape.DefaultTopicPolicy),
            new("SignatureVersion", topic.SignatureVersion.ToString(CultureInfo.InvariantCulture)),
        ];
        if (topic.DeliveryPolicy is { } deliveryPolicy)
        {
            attributes.Add(new("DeliveryPolicy", deliveryPolicy));
        }

        return attributes;
    }

    public async Task<Result> SetTopicAttributesAsync(SnsCaller caller, string? topicArn, string? name, string? value, CancellationToken ct)
    {
        var authorized = await AuthorizedTopicAsync(caller, topicArn, "SNS:SetTopicAttributes", null, ct);
        if (!authorized.IsSuccess)
        {
            return authorized.Error;
        }

        if (name is null)
        {
            return SnsErrors.Invalid("AttributeName");
        }

        var canonical = await CheckTopicAttributeAsync(authorized.Value.Arn, name, value ?? "", ct);
        if (!canonical.IsSuccess)
        {
            return canonical.Error;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var topic = await db.SnsTopics.SingleOrDefaultAsync(t => t.Id == authorized.Value.Id, ct);
        if (topic is null)
        {
            return SnsErrors.TopicNotFound();
        }

        Apply(topic, name, canonical.Value);
        await db.SaveChangesAsync(ct);
        topics.Invalidate();
        return Result.Success();
    }

    /// <summary>Publishes a notification: stored durably for the delivery worker, which fans it out to the confirmed subscriptions.</summary>
    public async Task<Result<string>> PublishAsync(SnsCaller caller, string? topicArn, string? message, string? subject, string? messageAttributesJson, CancellationToken ct)
    {
        if (topicArn is null)
        {
            return SnsErrors.Invalid("TopicArn or TargetArn Reason: no value for required parameter");
        }

        if (string.IsNullOrEmpty(message))
        {
            return SnsErrors.Invalid("Empty message");
        }

        if (Encoding.UTF8.GetByteCount(message) > MaxMessageBytes)
        {
            return SnsErrors.Invalid("Message too long");
        }

        if (subject is not null && (subject.Length is 0 or > MaxSubjectLength || subject.Any(c => char.IsControl(c)) || subject.Any(c => c > '~')))
        {
            return SnsErrors.Invalid("Subject");
        }

        var authorized = await AuthorizedTopicAsync(caller, topicArn, "SNS:Publish", null, ct);
        if (!authorized.IsSuccess)
        {
            return authorized.Error;
        }

        var messageId = Guid.NewGuid().ToString();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.SnsMessages.Add(new SnsMessageEntity
        {
            Id = Guid.NewGuid(), MessageId = messageId, TopicId = authorized.Value.Id, TopicArn = authorized.Value.Arn.Value, Type = SnsMessageType.Notification,
            Subject = subject, Message = message, MessageAttributes = messageAttributesJson, PublishedBy = caller.Principal.Arn, CreatedAt = time.GetUtcNow(),
        });
        await db.SaveChangesAsync(ct);
        deliverySignal.Notify();
        return messageId;
    }

    /// <summary>The last delivery attempts of the caller's own topic, newest first (the Topics page's delivery log).</summary>
    public async Task<Result<IReadOnlyList<SnsAttemptRow>>> RecentAttemptsAsync(SnsCaller caller, string topicArn, int count, CancellationToken ct)
    {
        var topic = await OwnTopicAsync(caller, topicArn, ct);
        if (!topic.IsSuccess)
        {
            return topic.Error;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.SnsDeliveryAttempts.AsNoTracking().Where(a => a.TopicArn == topicArn)
            .OrderByDescending(a => a.Id).Take(count)
            .Select(a => new
            {
                a.At, a.Succeeded, a.StatusCode, a.DurationMs, a.Detail,
                Subscription = db.SnsSubscriptions.Where(s => s.Id == a.SubscriptionId).Select(s => new { s.Arn, s.Endpoint }).FirstOrDefault(),
            })
            .ToListAsync(ct);
        return rows.Select(r => new SnsAttemptRow(r.At, r.Subscription?.Arn ?? "(removed)", r.Subscription?.Endpoint ?? "", r.Succeeded, r.StatusCode, r.DurationMs, r.Detail)).ToList();
    }

    /// <summary>A topic of the caller's own account (the Topics page manages only its own account's topics).</summary>
    private async Task<Result<CachedTopic>> OwnTopicAsync(SnsCaller caller, string topicArn, CancellationToken ct)
    {
        var topic = await topics.FindAsync(topicArn, ct);
        return topic is null || topic.AccountId != caller.AccountId ? SnsErrors.TopicNotFound() : topic;
    }

    /// <summary>
    /// The topic named by <paramref name="topicArn"/> when the caller may perform <paramref name="action"/> on it:
    /// <c>InvalidParameter</c> for a malformed ARN, <c>NotFound</c> when there is no such topic,
    /// <c>AuthorizationError</c> when the topic policy and the caller's own policies do not allow it.
    /// </summary>
    private async Task<Result<CachedTopic>> AuthorizedTopicAsync(SnsCaller caller, string? topicArn, string action, RequestContext? extra, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!TopicArn.Parse(topicArn).TryGetValue(out var arn))
        {
            return SnsErrors.Invalid("TopicArn");
        }

        var topic = await topics.FindAsync(arn.Value, ct);
        if (topic is null)
        {
            return SnsErrors.TopicNotFound();
        }

        var decision = await AuthorizeAsync(caller, topic, action, extra, ct);
        if (!decision.IsAllowed)
        {
            logger.LogInformation("{Action} on {Topic} by {Caller} denied: {Reason}", action, arn.Value, caller.Principal.Arn, decision.Describe());
            return SnsErrors.Denied(caller, action, arn.Value);
        }

        return topic;
    }

    private async Task<TopicAuthorizationResult> AuthorizeAsync(SnsCaller caller, CachedTopic topic, string action, RequestContext? extra, CancellationToken ct)
    {
        var organization = await AccountSettings.GetAsync(sendingCache, dbFactory, caller.AccountId, ct);
        var context = (extra ?? RequestContext.Empty) with
        {
            CurrentTime = time.GetUtcNow(),
            SourceIp = caller.SourceIp,
            UserAgent = caller.UserAgent,
            SecureTransport = caller.SecureTransport,
            PrincipalOrgId = organization?.OrganizationId,
        };
        var request = TopicAuthorizer.Request(caller.Principal, action, topic.Arn, context);
        var own = caller.Principal.Kind == PrincipalKind.AccountRoot ? CompiledPolicySet.Empty : await callerPolicies.GetIdentityPoliciesAsync(caller.Principal, ct);
        return TopicAuthorizer.Authorize(request, topic.Policy, topic.UsesDefaultPolicy, own);
    }

    /// <summary>Checks one topic attribute and returns its canonical stored form.</summary>
    private async Task<Result<string>> CheckTopicAttributeAsync(TopicArn arn, string name, string value, CancellationToken ct)
    {
        switch (name)
        {
            case "DisplayName":
                return value.Length > 100 ? SnsErrors.Invalid("DisplayName Reason: at most 100 characters") : value;
            case "SignatureVersion":
                return value is "1" or "2" ? value : SnsErrors.Invalid("SignatureVersion Reason: must be 1 or 2");
            case "DeliveryPolicy":
                return value.Length == 0 || DeliveryPolicyShape.CheckTopicPolicy(value) is not { } error ? value : SnsErrors.Invalid($"DeliveryPolicy: {error}");
            case "Policy":
            {
                if (value.Length == 0)
                {
                    return value;
                }

                var directory = await directoryLoader.LoadAsync(ct);
                var validated = PolicyValidator.ValidateTopicPolicy(value, arn, directory);
                if (validated.Errors.FirstOrDefault() is { } first)
                {
                    return SnsErrors.Invalid($"Policy Error: {first.Message} (line {first.Line}, column {first.Column})");
                }

                return value;
            }

            default:
                return Array.IndexOf(TopicAttributeNames, name) < 0
                    ? SnsErrors.Invalid($"AttributeName Reason: Unknown attribute {name}")
                    : value;
        }
    }

    private static string TopicAttribute(SnsTopicEntity topic, string name) => name switch
    {
        "DisplayName" => topic.DisplayName ?? "",
        "Policy" => topic.Policy ?? "",
        "DeliveryPolicy" => topic.DeliveryPolicy ?? "",
        "SignatureVersion" => topic.SignatureVersion.ToString(CultureInfo.InvariantCulture),
        _ => "",
    };

    private static void Apply(SnsTopicEntity topic, string name, string value)
    {
        switch (name)
        {
            case "DisplayName":
                topic.DisplayName = value.Length == 0 ? null : value;
                break;
            case "Policy":
                topic.Policy = value.Length == 0 ? null : value;
                break;
            case "DeliveryPolicy":
                topic.DeliveryPolicy = value.Length == 0 ? null : value;
                break;
            case "SignatureVersion":
                topic.SignatureVersion = value == "1" ? 1 : 2;
                break;
        }
    }

    private static bool TryReadToken(string? token, out int skip)
    {
        skip = 0;
        if (string.IsNullOrEmpty(token))
        {
            return true;
        }

        try
        {
            return int.TryParse(Encoding.UTF8.GetString(Convert.FromBase64String(token)), NumberStyles.None, CultureInfo.InvariantCulture, out skip) && skip >= 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static SnsPage<T> Page<T>(List<T> rows, int skip)
    {
        if (rows.Count <= PageSize)
        {
            return new SnsPage<T>(rows, null);
        }

        rows.RemoveAt(rows.Count - 1);
        return new SnsPage<T>(rows, Convert.ToBase64String(Encoding.UTF8.GetBytes((skip + PageSize).ToString(CultureInfo.InvariantCulture))));
    }
}
