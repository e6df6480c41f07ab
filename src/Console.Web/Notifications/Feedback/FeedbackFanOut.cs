using Microsoft.Extensions.Options;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Sending;
using SesConsole.Domain.Sending.Events;
using SesConsole.Web.Sending.Stores;

namespace SesConsole.Web.Notifications.Feedback;

/// <summary>What the fan-out knows of the message an event is about.</summary>
/// <param name="SendingAccountId">The sender (delegate): its configuration set and its suppression list apply.</param>
/// <param name="SourceArn">The identity the mail was sent as (the owner's, under delegation).</param>
/// <param name="ConfigurationSetName">The sender's configuration set named in the send, if any.</param>
/// <param name="FeedbackAddress">Where feedback mail goes (Return-Path, else Source); null for none.</param>
/// <param name="Mime">The message's MIME, built on first use when the caller has not built it yet.</param>
public sealed record FeedbackContext(
    string SendingAccountId,
    string SourceArn,
    string? ConfigurationSetName,
    string? FeedbackAddress,
    Func<CancellationToken, Task<byte[]?>> Mime);

/// <summary>The rows the fan-out adds to the event's transaction, and whether any is an SNS message (to wake the SNS worker after the commit).</summary>
public sealed record FeedbackRows(IReadOnlyList<object> Rows, bool PublishesToSns)
{
    public static FeedbackRows None { get; } = new([], false);
}

