using System.Collections.Concurrent;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Web.Hosting;
using SesConsole.Web.Sending;

namespace SesConsole.Web.Notifications.Delivery;

/// <summary>A delivery a worker claimed, with what it needs to make it (any of the three may have been deleted meanwhile).</summary>
public sealed record ClaimedSnsDelivery(SnsDeliveryEntity Delivery, SnsMessageEntity? Message, SnsSubscriptionEntity? Subscription, SnsTopicEntity? Topic);

/// <summary>
/// The steps of SNS delivery (docs/notifications.md#delivery), run by <see cref="SnsDeliveryWorker"/>: fan a new message
/// out into one <see cref="SnsDeliveryEntity"/> per subscription, claim due deliveries with a lease, make one try of a
/// claimed delivery and record it. Every step is safe with several workers on one database (two nodes, or a test
/// calling in beside the background worker): a message is fanned out once (a conditional update decides) and a
/// delivery is tried by one worker at a time (a conditional claim decides).
/// </summary>
public sealed class SnsDeliveryProcessor(
    IDbContextFactory<ConsoleDbContext> dbFactory,
    GroupCommitWriter writer,
    SnsSigningKeys keys,
    SnsHttpSender http,
    SnsEmailSender email,
    SnsPublicBaseUrl publicBaseUrl,
    IOptions<SnsDeliveryOptions> options,
    TimeProvider time,
    ILogger<SnsDeliveryProcessor> logger,
    ConsoleMetrics? metrics = null)
{
    /// <summary>When each throttled subscription may next be called (this process only).</summary>
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _throttle = new();

    /// <summary>
    /// Fans out up to <see cref="SnsDeliveryOptions.DeliveryBatchSize"/> new messages, oldest first, in one transaction:
    /// a Notification gets a delivery per Confirmed subscription of its topic, a confirmation one for its own
    /// subscription whatever its status. Returns how many messages it took.
    /// </summary>
    public async Task<int> FanOutAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var messages = await db.SnsMessages.AsNoTracking()
            .Where(m => !m.FannedOut)
            .OrderBy(m => m.CreatedAt)
            .Take(Math.Max(1, options.Value.DeliveryBatchSize))
            .Select(m => new { m.Id, m.TopicId, m.Type, m.SubscriptionId })
            .ToListAsync(ct);
        if (messages.Count == 0)
        {
            return 0;
        }

        var topicIds = messages.Where(m => m.Type == SnsMessageType.Notification).Select(m => m.TopicId).Distinct().ToList();
        var subscribers = (await db.SnsSubscriptions.AsNoTracking()
                .Where(s => topicIds.Contains(s.TopicId) && s.Status == SnsSubscriptionStatus.Confirmed)
                .Select(s => new { s.Id, s.TopicId })
                .ToListAsync(ct))
            .ToLookup(s => s.TopicId, s => s.Id);

        var now = time.GetUtcNow();
        var deliveries = 0;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var message in messages)
        {
            var id = message.Id;
            if (await db.SnsMessages.Where(m => m.Id == id && !m.FannedOut).ExecuteUpdateAsync(u => u.SetProperty(m => m.FannedOut, true), ct) != 1)
            {
                continue; // another worker fanned it out meanwhile
            }

            IEnumerable<Guid> targets = message.Type == SnsMessageType.Notification
                ? subscribers[message.TopicId]
                : message.SubscriptionId is { } one ? [one] : [];
            foreach (var subscriptionId in targets)
            {
                db.SnsDeliveries.Add(new SnsDeliveryEntity
                {
                    Id = Guid.CreateVersion7(now), SnsMessageId = id, SubscriptionId = subscriptionId, Status = SnsDeliveryStatus.Pending,
                    NextAttemptAt = now, CreatedAt = now,
                });
                deliveries++;
            }
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogDebug("Fanned out {Messages} SNS messages into {Deliveries} deliveries.", messages.Count, deliveries);
        return messages.Count;
    }

    /// <summary>
    /// Claims up to <paramref name="max"/> due deliveries, the longest waiting first: sets their lease
    /// (<see cref="SnsDeliveryOptions.DeliveryClaimLease"/>) only where no one else holds one — one UPDATE for the batch,
    /// and row by row only when another worker took some of them since they were read.
    /// </summary>
    public async Task<List<ClaimedSnsDelivery>> ClaimAsync(int max, CancellationToken ct)
    {
        if (max <= 0)
        {
            return [];
        }

        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var due = await db.SnsDeliveries.AsNoTracking()
            .Where(d => d.Status == SnsDeliveryStatus.Pending && d.NextAttemptAt <= now && (d.ClaimedUntil == null || d.ClaimedUntil <= now))
            .OrderBy(d => d.NextAttemptAt)
            .Take(max)
            .ToListAsync(ct);
        if (due.Count == 0)
        {
            return [];
        }

        var lease = now + options.Value.DeliveryClaimLease;
        var ids = due.Select(d => d.Id).ToList();
        List<SnsDeliveryEntity> won;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            var taken = await db.SnsDeliveries
                .Where(d => ids.Contains(d.Id) && d.Status == SnsDeliveryStatus.Pending && d.NextAttemptAt <= now && (d.ClaimedUntil == null || d.ClaimedUntil <= now))
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.ClaimedUntil, lease), ct);
            if (taken == due.Count)
            {
                won = due;
                await transaction.CommitAsync(CancellationToken.None); // once the leases are taken, nothing below may strand them
            }
            else
            {
                await transaction.RollbackAsync(ct);
                await using var retry = await db.Database.BeginTransactionAsync(ct);
                won = [];
                foreach (var delivery in due)
                {
                    var id = delivery.Id;
                    if (await db.SnsDeliveries
                            .Where(d => d.Id == id && d.Status == SnsDeliveryStatus.Pending && d.NextAttemptAt <= now && (d.ClaimedUntil == null || d.ClaimedUntil <= now))
                            .ExecuteUpdateAsync(u => u.SetProperty(d => d.ClaimedUntil, lease), ct) == 1)
                    {
                        won.Add(delivery);
                    }
                }

                await retry.CommitAsync(CancellationToken.None);
            }
        }

        // The claims are committed: a stop from here on must not strand them under a lease no one works on, so the short
        // reads below run to the end and the deliveries themselves see the stop and give their claims back.
        ct = CancellationToken.None;
        won.ForEach(d => d.ClaimedUntil = lease);
        var messageIds = won.Select(d => d.SnsMessageId).Distinct().ToList();
        var subscriptionIds = won.Select(d => d.SubscriptionId).Distinct().ToList();
        var messages = await db.SnsMessages.AsNoTracking().Where(m => messageIds.Contains(m.Id)).ToDictionaryAsync(m => m.Id, ct);
        var subscriptions = await db.SnsSubscriptions.AsNoTracking().Where(s => subscriptionIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
        var topicIds = messages.Values.Select(m => m.TopicId).Distinct().ToList();
        var topics = await db.SnsTopics.AsNoTracking().Where(t => topicIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, ct);
        return
        [
            .. won.Select(d =>
            {
                var message = messages.GetValueOrDefault(d.SnsMessageId);
                return new ClaimedSnsDelivery(d, message, subscriptions.GetValueOrDefault(d.SubscriptionId),
                    message is null ? null : topics.GetValueOrDefault(message.TopicId));
            }),
        ];
    }

    /// <summary>
    /// Makes one try of a claimed delivery and records it (the attempt row and the delivery's new state, through the
    /// group commit). When <paramref name="ct"/> ends (the console is stopping) the try is abandoned and the claim
    /// released, so the next start tries it again at once. Never throws.
    /// </summary>
    public async Task DeliverAsync(ClaimedSnsDelivery claimed, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        var (delivery, message, subscription, topic) = claimed;
        try
        {
            if (message is null || subscription is null || topic is null)
            {
                await FinishWithoutTryAsync(delivery, SnsDeliveryStatus.Failed, "The subscription or its topic was deleted.");
                metrics?.RecordNotification(ConsoleMetrics.NotificationResults.Failed, subscription?.Protocol);
                return;
            }

            if (message.Type == SnsMessageType.Notification && subscription.Status != SnsSubscriptionStatus.Confirmed)
            {
                await FinishWithoutTryAsync(delivery, SnsDeliveryStatus.Failed, "The subscription is no longer confirmed.");
                metrics?.RecordNotification(ConsoleMetrics.NotificationResults.Failed, subscription.Protocol);
                return;
            }

            var byMail = subscription.Protocol is "email" or "email-json";
            var policy = byMail ? SnsEffectiveDeliveryPolicy.Email : SnsEffectiveDeliveryPolicy.For(topic.DeliveryPolicy, subscription.DeliveryPolicy);
            if (policy.MaxReceivesPerSecond is { } rate && Throttled(subscription.Id, rate) is { } later)
            {
                await RescheduleAsync(delivery, later);
                return;
            }

            var (result, duration) = byMail && message.Type == SnsMessageType.UnsubscribeConfirmation
                ? (new SnsAttemptResult(true, false, null, "Not mailed: SNS sends email subscribers no unsubscribe confirmation."), TimeSpan.Zero)
                : await TryAsync(delivery, message, subscription, topic, byMail, policy, ct);
            await RecordAsync(delivery, message, subscription, policy, result, duration);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await ReleaseAsync(delivery);
        }
        catch (Exception ex)
        {
            // A bug or the database: the claim stays, and the delivery is tried again when the lease ends.
            logger.LogError(ex, "SNS delivery {DeliveryId} failed unexpectedly; it is retried after its lease.", delivery.Id);
        }
    }

    /// <summary>One try; the duration is the subscriber's (or the mail transport's) part of it.</summary>
    private async Task<(SnsAttemptResult Result, TimeSpan Duration)> TryAsync(SnsDeliveryEntity delivery, SnsMessageEntity message,
        SnsSubscriptionEntity subscription, SnsTopicEntity topic, bool byMail, SnsEffectiveDeliveryPolicy policy, CancellationToken ct)
    {
        var baseUrl = publicBaseUrl.Get();
        var key = await keys.GetCurrentAsync(ct);
        var document = SnsMessageDocument.For(message, subscription, baseUrl);
        var json = document.ToJson(key.Rsa, topic.SignatureVersion, SnsUrls.SigningCertUrl(baseUrl, key.Name));
        var started = time.GetTimestamp();
        if (byMail)
        {
            return (await email.SendAsync(delivery.Id, subscription, topic, document, json, ct), time.GetElapsedTime(started));
        }

        if (!Uri.TryCreate(subscription.Endpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
        {
            return (SnsAttemptResult.Failed($"'{subscription.Endpoint}' is not an http or https URL."), TimeSpan.Zero);
        }

        var raw = subscription.RawMessageDelivery && message.Type == SnsMessageType.Notification;
        var headers = new List<KeyValuePair<string, string>>
        {
            new("x-amz-sns-message-type", document.Type),
            new("x-amz-sns-message-id", message.MessageId),
            new("x-amz-sns-topic-arn", message.TopicArn),
        };
        if (message.Type == SnsMessageType.Notification)
        {
            headers.Add(new("x-amz-sns-subscription-arn", subscription.Arn));
        }

        if (raw)
        {
            headers.Add(new("x-amz-sns-rawdelivery", "true"));
        }

        var body = raw ? Encoding.UTF8.GetBytes(message.Message) : json;
        var result = await http.PostAsync(new SnsHttpRequest(endpoint, body, policy.HeaderContentType ?? "text/plain; charset=UTF-8", headers), ct);
        return (result, time.GetElapsedTime(started));
    }

    /// <summary>
    /// Records a try: the attempt, and the delivery Delivered, Refused, scheduled for its next retry, or Failed when the
    /// policy has none left (the message is dropped for this subscription, as SNS does). An UnsubscribeConfirmation that is
    /// done with removes its Unsubscribed subscription.
    /// </summary>
    private async Task RecordAsync(SnsDeliveryEntity delivery, SnsMessageEntity message, SnsSubscriptionEntity subscription,
        SnsEffectiveDeliveryPolicy policy, SnsAttemptResult result, TimeSpan duration)
    {
        var at = time.GetUtcNow();
        var attempts = delivery.Attempts + 1;
        var (status, next, error) = result switch
        {
            { Succeeded: true } => (SnsDeliveryStatus.Delivered, delivery.NextAttemptAt, null),
            { Refused: true } => (SnsDeliveryStatus.Refused, delivery.NextAttemptAt, result.Detail),
            _ => policy.Retry.DelayBeforeRetry(attempts) is { } delay
                ? (SnsDeliveryStatus.Pending, at + delay, result.Detail)
                : (SnsDeliveryStatus.Failed, delivery.NextAttemptAt, result.Detail),
        };
        var removeSubscription = message.Type == SnsMessageType.UnsubscribeConfirmation && status != SnsDeliveryStatus.Pending
            && subscription.Status == SnsSubscriptionStatus.Unsubscribed;
        await writer.CommitAsync(async db =>
        {
            Update(db, delivery.Id, status, attempts, next, error, status == SnsDeliveryStatus.Pending ? null : at);
            db.SnsDeliveryAttempts.Add(new SnsDeliveryAttemptEntity
            {
                DeliveryId = delivery.Id, SubscriptionId = subscription.Id, TopicArn = message.TopicArn, MessageId = message.MessageId, At = at,
                Succeeded = result.Succeeded, StatusCode = result.StatusCode, DurationMs = (int)Math.Min(int.MaxValue, duration.TotalMilliseconds), Detail = result.Detail,
            });
            if (removeSubscription)
            {
                var id = subscription.Id;
                await db.SnsSubscriptions.Where(s => s.Id == id && s.Status == SnsSubscriptionStatus.Unsubscribed).ExecuteDeleteAsync();
            }
        });

        // docs/observability.md#metrics
        metrics?.RecordNotification(status switch
        {
            SnsDeliveryStatus.Delivered => ConsoleMetrics.NotificationResults.Delivered,
            SnsDeliveryStatus.Pending => ConsoleMetrics.NotificationResults.Retrying,
            SnsDeliveryStatus.Refused => ConsoleMetrics.NotificationResults.Refused,
            _ => ConsoleMetrics.NotificationResults.Failed,
        }, subscription.Protocol);
        if (status == SnsDeliveryStatus.Pending)
        {
            logger.LogInformation("SNS delivery of {MessageId} to {Subscription} failed (try {Attempts}); retrying at {Next}: {Error}",
                message.MessageId, subscription.Arn, attempts, next, error);
        }
        else if (status != SnsDeliveryStatus.Delivered)
        {
            logger.LogWarning("SNS delivery of {MessageId} to {Subscription} {Status} after {Attempts} tries: {Error}",
                message.MessageId, subscription.Arn, status, attempts, error);
        }
    }

    private Task FinishWithoutTryAsync(SnsDeliveryEntity delivery, SnsDeliveryStatus status, string error) =>
        writer.CommitAsync(db =>
        {
            Update(db, delivery.Id, status, delivery.Attempts, delivery.NextAttemptAt, error, time.GetUtcNow());
            return Task.CompletedTask;
        });

    private Task RescheduleAsync(SnsDeliveryEntity delivery, DateTimeOffset at) =>
        writer.CommitAsync(db =>
        {
            Update(db, delivery.Id, SnsDeliveryStatus.Pending, delivery.Attempts, at, delivery.LastError, null);
            return Task.CompletedTask;
        });

    /// <summary>Gives a claim back without a try (the console is stopping), straight to the database: the writer may be stopping too.</summary>
    private async Task ReleaseAsync(SnsDeliveryEntity delivery)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await using var db = await dbFactory.CreateDbContextAsync(timeout.Token);
            var id = delivery.Id;
            await db.SnsDeliveries.Where(d => d.Id == id && d.Status == SnsDeliveryStatus.Pending)
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.ClaimedUntil, (DateTimeOffset?)null), timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
        {
            logger.LogInformation(ex, "Could not release SNS delivery {DeliveryId}; it is retried when its lease ends.", delivery.Id);
        }
    }

    /// <summary>Sets a delivery's state to absolute values (a group commit may run it again on a fresh context).</summary>
    private static void Update(ConsoleDbContext db, Guid id, SnsDeliveryStatus status, int attempts, DateTimeOffset next, string? error, DateTimeOffset? completedAt)
    {
        var row = new SnsDeliveryEntity { Id = id };
        var entry = db.SnsDeliveries.Attach(row);
        row.Status = status;
        row.Attempts = attempts;
        row.NextAttemptAt = next;
        row.ClaimedUntil = null;
        row.LastError = error is null ? null : SnsAttemptResult.Clip(error);
        row.CompletedAt = completedAt;
        foreach (var property in (string[])[nameof(row.Status), nameof(row.Attempts), nameof(row.NextAttemptAt), nameof(row.ClaimedUntil), nameof(row.LastError), nameof(row.CompletedAt)])
        {
            entry.Property(property).IsModified = true;
        }
    }

    /// <summary>
    /// Takes a slot of the subscription's <c>throttlePolicy.maxReceivesPerSecond</c>: null when the delivery may go now,
    /// else when it may go.
    /// </summary>
    private DateTimeOffset? Throttled(Guid subscriptionId, double maxPerSecond)
    {
        var now = time.GetUtcNow();
        var gap = TimeSpan.FromSeconds(1 / maxPerSecond);
        while (true)
        {
            if (!_throttle.TryGetValue(subscriptionId, out var next))
            {
                if (_throttle.TryAdd(subscriptionId, now + gap))
                {
                    return null;
                }

                continue;
            }

            if (next > now)
            {
                return next;
            }

            if (_throttle.TryUpdate(subscriptionId, now + gap, next))
            {
                return null;
            }
        }
    }
}
