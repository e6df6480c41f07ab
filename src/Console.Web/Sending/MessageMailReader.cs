using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Sending.Events;
using SesConsole.Domain.Sending.Steps;

namespace SesConsole.Web.Sending;

/// <summary>A message's <c>mail</c> object, and whether its accepted attempt holds it (then its events are stored without it).</summary>
public sealed record MessageMail(MailInfo Info, bool HeldByAttempt);

/// <summary>
/// An accepted message as feedback about it needs it: the sending (delegate) account, the identity it was sent as, its
/// configuration set, its feedback address (null: <c>mail.source</c>), and its MIME while that is kept.
/// </summary>
public sealed record FeedbackSubject(string MessageId, string AccountId, string SourceArn, string? ConfigurationSetName, string? FeedbackAddress, byte[]? Mime);

/// <summary>
/// Reads the <c>mail</c> object that events of accepted messages carry: from the messages' accepted attempts, which the
/// accepted-message writer stores with every field (one query, by the attempts' account-and-time index:
/// docs/storage-and-retention.md#events); older rows have it in their Send event; rows without either get what the
/// outbox row knows. Used by the inbound feedback listener; the delivery worker reads the same way.
/// </summary>
public static class MessageMailReader
{
    /// <summary>The <c>mail</c> of each of <paramref name="messages"/>, by message ID.</summary>
    public static async Task<Dictionary<string, MessageMail>> ReadAsync(ConsoleDbContext db, IReadOnlyCollection<OutboxMessageEntity> messages, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(messages);
        var byId = new Dictionary<string, MessageMail>(StringComparer.Ordinal);
        if (messages.Count == 0)
        {
            return byId;
        }

        var accounts = messages.Select(m => m.AccountId).Distinct().ToList();
        var times = messages.Select(m => m.CreatedAt).Distinct().ToList();
        var messageIds = messages.Select(m => m.MessageId).ToList();
        var attempts = await db.SendAttempts.AsNoTracking()
            .Where(a => accounts.Contains(a.AccountId) && times.Contains(a.At) && a.MessageId != null && messageIds.Contains(a.MessageId) && a.Mail != null)
            .ToListAsync(ct);
        foreach (var attempt in attempts)
        {
            if (SendAttemptRecord.MailOf(attempt) is { } stored)
            {
                byId.TryAdd(attempt.MessageId!, new MessageMail(stored, HeldByAttempt: true));
            }
        }

        var older = messageIds.Where(id => !byId.ContainsKey(id)).ToList();
        if (older.Count > 0)
        {
            var send = SendEventType.Send.JsonName();
            var events = await db.SendEvents.AsNoTracking()
                .Where(e => older.Contains(e.MessageId) && e.Type == send)
                .Select(e => new { e.MessageId, e.Json })
                .ToListAsync(ct);
            foreach (var e in events)
            {
                if (SesNotificationJson.ReadMail(e.Json) is { } read)
                {
                    byId.TryAdd(e.MessageId, new MessageMail(read, HeldByAttempt: false));
                }
            }
        }

        foreach (var m in messages.Where(m => !byId.ContainsKey(m.MessageId)))
        {
            byId[m.MessageId] = new MessageMail(new MailInfo(m.CreatedAt, m.MessageId, m.EnvelopeFrom, m.SourceArn, SourceIp: null, m.AccountId, CallerIdentity: "",
                m.Recipients.Split(',', StringSplitOptions.RemoveEmptyEntries)), HeldByAttempt: false);
        }

        return byId;
    }

    /// <summary>
    /// What feedback about the SES message <paramref name="messageId"/> needs, with its <c>mail</c>; null when it is unknown
    /// or purged. From its outbox row while there is one; after that (the row goes with its body,
    /// docs/storage-and-retention.md#outbox-rows) from its accepted attempt.
    /// </summary>
    public static async Task<(FeedbackSubject Message, MessageMail Mail)?> FindAsync(ConsoleDbContext db, string messageId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var message = await db.OutboxMessages.AsNoTracking().FirstOrDefaultAsync(m => m.MessageId == messageId, ct);
        if (message is not null)
        {
            var mail = await ReadAsync(db, [message], ct);
            return (new FeedbackSubject(message.MessageId, message.AccountId, message.SourceArn, message.ConfigurationSetName, message.FeedbackAddress,
                message.Mime.Length > 0 ? message.Mime : null), mail[message.MessageId]);
        }

        if (await AcceptedAttemptAsync(db, messageId, ct) is not { } attempt || SendAttemptRecord.MailOf(attempt) is not { } info)
        {
            return null;
        }

        return (new FeedbackSubject(messageId, attempt.AccountId, info.SourceArn, attempt.ConfigurationSetName, attempt.FeedbackAddress, Mime: null),
            new MessageMail(info, HeldByAttempt: true));
    }

    /// <summary>
    /// The accepted attempt of a message that has events: their rows name the sending account and the message ID its
    /// acceptance time, which the attempts' account-and-time index finds (no index on the attempts' message ID is kept).
    /// </summary>
    public static async Task<SendAttemptEntity?> AcceptedAttemptAsync(ConsoleDbContext db, string messageId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!AcceptStep.TryTimeOf(messageId, out var at))
        {
            return null;
        }

        var account = await db.SendEvents.AsNoTracking().Where(e => e.MessageId == messageId).Select(e => e.AccountId).FirstOrDefaultAsync(ct);
        if (account is null)
        {
            return null;
        }

        var end = at.AddMilliseconds(1);
        return await db.SendAttempts.AsNoTracking()
            .Where(a => a.AccountId == account && a.At >= at && a.At < end && a.MessageId == messageId && a.Accepted)
            .FirstOrDefaultAsync(ct);
    }
}
