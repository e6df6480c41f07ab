using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Sending.Events;

namespace SesConsole.Web.Sending;

/// <summary>A message's <c>mail</c> object, and whether its accepted attempt holds it (then its events are stored without it).</summary>
public sealed record MessageMail(MailInfo Info, bool HeldByAttempt);

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

    /// <summary>The outbox row of the SES message <paramref name="messageId"/> with its <c>mail</c>, or null when there is none (unknown, or purged).</summary>
    public static async Task<(OutboxMessageEntity Message, MessageMail Mail)?> FindAsync(ConsoleDbContext db, string messageId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var message = await db.OutboxMessages.AsNoTracking().FirstOrDefaultAsync(m => m.MessageId == messageId, ct);
        if (message is null)
        {
            return null;
        }

        var mail = await ReadAsync(db, [message], ct);
        return (message, mail[message.MessageId]);
    }
}
