using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Sending.Events;
using SesConsole.Web.Features.Sending;
using SesConsole.Web.Notifications.Feedback;
using SesConsole.Web.Sending;

namespace SesConsole.Web.Reputation.Inbound;

/// <summary>A report as the listener received it for one return address.</summary>
public sealed record InboundReport(string EnvelopeFrom, string EnvelopeTo, string MessageId, string? RemoteIp, byte[] Mime);

/// <summary>What was made of a report: the kept row's ID, its kind, and how many events were recorded from it.</summary>
public sealed record InboundOutcome(Guid Id, InboundFeedbackKind Kind, int Events, string Summary);

/// <summary>
/// Records one inbound report about one message (docs/reputation.md#inbound-feedback), in one transaction: the report
/// as received (cut at <see cref="InboundFeedbackOptions.MaxStoredBytes"/>) with what was made of it; for a DSN's failed
/// recipients and an ARF complaint their Bounce and Complaint events, charged to the message's sending (delegate)
/// account; the reputation buckets; permanent bounces and complaints on the <em>sender's</em> suppression list; and the
/// feedback fan-out (identity topics, configuration set destinations, forwarding). A report already recorded (same
/// message, recipient and status, or the same complaint) adds nothing the second time.
/// </summary>
public sealed class InboundFeedbackRecorder(
    IDbContextFactory<ConsoleDbContext> dbFactory,
    ReputationCounting counting,
    ReputationSignal signal,
    FeedbackFanOut feedback,
    IOptions<FeedbackOptions> options,
    TimeProvider time,
    ILogger<InboundFeedbackRecorder> logger)
{
    /// <summary>Records <paramref name="report"/>; null when its message is unknown (it was checked at RCPT TO, but may have been purged since).</summary>
    public async Task<InboundOutcome?> RecordAsync(InboundReport report, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(report);
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await MessageMailReader.FindAsync(db, report.MessageId, ct) is not var (message, mail))
        {
            return null;
        }

        var parsed = FeedbackReportParser.Parse(report.Mime, report.MessageId, mail.Info.Destination);
        var events = Events(parsed, mail.Info, now);
        var fresh = await NotRecordedAsync(db, report.MessageId, events, ct);
        var summary = fresh.Count == events.Count ? parsed.Summary
            : $"{parsed.Summary} Already recorded from an earlier report: {events.Count - fresh.Count} of {events.Count} event(s), not counted again.";
        var row = new InboundFeedbackEntity
        {
            Id = Guid.CreateVersion7(now), ReceivedAt = now, EnvelopeFrom = Cut(report.EnvelopeFrom, 320), EnvelopeTo = Cut(report.EnvelopeTo, 320),
            RemoteIp = report.RemoteIp, MessageId = report.MessageId, AccountId = message.AccountId, SourceArn = message.SourceArn,
            Kind = parsed.Kind, Recorded = fresh.Count > 0, Summary = Cut(summary, 2000),
            Mime = report.Mime.Length <= options.Value.Inbound.MaxStoredBytes ? report.Mime : report.Mime[..options.Value.Inbound.MaxStoredBytes],
        };

        var fannedOut = fresh.Count == 0 ? FeedbackRows.None : await feedback.RowsForAsync(fresh,
            new FeedbackContext(message.AccountId, message.SourceArn, message.ConfigurationSetName, message.FeedbackAddress ?? mail.Info.Source,
                _ => Task.FromResult(message.Mime)), ct);
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            db.InboundFeedback.Add(row);
            foreach (var e in fresh)
            {
                db.SendEvents.Add(new SendEventEntity
                {
                    Id = Guid.CreateVersion7(e.Timestamp), MessageId = message.MessageId, AccountId = message.AccountId, SourceArn = message.SourceArn,
                    OwnerAccountId = OwnerOf(message.SourceArn), Type = e.Type.JsonName(), Recipient = e.Recipients.Count == 1 ? e.Recipients[0] : null,
                    Json = mail.HeldByAttempt ? SesNotificationJson.SerializeWithoutMail(e) : SesNotificationJson.Serialize(e), At = e.Timestamp,
                    CountsTowardReputation = e.CountsTowardReputation,
                });
                if (e.FeedsSuppressionList)
                {
                    await SuppressionService.FeedAsync(db, message.AccountId, e.Recipients, e.Type == SendEventType.Complaint ? "COMPLAINT" : "BOUNCE", now, ct);
                }
            }

            foreach (var fanOutRow in fannedOut.Rows)
            {
                db.Add(fanOutRow);
            }

            await db.SaveChangesAsync(ct);
            await ReputationRollup.ApplyAsync(db, fresh.SelectMany(e => counting.For(e, message.AccountId, message.SourceArn, atHandOver: false)), ct: ct);
            await transaction.CommitAsync(ct);
        }

        feedback.Committed(fannedOut);
        if (fresh.Count > 0)
        {
            signal.Changed(message.AccountId);
        }

        logger.LogInformation("Inbound feedback for {MessageId} ({Account}): {Kind}, {Events} event(s). {Summary}",
            report.MessageId, message.AccountId, parsed.Kind, fresh.Count, row.Summary);
        return new InboundOutcome(row.Id, parsed.Kind, fresh.Count, row.Summary);
    }

    /// <summary>
    /// The events a parsed report raises: a Bounce per failed recipient, or a Complaint. Their feedback IDs are stable
    /// (message, recipient and status; or message, feedback type and recipients), so a repeated report can be recognised.
    /// </summary>
    private static List<SendEvent> Events(ParsedFeedback parsed, MailInfo mail, DateTimeOffset now)
    {
        var events = new List<SendEvent>();
        foreach (var failure in parsed.Failures)
        {
            var bounce = SendEvents.Bounce(mail, failure.BounceType, failure.BounceSubType, [failure.Recipient], now, parsed.ReportingMta);
            var feedbackId = SendEvents.FeedbackId(mail.MessageId, $"dsn/{failure.Recipient.EmailAddress.ToLowerInvariant()}/{failure.Recipient.Status}");
            events.Add(bounce with { Bounce = bounce.Bounce! with { FeedbackId = feedbackId, RemoteMtaIp = parsed.RemoteMtaIp } });
        }

        if (parsed.Complaint is { } complaint)
        {
            var recipients = complaint.Recipients.Select(r => r.ToLowerInvariant()).Order(StringComparer.Ordinal);
            var feedbackId = SendEvents.FeedbackId(mail.MessageId, $"arf/{complaint.FeedbackType?.ToLowerInvariant()}/{string.Join(',', recipients)}");
            events.Add(new SendEvent(SendEventType.Complaint, mail)
            {
                Complaint = new ComplaintDetail(complaint.Recipients, now, feedbackId, null, complaint.FeedbackType, complaint.UserAgent, complaint.ArrivalDate),
            });
        }

        return events;
    }

    /// <summary>The events whose feedback ID is not among the message's stored Bounce and Complaint events (found by the events' message-and-time index).</summary>
    private static async Task<List<SendEvent>> NotRecordedAsync(ConsoleDbContext db, string messageId, List<SendEvent> events, CancellationToken ct)
    {
        if (events.Count == 0)
        {
            return events;
        }

        var types = new[] { SendEventType.Bounce.JsonName(), SendEventType.Complaint.JsonName() };
        var stored = await db.SendEvents.AsNoTracking().Where(e => e.MessageId == messageId && types.Contains(e.Type)).Select(e => e.Json).ToListAsync(ct);
        return [.. events.Where(e => !stored.Any(json => json.Contains((e.Bounce?.FeedbackId ?? e.Complaint!.FeedbackId), StringComparison.Ordinal)))];
    }

    private static string? OwnerOf(string sourceArn)
    {
        var parts = sourceArn.Split(':');
        return parts.Length >= 6 ? parts[4] : null;
    }

    private static string Cut(string text, int length) => text.Length <= length ? text : text[..length];
}
