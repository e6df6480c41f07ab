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
    ReputationSignal signal,
    DeliveryFlowControl flow)
{
    public Task WriteAsync(SendRequest request, string api, SendOutcome outcome, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (!outcome.IsAccepted)
        {
            throw new ArgumentException("The outcome is not an accepted message.", nameof(outcome));
        }

        // One message is a call of one: the same build, commit, release on failure and settle.
        return WriteManyAsync([(request, outcome)], api, ct);
    }

    /// <summary>
    /// Makes a bulk call's messages durable (docs/templates.md#bulk-sending): the rows of every accepted outcome of
    /// <paramref name="sends"/> (each built as <see cref="WriteAsync"/> builds them) and the attempts of the rejected ones go
    /// into <em>one</em> group commit. If anything before or in that commit fails, every reservation of the call is released
    /// and nothing is accepted; once it committed, each is settled.
    /// </summary>
    public async Task WriteManyAsync(IReadOnlyList<(SendRequest Request, SendOutcome Outcome)> sends, string api, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(sends);
        var rows = new List<object>();
        var built = new List<(AcceptedMessage Accepted, string? Reservation, FeedbackRows FannedOut, List<ReputationDelta>? Counts)>(sends.Count);
        var outboxRows = 0;
        try
        {
            foreach (var (request, outcome) in sends)
            {
                if (outcome.Accepted is not { } accepted)
                {
                    if (SendAttemptRecord.Build(request, outcome, api, time.GetUtcNow()) is { AccountId.Length: 12 } attempt)
                    {
                        rows.Add(attempt); // a rejected entry's attempt (one without a sending account is not stored, SendAttemptRecorder)
                    }

                    continue;
                }

                var reservation = outcome.Quota?.ReservationId;
                var message = await BuildAsync(request, api, outcome, accepted, reservation, ct);
                rows.AddRange(message.Rows);
                outboxRows += message.OutboxRows;
                built.Add((accepted, reservation, message.FannedOut, message.Counts));
            }

            if (outboxRows > 0)
            {
                // Mail for real recipients waits while delivery is behind (docs/send-pipeline.md#flow-control).
                await flow.WaitForRoomAsync(ct);
            }

            if (rows.Count > 0)
            {
                await writer.CommitAsync([.. rows]);
                flow.Accepted(outboxRows);
            }
        }
        catch
        {
            Release(sends.Select(s => s.Outcome));
            throw;
        }

        foreach (var (accepted, reservation, fannedOut, counts) in built)
        {
            if (reservation is not null)
            {
                ledger.Settle(reservation);
            }

            feedback.Committed(fannedOut);
            if (counts is not null)
            {
                signal.Changed(accepted.SendingAccountId, counts);
            }
        }

        logger.LogDebug("Accepted {Accepted} of {Count} message(s) in one commit", built.Count, sends.Count);
    }

    /// <summary>Gives back the reservations of <paramref name="outcomes"/> that were never written (a bulk call that failed part way).</summary>
    public void Release(IEnumerable<SendOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        foreach (var outcome in outcomes)
        {
            if (outcome.IsAccepted && outcome.Quota?.ReservationId is { } reservation)
            {
                ledger.Release(reservation);
            }
        }
    }

    /// <summary>The rows of one accepted message (attempt, outbox row, auto-reply, events, reputation counts, usage); throws when anything fails.</summary>
    private async Task<(List<object> Rows, FeedbackRows FannedOut, List<ReputationDelta>? Counts, int OutboxRows)> BuildAsync(
        SendRequest request, string api, SendOutcome outcome, AcceptedMessage accepted, string? reservation, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var attempt = SendAttemptRecord.Build(request, outcome, api, now);
        var rows = new List<object> { attempt };
        byte[]? built = null;
        // A template that could not be rendered: accepted and charged, but no mail — its events say so (docs/templates.md#rendering-failures).
        var renderingFailed = accepted.Content is SimpleContent { RenderingFailure: not null };
        var outboxRows = 0;
        var transport = accepted.TransportRecipients; // a new list on every read
        if (transport.Count > 0 && !renderingFailed)
        {
            outboxRows = 1;
            rows.Add(new OutboxMessageEntity
            {
                Id = Guid.CreateVersion7(now), MessageId = accepted.MessageId, AccountId = accepted.SendingAccountId, SourceArn = accepted.SourceArn,
                EnvelopeFrom = accepted.MailFrom.EnvelopeFrom, Recipients = string.Join(',', transport),
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

        return (rows, fannedOut, counts, outboxRows);
    }
}