/// <summary>
/// Who hears about an event (docs/notifications.md#feedback-routing-under-delegation): given the events of one message as
/// they are committed, the rows to commit with them, in the same transaction — an SNS message per identity topic and
/// per SNS destination of the sender's configuration set, a published-event row per destination, and a feedback mail in
/// the outbox for bounces and complaints when forwarding is on or no channel took them. Nothing is read from the database
/// per message: settings, destinations and topic-policy decisions come from <see cref="FeedbackSettingsCache"/>, and
/// an event nobody listens to adds nothing.
/// </summary>
public sealed class FeedbackFanOut(
    FeedbackSettingsCache settings,
    DbSuppressionList suppression,
    SnsDeliverySignal signal,
    IOptions<SendPipelineOptions> pipeline,
    TimeProvider time,
    ILogger<FeedbackFanOut> logger)
{
    /// <summary>The rows for <paramref name="events"/> of one message.</summary>
    public async Task<FeedbackRows> RowsForAsync(IReadOnlyList<SendEvent> events, FeedbackContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(context);
        if (events.Count == 0 || !IdentityArn.Parse(context.SourceArn).TryGetValue(out var identity))
        {
            return FeedbackRows.None;
        }

        var owner = identity.Account.Value;
        var region = identity.Region;
        var identitySettings = await settings.IdentitySettingsAsync(owner, region, events[0].Mail.Source, identity.IdentityName, ct);
        IReadOnlyList<FeedbackDestination> destinations = context.ConfigurationSetName is { } set
            ? await settings.DestinationsAsync(context.SendingAccountId, region, set, ct)
            : [];
        if (identitySettings == IdentityNotificationSettings.Default && destinations.Count == 0
            && !events.Any(e => e.Type is SendEventType.Bounce or SendEventType.Complaint))
        {
            return FeedbackRows.None; // nobody listens: no further work on the send path
        }

        var rows = new List<object>();
        var sns = false;
        var now = time.GetUtcNow();
        byte[]? mime = null;
        var mimeRead = false;
        async Task<byte[]?> MimeAsync()
        {
            if (!mimeRead)
            {
                mime = await context.Mime(ct);
                mimeRead = true;
            }

            return mime;
        }

        foreach (var e in events)
        {
            var effective = await WithoutRefusedTopicAsync(identitySettings, e.Type, owner, context.SourceArn, ct);
            var routes = destinations.Select(d => d.Route).ToList();
            var targets = FeedbackRouting.Route(e, effective, routes, context.FeedbackAddress ?? e.Mail.Source);
            var mailed = false;
            foreach (var target in targets)
            {
                switch (target.Channel)
                {
                    case FeedbackChannel.IdentityTopic:
                        var topic = await settings.TopicAsync(target.Target, owner, context.SourceArn, ct);
                        var headers = OriginalHeaders.Read(await MimeAsync(), context.FeedbackAddress);
                        var json = SesNotificationJson.Serialize(e with { Mail = e.Mail with { Tags = null } }, NotificationFormat.IdentityNotification,
                            headers, effective.HeadersFor(e.Type));
                        rows.Add(Message(topic, json, now));
                        sns = true;
                        break;
                    case FeedbackChannel.ConfigurationSetDestination:
                        var destination = destinations.First(d => d.Route.Name == target.Target);
                        var eventJson = SesNotificationJson.Serialize(e with { Mail = e.Mail with { Tags = AutoTags(e, context) } }, NotificationFormat.EventPublishing,
                            OriginalHeaders.Read(await MimeAsync(), context.FeedbackAddress), withAllHeaders: true);
                        if (destination.Kind == EventDestinationKind.Sns && destination.TopicArn is { } arn)
                        {
                            var setArn = $"arn:aws:ses:{region}:{context.SendingAccountId}:configuration-set/{context.ConfigurationSetName}";
                            var setTopic = await settings.TopicAsync(arn, context.SendingAccountId, setArn, ct);
                            if (!setTopic.Allowed)
                            {
                                logger.LogWarning("Not publishing {Type} of {MessageId} to {Topic} (configuration set {Set}): {Reason}",
                                    e.Type, e.Mail.MessageId, arn, context.ConfigurationSetName, setTopic.Reason);
                                break;
                            }

                            rows.Add(Message(setTopic, eventJson, now));
                            sns = true;
                        }

                        rows.Add(new PublishedEventEntity
                        {
                            Id = Guid.CreateVersion7(now), AccountId = context.SendingAccountId, Region = region, ConfigurationSetName = context.ConfigurationSetName!,
                            DestinationName = destination.Route.Name, EventType = e.Type.JsonName(), MessageId = e.Mail.MessageId, Json = eventJson, At = now,
                        });
                        break;
                    case FeedbackChannel.EmailForwarding or FeedbackChannel.FallbackEmail when !mailed:
                        mailed = true;
                        if (await MayMailAsync(target.Target, context.SendingAccountId, region, ct))
                        {
                            rows.Add(FeedbackMail.For(e, target.Target, pipeline.Value.DefaultMailFromDomain, context.SourceArn, await MimeAsync(), now));
                        }

                        break;
                }
            }
        }

        return rows.Count == 0 ? FeedbackRows.None : new FeedbackRows(rows, sns);
    }

    /// <summary>After the rows were committed: wakes the SNS delivery worker when there are SNS messages.</summary>
    public void Committed(FeedbackRows rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.PublishesToSns)
        {
            signal.Notify();
        }
    }

    /// <summary>
    /// The settings with the topic of <paramref name="type"/> removed when SES may not publish to it (its policy, or it is
    /// gone): the publish is skipped and logged, as SES does, and the fallback-email rule sees no topic.
    /// </summary>
    private async Task<IdentityNotificationSettings> WithoutRefusedTopicAsync(IdentityNotificationSettings s, SendEventType type, string owner, string sourceArn, CancellationToken ct)
    {
        if (s.TopicFor(type) is not { } arn)
        {
            return s;
        }

        var topic = await settings.TopicAsync(arn, owner, sourceArn, ct);
        if (topic.Allowed)
        {
            return s;
        }

        logger.LogWarning("Not publishing the {Type} notification of {Identity} to {Topic}: {Reason}", type, sourceArn, arn, topic.Reason);
        return type switch
        {
            SendEventType.Bounce => s with { BounceTopicArn = null },
            SendEventType.Complaint => s with { ComplaintTopicArn = null },
            _ => s with { DeliveryTopicArn = null },
        };
    }

    /// <summary>Never mail feedback to the mailbox simulator or to an address on the sender's suppression list.</summary>
    private async Task<bool> MayMailAsync(string address, string account, string region, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(address) || MailboxSimulator.IsSimulator(address))
        {
            return false;
        }

        var suppressed = await suppression.FindAsync(account, region, [address], ct);
        return suppressed.Count == 0;
    }

    private static SnsMessageEntity Message(FeedbackTopic topic, string json, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now), MessageId = Guid.NewGuid().ToString(), TopicId = topic.TopicId!.Value, TopicArn = topic.Arn,
        Type = SnsMessageType.Notification, Subject = null, Message = json, PublishedBy = FeedbackSettingsCache.SesPrincipal,
        FannedOut = false, CreatedAt = now,
    };

    /// <summary><c>mail.tags</c> of event publishing: the message's tags plus SES's automatic ones.</summary>
    private static Dictionary<string, IReadOnlyList<string>> AutoTags(SendEvent e, FeedbackContext context)
    {
        var tags = e.Mail.Tags?.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal) ?? new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        tags["ses:configuration-set"] = [context.ConfigurationSetName!];
        tags["ses:caller-identity"] = [e.Mail.CallerIdentity];
        var at = e.Mail.Source.LastIndexOf('@');
        if (at >= 0)
        {
            tags["ses:from-domain"] = [e.Mail.Source[(at + 1)..]];
        }

        if (e.Mail.SourceIp is { } ip)
        {
            tags["ses:source-ip"] = [ip];
        }

        return tags;
    }
}
