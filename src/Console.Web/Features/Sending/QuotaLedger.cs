using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;

namespace SesConsole.Web.Features.Sending;

/// <summary>The answer of <see cref="QuotaLedger.TryReserveAsync"/>.</summary>
public enum QuotaVerdict
{
    Reserved,
    DailyQuotaExceeded,
    RateExceeded,
    SendingPaused,
    UnknownAccount,
}

/// <summary>A reservation attempt: the verdict and the account's usage after it.</summary>
public sealed record QuotaReservation(QuotaVerdict Verdict, int SentLast24Hours, int Max24HourSend, double MaxSendRate)
{
    /// <summary>The ledger row written for a reservation (its primary key), for release or confirmation by key.</summary>
    public long? EntryId { get; init; }

    public bool IsReserved => Verdict == QuotaVerdict.Reserved;
}

/// <summary>
/// Charges accepted messages to the sending (delegate) account and enforces its rolling 24 h quota (in recipients) and
/// its maximum send rate (messages per second, sliding one-second window), exactly under concurrency: the check and
/// the charge happen under one per-account lock and in one transaction, so 1,000 parallel sends against a quota of 100
/// accept exactly 100. The lock is in-process: one console instance per database (a second instance would need a
/// database lock such as SQL Server's <c>sp_getapplock</c>; documented in docs/send-pipeline.md).
/// </summary>
public sealed class QuotaLedger(IDbContextFactory<ConsoleDbContext> dbFactory)
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    /// <summary>Usage of the last 24 h for the account page.</summary>
    public async Task<QuotaReservation> UsageAsync(string accountId, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var account = await db.Accounts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == accountId, ct);
        if (account is null)
        {
            return new QuotaReservation(QuotaVerdict.UnknownAccount, 0, 0, 0);
        }

        var since = now - TimeSpan.FromDays(1);
        var used = await db.UsageLedger.Where(u => u.AccountId == accountId && u.At > since).SumAsync(u => u.Recipients, ct);
        return new QuotaReservation(account.SendingEnabled ? QuotaVerdict.Reserved : QuotaVerdict.SendingPaused, used, account.Max24HourSend, account.MaxSendRate);
    }

    /// <summary>
    /// Reserves <paramref name="recipients"/> (charged recipients: simulator addresses excluded, suppressed ones included)
    /// for one message, or says why not. A message always counts towards the rate, even with 0 charged recipients.
    /// </summary>
    public async Task<QuotaReservation> TryReserveAsync(string accountId, string messageId, int recipients, DateTimeOffset now, CancellationToken ct = default)
    {
        var gate = Gates.GetOrAdd(accountId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var account = await db.Accounts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == accountId, ct);
            if (account is null)
            {
                return new QuotaReservation(QuotaVerdict.UnknownAccount, 0, 0, 0);
            }

            var since = now - TimeSpan.FromDays(1);
            var used = await db.UsageLedger.Where(u => u.AccountId == accountId && u.At > since).SumAsync(u => u.Recipients, ct);
            if (!account.SendingEnabled)
            {
                return new QuotaReservation(QuotaVerdict.SendingPaused, used, account.Max24HourSend, account.MaxSendRate);
            }

            if (used + recipients > account.Max24HourSend)
            {
                return new QuotaReservation(QuotaVerdict.DailyQuotaExceeded, used, account.Max24HourSend, account.MaxSendRate);
            }

            var lastSecond = now - TimeSpan.FromSeconds(1);
            var recent = await db.UsageLedger.CountAsync(u => u.AccountId == accountId && u.At > lastSecond, ct);
            if (recent + 1 > Math.Max(1, (int)Math.Floor(account.MaxSendRate)))
            {
                return new QuotaReservation(QuotaVerdict.RateExceeded, used, account.Max24HourSend, account.MaxSendRate);
            }

            var entry = new UsageEntryEntity { AccountId = accountId, MessageId = messageId, Recipients = recipients, At = now };
            db.UsageLedger.Add(entry);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return new QuotaReservation(QuotaVerdict.Reserved, used + recipients, account.Max24HourSend, account.MaxSendRate) { EntryId = entry.Id };
        }
        finally
        {
            gate.Release();
        }
    }
}
