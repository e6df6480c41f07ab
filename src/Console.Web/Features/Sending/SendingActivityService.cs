using SesConsole.Web.Sending;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Sending.Events;
using SesConsole.Web.Features.Principals;

namespace SesConsole.Web.Features.Sending;

/// <summary>Whose activity to show.</summary>
public enum ActivityScope
{
    /// <summary>Sends made by the caller's account (as itself or as another owner's identity).</summary>
    MySends,

    /// <summary>Sends made as the caller's identities by other accounts (delegates).</summary>
    DelegatesOnMyIdentities,
}

/// <summary>One send attempt as listed; <paramref name="Decision"/> is each authorization check's decision (docs/storage-and-retention.md#attempts).</summary>
public sealed record AttemptRow(Guid Id, DateTimeOffset At, string CallerArn, string? IdentityArn, string Api, bool Accepted, string? Step,
    string? ErrorCode, string? ErrorMessage, string? MessageId, string? FromAddress, int Recipients, string? Decision = null);

/// <summary>A delegate's totals on the owner's identities.</summary>
public sealed record DelegateTotals(string AccountId, int Accepted, int Rejected, int Recipients);

/// <summary>A message with its events, oldest first.</summary>
public sealed record MessageTimeline(AttemptRow? Attempt, IReadOnlyList<(DateTimeOffset At, string Type, string? Recipient, string Json)> Events);

/// <summary>
/// Sending activity: attempts (accepted and rejected, with the step that stopped them) and per-message events. A
/// delegate sees its own sends; an identity owner also sees what delegates sent as its identities (who, how much,
/// rejections), as the SES owner guide describes.
/// </summary>
public sealed class SendingActivityService(IDbContextFactory<ConsoleDbContext> dbFactory)
{
    public async Task<Result<IReadOnlyList<AttemptRow>>> ListAsync(Caller caller, ActivityScope scope, bool? accepted = null, string? search = null,
        int take = 200, CancellationToken ct = default)
    {
        if (caller.AccountId is null)
        {
            return new Error("auth.no_account", "This sign-in does not belong to an account.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.SendAttempts.AsNoTracking();
        query = scope == ActivityScope.MySends
            ? query.Where(a => a.AccountId == caller.AccountId)
            : query.Where(a => a.OwnerAccountId == caller.AccountId && a.AccountId != caller.AccountId);
        if (accepted is { } value)
        {
            query = query.Where(a => a.Accepted == value);
        }

        if (!string.IsNullOrWhiteSpace(search))
        {
            var s = search.Trim();
            query = query.Where(a => (a.FromAddress != null && a.FromAddress.Contains(s)) || (a.IdentityArn != null && a.IdentityArn.Contains(s))
                || a.CallerArn.Contains(s) || (a.MessageId != null && a.MessageId == s));
        }

        var rows = await query.ToListAsync(ct);
        IReadOnlyList<AttemptRow> result = rows.OrderByDescending(a => a.At).Take(take).Select(Row).ToList();
        return Result<IReadOnlyList<AttemptRow>>.Success(result);
    }

    /// <summary>
    /// Delegates' totals on the caller's identities: the attempts still stored plus those the retention purge rolled up
    /// (docs/storage-and-retention.md#aggregates), read in one transaction so a purge batch is counted exactly once.
    /// </summary>
    public async Task<IReadOnlyList<DelegateTotals>> DelegatesAsync(Caller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var live = await db.SendAttempts.AsNoTracking()
            .Where(a => a.OwnerAccountId == caller.AccountId && caller.AccountId != null && a.AccountId != caller.AccountId)
            .GroupBy(a => a.AccountId)
            .Select(g => new DelegateTotals(g.Key, g.Count(a => a.Accepted), g.Count(a => !a.Accepted), g.Where(a => a.Accepted).Sum(a => a.RecipientCount)))
            .ToListAsync(ct);
        var rolledUp = await db.SendActivityBuckets.AsNoTracking()
            .Where(b => b.OwnerAccountId == caller.AccountId && caller.AccountId != null && b.AccountId != caller.AccountId)
            .GroupBy(b => b.AccountId)
            .Select(g => new { AccountId = g.Key, Accepted = g.Sum(b => b.Accepted), Rejected = g.Sum(b => b.Rejected), Recipients = g.Sum(b => b.Recipients) })
            .ToListAsync(ct);
        var totals = live.Concat(rolledUp.Select(r => new DelegateTotals(r.AccountId, (int)r.Accepted, (int)r.Rejected, (int)r.Recipients)))
            .GroupBy(t => t.AccountId, StringComparer.Ordinal)
            .Select(g => new DelegateTotals(g.Key, g.Sum(t => t.Accepted), g.Sum(t => t.Rejected), g.Sum(t => t.Recipients)))
            .Where(t => t.Accepted + t.Rejected > 0);
        return totals.OrderByDescending(t => t.Recipients).ToList();
    }

    /// <summary>
    /// A message's events, visible to the sending account and to the owner of the identity it was sent as. The Send
    /// event is the accepted attempt's <c>mail</c>, and every other event gets that <c>mail</c> back, so each shows the
    /// notification JSON SES would publish (docs/storage-and-retention.md#events).
    /// </summary>
    public async Task<Result<MessageTimeline>> MessageAsync(Caller caller, string messageId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var attempt = await db.SendAttempts.AsNoTracking().FirstOrDefaultAsync(a => a.MessageId == messageId, ct);
        var events = await db.SendEvents.AsNoTracking().Where(e => e.MessageId == messageId).ToListAsync(ct);
        var visible = caller.AccountId is not null
            && ((attempt is not null && (attempt.AccountId == caller.AccountId || attempt.OwnerAccountId == caller.AccountId))
                || events.Any(e => e.AccountId == caller.AccountId || e.OwnerAccountId == caller.AccountId));
        if (!visible)
        {
            return new Error("activity.not_found", $"Message {messageId} was not sent by your account or as your identities.");
        }

        var mail = attempt is null ? null : SendAttemptRecord.MailOf(attempt);
        var mailJson = mail is null ? null : SesNotificationJson.SerializeMail(mail);
        var timeline = events.Select(e => (e.At, e.Type, e.Recipient, Json: mailJson is null ? e.Json : SesNotificationJson.WithMail(e.Json, mailJson))).ToList();
        if (mail is not null)
        {
            var send = new SendEvent(SendEventType.Send, mail);
            timeline.Add((attempt!.At, send.Type.JsonName(), send.Recipients.Count == 1 ? send.Recipients[0] : null, SesNotificationJson.Serialize(send)));
        }

        return new MessageTimeline(attempt is null ? null : Row(attempt), [.. timeline.OrderBy(e => e.At).ThenBy(e => e.Type != "Send")]);
    }

    private static AttemptRow Row(Data.Entities.SendAttemptEntity a) =>
        new(a.Id, a.At, a.CallerArn, a.IdentityArn, a.Api, a.Accepted, a.Step, a.ErrorCode, a.ErrorMessage, a.MessageId, a.FromAddress, a.RecipientCount, a.Decision);
}
