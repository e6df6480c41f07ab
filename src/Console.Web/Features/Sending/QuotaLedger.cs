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
    /// <summary>The reservation to confirm (with the accepted message) or release; set when <see cref="IsReserved"/>.</summary>
    public string? ReservationId { get; init; }

    public bool IsReserved => Verdict == QuotaVerdict.Reserved;
}

/// <summary>
/// Charges accepted messages to the sending (delegate) account and enforces its rolling 24 h quota (in recipients) and
/// its maximum send rate (messages per second, sliding one-second window), exactly under concurrency: each account's
/// window lives in memory and the check and the charge happen under that account's lock, so 1,000 parallel sends
/// against a quota of 100 accept exactly 100 — without a database transaction per message. The durable record is the
/// usage-ledger row that <see cref="Confirm"/> hands back, written in the accepted message's own group commit; a window
/// is rebuilt from those rows the first time an account sends after a start. Reservations of messages that never got
/// accepted (rejected later, or lost in a crash) are released or die with the process, so nothing is over-charged for
/// long. The windows are per process: one console instance per database (a second instance would need a shared
/// counter such as SQL Server's <c>sp_getapplock</c>; see docs/send-pipeline.md).
/// </summary>
public sealed class QuotaLedger(IDbContextFactory<ConsoleDbContext> dbFactory, SendingReadCache cache)
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (Window Window, Charge Charge)> _pending = new(StringComparer.Ordinal);
    private long _next;

    /// <summary>Usage of the last 24 h for the account page.</summary>
    public async Task<QuotaReservation> UsageAsync(string accountId, DateTimeOffset now, CancellationToken ct = default)
    {
        var account = await AccountAsync(accountId, ct);
        if (account is null)
        {
            return new QuotaReservation(QuotaVerdict.UnknownAccount, 0, 0, 0);
        }

        var window = await WindowAsync(accountId, now, ct);
        int used;
        lock (window)
        {
            used = window.Used(now);
        }

        return new QuotaReservation(account.SendingEnabled ? QuotaVerdict.Reserved : QuotaVerdict.SendingPaused, used, account.Max24HourSend, account.MaxSendRate);
    }

    /// <summary>
    /// Reserves <paramref name="recipients"/> (charged recipients: simulator addresses excluded, suppressed ones included)
    /// for one message, or says why not. A message always counts towards the rate, even with 0 charged recipients.
    /// </summary>
    public async Task<QuotaReservation> TryReserveAsync(string accountId, int recipients, DateTimeOffset now, CancellationToken ct = default)
    {
        var account = await AccountAsync(accountId, ct);
        if (account is null)
        {
            return new QuotaReservation(QuotaVerdict.UnknownAccount, 0, 0, 0);
        }

        var window = await WindowAsync(accountId, now, ct);
        lock (window)
        {
            var used = window.Used(now);
            if (!account.SendingEnabled)
            {
                return new QuotaReservation(QuotaVerdict.SendingPaused, used, account.Max24HourSend, account.MaxSendRate);
            }

            if ((long)used + recipients > account.Max24HourSend)
            {
                return new QuotaReservation(QuotaVerdict.DailyQuotaExceeded, used, account.Max24HourSend, account.MaxSendRate);
            }

            if (window.Recent(now) + 1 > Math.Max(1, Math.Floor(account.MaxSendRate)))
            {
                return new QuotaReservation(QuotaVerdict.RateExceeded, used, account.Max24HourSend, account.MaxSendRate);
            }

            var charge = window.Add(recipients, now);
            var id = "quota-" + Interlocked.Increment(ref _next).ToString(System.Globalization.CultureInfo.InvariantCulture);
            _pending[id] = (window, charge);
            return new QuotaReservation(QuotaVerdict.Reserved, used + recipients, account.Max24HourSend, account.MaxSendRate) { ReservationId = id };
        }
    }

    /// <summary>Gives a reservation back (the message was not accepted after all).</summary>
    public void Release(string reservationId)
    {
        if (_pending.TryRemove(reservationId, out var pending))
        {
            lock (pending.Window)
            {
                pending.Window.Remove(pending.Charge);
            }
        }
    }

    /// <summary>
    /// The ledger row that records a reservation as the accepted message <paramref name="messageId"/>'s charge, for the
    /// caller to write with the message (then <see cref="Settle"/>, or <see cref="Release"/> if that write failed);
    /// <see langword="null"/> for an unknown (already settled) reservation.
    /// </summary>
    public UsageEntryEntity? Confirm(string reservationId, string accountId, string messageId) =>
        _pending.TryGetValue(reservationId, out var pending)
            ? new UsageEntryEntity { AccountId = accountId, MessageId = messageId, Recipients = pending.Charge.Recipients, At = pending.Charge.At }
            : null;

    /// <summary>Keeps a confirmed reservation's charge for good (its ledger row is committed).</summary>
    public void Settle(string reservationId) => _pending.TryRemove(reservationId, out _);

    // Through the read cache, which drops an account as soon as it is saved: a quota or pause an admin sets applies to the next message.
    private ValueTask<AccountSettings?> AccountAsync(string accountId, CancellationToken ct) => AccountSettings.GetAsync(cache, dbFactory, accountId, ct);

    private async Task<Window> WindowAsync(string accountId, DateTimeOffset now, CancellationToken ct)
    {
        var window = _windows.GetOrAdd(accountId, _ => new Window());
        if (window.Loaded)
        {
            return window;
        }

        await window.Loading.WaitAsync(ct);
        try
        {
            if (!window.Loaded)
            {
                await using var db = await dbFactory.CreateDbContextAsync(ct);
                var since = now - Day;
                var rows = await db.UsageLedger.AsNoTracking().Where(u => u.AccountId == accountId && u.At > since)
                    .Select(u => new { u.At, u.Recipients }).ToListAsync(ct);
                lock (window)
                {
                    foreach (var row in rows.OrderBy(r => r.At))
                    {
                        window.Add(row.Recipients, row.At);
                    }

                    window.Loaded = true;
                }
            }
        }
        finally
        {
            window.Loading.Release();
        }

        return window;
    }

    /// <summary>One charge: a message's recipients at its time (recipients become 0 when released).</summary>
    private sealed class Charge(int recipients, DateTimeOffset at)
    {
        public int Recipients { get; set; } = recipients;

        public DateTimeOffset At { get; } = at;
    }

    /// <summary>An account's charges of the last 24 hours and messages of the last second; guarded by locking on it.</summary>
    private sealed class Window
    {
        private readonly Queue<Charge> _day = new();
        private readonly Queue<Charge> _second = new();
        private long _used;

        public SemaphoreSlim Loading { get; } = new(1, 1);

        public volatile bool Loaded;

        public Charge Add(int recipients, DateTimeOffset at)
        {
            var charge = new Charge(recipients, at);
            if (recipients > 0)
            {
                _day.Enqueue(charge);
                _used += recipients;
            }

            _second.Enqueue(charge);
            return charge;
        }

        public void Remove(Charge charge)
        {
            _used -= charge.Recipients;
            charge.Recipients = 0;
        }

        public int Used(DateTimeOffset now)
        {
            while (_day.TryPeek(out var oldest) && oldest.At <= now - Day)
            {
                _used -= _day.Dequeue().Recipients;
            }

            return (int)Math.Min(int.MaxValue, _used);
        }

        public int Recent(DateTimeOffset now)
        {
            while (_second.TryPeek(out var oldest) && oldest.At <= now - Second)
            {
                _second.Dequeue();
            }

            return _second.Count;
        }
    }
}
