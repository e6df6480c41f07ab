using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Sending;
using SesConsole.Domain.Sending.Events;
using SesConsole.Web.Notifications.Feedback;
using SesConsole.Web.Reputation;
using SesConsole.Web.Sending.Delivery;
using SesConsole.Web.Sending.Mime;

namespace SesConsole.Web.Sending;

/// <summary>
/// Makes an accepted message durable (docs/send-pipeline.md#the-sending-module): its attempt, the signed MIME in the
/// outbox, a simulator auto-reply, the Send (and synthetic) events and the quota ledger's usage row go into one group
/// commit. The reservation the pipeline took is confirmed into that usage row, released when anything before or in the
/// commit fails (or the caller cancels) and settled once the commit succeeded, so the caller gets its MessageId only for a message that is stored and charged.
/// </summary>
public sealed class AcceptedMessageWriter(
    AcceptedMimeBuilder mime,
    GroupCommitWriter writer,
    QuotaLedger ledger,
    TimeProvider time,
    ILogger<AcceptedMessageWriter> logger,
    FeedbackFanOut feedback,
    ReputationCounting counting,
    ReputationSignal signal)
{
    public async Task WriteAsync(SendRequest request, string api, SendOutcome outcome, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var accepted = outcome.Accepted ?? throw new ArgumentException("The outcome is not an accepted message.", nameof(outcome));
        var reservation = outcome.Quota?.ReservationId;
        (FeedbackRows FannedOut, List<ReputationDelta>? Counts) committed;
        try
        {
            committed = await CommitAsync(request, api, outcome, accepted, reservation, ct);
        }
        catch when (reservation is not null)
        {
            // Not accepted after all — the MIME, the feedback lookup or the commit failed, or the caller went away before
            // the commit: no charge. In cluster mode the charge is a committed row already; only the release takes it back.
            ledger.Release(reservation);
            throw;
        }

        if (reservation is not null)
        {
            ledger.Settle(reservation);
        }

        feedback.Committed(committed.FannedOut);
        if (committed.Counts is not null)
        {
            signal.Changed(accepted.SendingAccountId, committed.Counts);
        }
    }

    /// <summary>Builds the message's rows and commits them; throws (and the caller releases the reservation) when anything fails.</summary>
    private async Task<(FeedbackRows FannedOut, List<ReputationDelta>? Counts)> CommitAsync(
        SendRequest request, string api, SendOutcome outcome, AcceptedMessage accepted, string? reservation, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var attempt = SendAttemptRecord.Build(request, outcome, api, now);
        var rows = new List<object> { attempt };
        byte[]? built = null;
        // A template that could not be rendered: accepted and charged, but no mail — its events say so (docs/templates.md#rendering-failures).
        var renderingFailed = accepted.Content is SimpleContent { RenderingFailure: not null };
        if (accepted.TransportRecipients.Count > 0 && !renderingFailed)
        {
            rows.Add(new OutboxMessageEntity
            {
                Id = Guid.CreateVersion7(now), MessageId = accepted.MessageId, AccountId = accepted.SendingAccountId, SourceArn = accepted.SourceArn,
                EnvelopeFrom = accepted.MailFrom.EnvelopeFrom, Recipients = string.Join(',', accepted.TransportRecipients),
                Mime = built = await mime.BuildAsync(accepted, ct), CreatedAt = accepted.Timestamp, NextAttemptAt = accepted.Timestamp,
                ConfigurationSetName = accepted.ConfigurationSetName, FeedbackAddress = accepted.FeedbackForwardingAddress,
            });
        }

        if (!renderingFailed && SimulatorAutoReply.For(accepted, now) is { } autoReply)
        {
            rows.Add(autoReply); // ooto@simulator: the auto-reply is durable with the message, delivered by the worker
        }

        // The Send event is the attempt itself (its Mail); the others are stored without `mail`
        // (docs/storage-and-retention.md#events). Whoever listens hears of all of them in the same commit
        // (docs/notifications.md#feedback-routing-under-delegation).
        var events = SendEvents.ForAccepted(accepted);
        var fannedOut = await feedback.RowsForAsync(events, new FeedbackContext(accepted.SendingAccountId, accepted.SourceArn, accepted.ConfigurationSetName,
            accepted.FeedbackForwardingAddress, async token => built ??= await mime.BuildAsync(accepted, token)), ct);
        rows.AddRange(fannedOut.Rows);
        List<ReputationDelta>? counts = null;
        foreach (var e in events.Where(e => e.Type != SendEventType.Send))
        {
            // Known at acceptance (simulator outcomes into test buckets, suppressed recipients): counted in the same commit
            // (docs/reputation.md#rollups). A message to real recipients only has none, and the hot path adds nothing.
            (counts ??= []).AddRange(counting.For(e, accepted.SendingAccountId, accepted.SourceArn, atHandOver: true));

            rows.Add(new SendEventEntity
            {
                Id = Guid.CreateVersion7(now), MessageId = accepted.MessageId, AccountId = accepted.SendingAccountId, OwnerAccountId = accepted.IdentityOwnerAccountId,
                SourceArn = accepted.SourceArn, Type = e.Type.JsonName(), Recipient = e.Recipients.Count == 1 ? e.Recipients[0] : null,
                Json = SesNotificationJson.SerializeWithoutMail(e), At = e.Timestamp, CountsTowardReputation = e.CountsTowardReputation,
            });
        }

        if (counts is not null)
        {
            rows.AddRange(ReputationRollup.Merge(counts));
        }

        if (reservation is not null && ledger.Confirm(reservation, accepted.SendingAccountId, accepted.MessageId) is { } usage)
        {
            rows.Add(usage); // the charge is durable with the message, in the same commit
        }

        await writer.CommitAsync([.. rows]);
        logger.LogDebug("Accepted {MessageId} from {Caller} as {Identity} to {Count} recipient(s)", accepted.MessageId, attempt.CallerArn, accepted.FromIdentityArn, accepted.Destination.Count);
        return (fannedOut, counts);
    }
}
