using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Sending.Events;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Features.Sns;

namespace SesConsole.Web.Notifications.Feedback;

/// <summary>An identity's notification settings as the API and the Notifications tab show them.</summary>
public sealed record IdentityNotificationsView(string Identity, string IdentityArn, string Region, IdentityNotificationSettings Settings);

/// <summary>One SES notification published to one of an identity's topics, with where its deliveries stand.</summary>
public sealed record FeedbackDeliveryRow(string TopicArn, string MessageId, string NotificationType, DateTimeOffset At, int Delivered, int Pending, int Failed, string? LastDetail);

/// <summary>
/// An identity's notification settings (docs/notifications.md#identity-notifications): Bounce/Complaint/Delivery topics,
/// original headers per type and email feedback forwarding, for the v1/v2 API and the identity page. Only the account
/// root of the identity's account changes them (an IAM user gets <c>AccessDenied</c>), members may read them, and
/// another account's identity is not found (a delegate gets SES's not-found answer).
/// </summary>
public sealed class IdentityNotificationsService(
    IDbContextFactory<ConsoleDbContext> dbFactory,
    SnsTopicAccess topics,
    SnsDeliverySignal signal,
    TimeProvider time,
    Features.Audit.AuditTrail audit)
{
    private static readonly Error RootOnly = new("auth.root_only", "Only the account's root user can change sending identities.");

    /// <summary>The notification types of the identity settings, as SES spells them.</summary>
    public static readonly IReadOnlyList<SendEventType> Types = [SendEventType.Bounce, SendEventType.Complaint, SendEventType.Delivery];

    /// <summary><c>Bounce</c>, <c>Complaint</c> or <c>Delivery</c> (case-sensitive, as SES's enum); an error otherwise.</summary>
    public static Result<SendEventType> ParseType(string? name)
    {
        foreach (var type in Types)
        {
            if (type.JsonName() == name)
            {
                return type;
            }
        }

        return new Error("InvalidParameterValue", $"Invalid NotificationType '{name}': use Bounce, Complaint or Delivery.");
    }

    public async Task<Result<IdentityNotificationsView>> GetAsync(Caller caller, string region, string name, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var identity = await db.SendingIdentities.AsNoTracking()
            .SingleOrDefaultAsync(i => i.AccountId == caller.AccountId && caller.AccountId != null && i.Region == region && i.Name == name, ct);
        return identity is null ? NotFound(name, region) : View(identity);
    }

    /// <summary>Sets (or, with an empty ARN, clears) the topic of one notification type.</summary>
    public async Task<Result> SetTopicAsync(Caller caller, string region, string name, SendEventType type, string? topicArn, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var found = await FindToChangeAsync(db, caller, region, name, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var identity = found.Value;
        var arn = string.IsNullOrWhiteSpace(topicArn) ? null : topicArn.Trim();
        if (arn is not null && await TopicErrorAsync(identity, arn, ct) is { } error)
        {
            return error;
        }

        // Clearing a Bounce or Complaint topic while forwarding is off is allowed and leaves it off: the safety net
        // (docs/notifications.md#feedback-email) then mails that type's feedback anyway.
        var before = AuditState(identity);
        switch (type)
        {
            case SendEventType.Bounce: identity.BounceTopicArn = arn; break;
            case SendEventType.Complaint: identity.ComplaintTopicArn = arn; break;
            default: identity.DeliveryTopicArn = arn; break;
        }

        identity.Version = Guid.NewGuid();
        Audited(db, caller, identity, arn is null ? $"Cleared the {type.JsonName()} topic of {identity.Name}." : $"Set the {type.JsonName()} topic of {identity.Name} to {arn}.", before);
        await db.SaveChangesAsync(ct);
        return Result.Success();
    }

    /// <summary>Turns email feedback forwarding on, or off when both Bounce and Complaint have topics (SES's rule).</summary>
    public async Task<Result> SetForwardingAsync(Caller caller, string region, string name, bool enabled, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var found = await FindToChangeAsync(db, caller, region, name, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var identity = found.Value;
        if (FeedbackSettingsCache.Of(identity).CheckForwarding(enabled, identity.Name) is { } refused)
        {
            return new Error("InvalidParameterValue", refused);
        }

        var before = AuditState(identity);
        identity.FeedbackForwardingEnabled = enabled;
        identity.Version = Guid.NewGuid();
        Audited(db, caller, identity, $"Turned email feedback forwarding {(enabled ? "on" : "off")} for {identity.Name}.", before);
        await db.SaveChangesAsync(ct);
        return Result.Success();
    }

    /// <summary>Includes (or not) the original headers in notifications of one type.</summary>
    public async Task<Result> SetHeadersAsync(Caller caller, string region, string name, SendEventType type, bool enabled, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var found = await FindToChangeAsync(db, caller, region, name, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var identity = found.Value;
        var before = AuditState(identity);
        switch (type)
        {
            case SendEventType.Bounce: identity.HeadersInBounceNotifications = enabled; break;
            case SendEventType.Complaint: identity.HeadersInComplaintNotifications = enabled; break;
            default: identity.HeadersInDeliveryNotifications = enabled; break;
        }

        identity.Version = Guid.NewGuid();
        Audited(db, caller, identity, $"{(enabled ? "Included" : "Left out")} original headers in {type.JsonName()} notifications of {identity.Name}.", before);
        await db.SaveChangesAsync(ct);
        return Result.Success();
    }

    /// <summary>Adds the entry of a notification settings change to the context that saves it (docs/audit-log.md#same-transaction).</summary>
    private void Audited(ConsoleDbContext db, Caller caller, SendingIdentityEntity identity, string summary, object before) =>
        audit.Record(db, caller, new Features.Audit.AuditChange(identity.AccountId, identity.Region, AuditKinds.IdentityNotifications, identity.Name, summary,
            Features.Audit.AuditTrail.Json(before), Features.Audit.AuditTrail.Json(AuditState(identity))));

    private static object AuditState(SendingIdentityEntity i) => new
    {
        i.BounceTopicArn, i.ComplaintTopicArn, i.DeliveryTopicArn, i.FeedbackForwardingEnabled,
        i.HeadersInBounceNotifications, i.HeadersInComplaintNotifications, i.HeadersInDeliveryNotifications,
    };

    /// <summary>The topics the owner may pick for the identity: those whose policy lets SES publish for it, in its region.</summary>
    public async Task<Result<IReadOnlyList<UsableTopic>>> UsableTopicsAsync(Caller caller, string region, string name, CancellationToken ct = default)
    {
        var view = await GetAsync(caller, region, name, ct);
        if (!view.IsSuccess)
        {
            return view.Error;
        }

        return Result<IReadOnlyList<UsableTopic>>.Success(await topics.TopicsSesMayPublishToAsync(region, caller.AccountId!, view.Value.IdentityArn, ct));
    }

    /// <summary>Publishes a sample notification of <paramref name="type"/> to the identity's topic of that type; returns the SNS MessageId.</summary>
    public async Task<Result<string>> SendTestAsync(Caller caller, string region, string name, SendEventType type, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var found = await FindToChangeAsync(db, caller, region, name, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var identity = found.Value;
        var settings = FeedbackSettingsCache.Of(identity);
        if (settings.TopicFor(type) is not { } arn)
        {
            return new Error("InvalidParameterValue", $"{identity.Name} has no {type.JsonName()} topic; choose one first.");
        }

        var check = await topics.CheckServicePublishAsync(arn, FeedbackSettingsCache.SesPrincipal, identity.AccountId, identity.Arn, ct);
        var topic = check.Allowed ? await db.SnsTopics.AsNoTracking().SingleOrDefaultAsync(t => t.Arn == arn, ct) : null;
        if (topic is null)
        {
            return new Error("InvalidParameterValue", $"SES may not publish to {arn}: {check.Reason ?? "the topic does not exist"}.");
        }

        var now = time.GetUtcNow();
        var json = SesNotificationJson.Serialize(Sample(identity, type, now), NotificationFormat.IdentityNotification,
            new MessageHeaders(new CommonHeaders(null, [Sender(identity)], null, ["success@simulator.amazonses.com"], [], [], null, "Test notification"), []),
            settings.HeadersFor(type));
        var message = new SnsMessageEntity
        {
            Id = Guid.CreateVersion7(now), MessageId = Guid.NewGuid().ToString(), TopicId = topic.Id, TopicArn = arn, Type = SnsMessageType.Notification,
            Message = json, PublishedBy = FeedbackSettingsCache.SesPrincipal, CreatedAt = now,
        };
        db.SnsMessages.Add(message);
        await db.SaveChangesAsync(ct);
        signal.Notify();
        return message.MessageId;
    }

    /// <summary>The last SES notifications about this identity published to its current topics, with their deliveries.</summary>
    public async Task<Result<IReadOnlyList<FeedbackDeliveryRow>>> RecentDeliveriesAsync(Caller caller, string region, string name, int take = 20, CancellationToken ct = default)
    {
        var view = await GetAsync(caller, region, name, ct);
        if (!view.IsSuccess)
        {
            return view.Error;
        }

        var s = view.Value.Settings;
        var arns = new[] { s.BounceTopicArn, s.ComplaintTopicArn, s.DeliveryTopicArn }.OfType<string>().Distinct().ToList();
        if (arns.Count == 0)
        {
            return Result<IReadOnlyList<FeedbackDeliveryRow>>.Success([]);
        }

        var marker = $"\"sourceArn\":\"{view.Value.IdentityArn}\"";
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var messages = await db.SnsMessages.AsNoTracking()
            .Where(m => arns.Contains(m.TopicArn) && m.PublishedBy == FeedbackSettingsCache.SesPrincipal && m.Message.Contains(marker))
            .OrderByDescending(m => m.CreatedAt).Take(take)
            .Select(m => new { m.Id, m.MessageId, m.TopicArn, m.Message, m.CreatedAt })
            .ToListAsync(ct);
        var ids = messages.Select(m => m.Id).ToList();
        var deliveries = await db.SnsDeliveries.AsNoTracking().Where(d => ids.Contains(d.SnsMessageId))
            .Select(d => new { d.SnsMessageId, d.Status, d.LastError }).ToListAsync(ct);
        return Result<IReadOnlyList<FeedbackDeliveryRow>>.Success([
            .. messages.Select(m =>
            {
                var mine = deliveries.Where(d => d.SnsMessageId == m.Id).ToList();
                return new FeedbackDeliveryRow(m.TopicArn, m.MessageId, TypeOf(m.Message), m.CreatedAt,
                    mine.Count(d => d.Status == SnsDeliveryStatus.Delivered), mine.Count(d => d.Status == SnsDeliveryStatus.Pending),
                    mine.Count(d => d.Status is SnsDeliveryStatus.Failed or SnsDeliveryStatus.Refused), mine.Select(d => d.LastError).LastOrDefault(e => e is not null));
            }),
        ]);
    }

    /// <summary>Why <paramref name="arn"/> cannot be the identity's topic, or null: a well-formed SNS ARN in the identity's region whose policy lets SES publish.</summary>
    private async Task<Error?> TopicErrorAsync(SendingIdentityEntity identity, string arn, CancellationToken ct)
    {
        var parts = arn.Split(':');
        if (parts.Length != 6 || parts[0] != "arn" || parts[2] != "sns" || parts[4].Length != 12 || parts[5].Length == 0)
        {
            return new Error("InvalidParameterValue", $"Invalid SNS topic ARN '{arn}'.");
        }

        if (parts[3] != identity.Region)
        {
            return new Error("InvalidParameterValue",
                $"SNS topic {arn} is in {parts[3]}; the notifications of {identity.Name} in {identity.Region} can only go to a topic in {identity.Region}.");
        }

        var check = await topics.CheckServicePublishAsync(arn, FeedbackSettingsCache.SesPrincipal, identity.AccountId, identity.Arn, ct);
        return check.Allowed
            ? null
            : new Error("InvalidParameterValue", $"Could not publish to SNS topic {arn}: {check.Reason ?? "the topic's policy does not allow ses.amazonaws.com to publish"}.");
    }

    private static async Task<Result<SendingIdentityEntity>> FindToChangeAsync(ConsoleDbContext db, Caller caller, string region, string name, CancellationToken ct)
    {
        if (!caller.IsAccountRoot)
        {
            // Another account's identity is not found even for its IAM users; the owner's IAM users may not change it.
            return await db.SendingIdentities.AnyAsync(i => i.AccountId == caller.AccountId && caller.AccountId != null && i.Region == region && i.Name == name, ct)
                ? RootOnly
                : NotFound(name, region);
        }

        return await db.SendingIdentities.SingleOrDefaultAsync(i => i.AccountId == caller.AccountId && i.Region == region && i.Name == name, ct) is { } identity
            ? identity
            : NotFound(name, region);
    }

    private static IdentityNotificationsView View(SendingIdentityEntity i) => new(i.Name, i.Arn, i.Region, FeedbackSettingsCache.Of(i));

    private static string Sender(SendingIdentityEntity i) => i.Type == SendingIdentityType.Domain ? $"sender@{i.Name}" : i.Name;

    /// <summary>A sample event of <paramref name="type"/> about a message from the identity to the mailbox simulator.</summary>
    private static SendEvent Sample(SendingIdentityEntity identity, SendEventType type, DateTimeOffset now)
    {
        var mail = new MailInfo(now, $"test-{Guid.NewGuid():N}", Sender(identity), identity.Arn, null, identity.AccountId, "root", ["success@simulator.amazonses.com"]);
        return type switch
        {
            SendEventType.Bounce => SendEvents.Bounce(mail, "Permanent", "General",
                [new BouncedRecipient("bounce@simulator.amazonses.com", "failed", "5.1.1", "smtp; 550 5.1.1 user unknown")], now, SendEvents.SimulatorMta),
            SendEventType.Complaint => new SendEvent(SendEventType.Complaint, mail)
            {
                Complaint = new ComplaintDetail(["complaint@simulator.amazonses.com"], now, SendEvents.FeedbackId(mail.MessageId, "complaint"), null, "abuse", "SesConsole test", now),
            },
            _ => SendEvents.Delivery(mail, ["success@simulator.amazonses.com"], now, "250 2.6.0 Message received", SendEvents.SimulatorMta),
        };
    }

    private static string TypeOf(string json)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        return document.RootElement.TryGetProperty("notificationType", out var t) ? t.GetString() ?? "" : "";
    }

    private static Error NotFound(string name, string region) =>
        new("identity.not_found", $"{name} is not an identity of your account in {region}.");
}
