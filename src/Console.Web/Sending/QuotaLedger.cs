using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Sending;
using SesConsole.Web.Sending.Stores;

namespace SesConsole.Web.Sending;

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
/// Charges accepted messages to the sending (delegate) account and enforces its rolling 24 h quota (in recipients,
/// simulator excluded) and its maximum send rate (a token bucket in recipients, simulator included: one second of the
/// rate as burst, refilled continuously; see <see cref="SendQuotaMath"/>), exactly under concurrency: each account's
/// window and bucket live in memory and the check and the charge happen under that account's lock, so 1,000 parallel sends
/// against a quota of 100 accept exactly 100 — without a database transaction per message. The durable record is the
/// usage-ledger row that <see cref="Confirm"/> hands back, written in the accepted message's own group commit; a window
/// is rebuilt from those rows the first time an account sends after a start (the bucket starts full). Reservations of messages that never got
/// accepted (rejected later, or lost in a crash) are released or die with the process, so nothing is over-charged for
/// long. The windows are per process: one console instance per database (a second instance would need a shared
/// counter such as SQL Server's <c>sp_getapplock</c>; see docs/send-pipeline.md).
/// </summary>
public sealed class QuotaLedger(IDbContextFactory<ConsoleDbContext> dbFactory, SendingReadCache cache)
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

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

        return new QuotaReservation(account.MaySend ? QuotaVerdict.Reserved : QuotaVerdict.SendingPaused, used, account.Max24HourSend, account.MaxSendRate);
    }

    /// <summary>
    /// Reserves one message's <paramref name="charge"/>, or says why not: <see cref="QuotaCharge.DailyRecipients"/> (simulator
    /// addresses excluded, suppressed ones included) against the rolling 24 h quota, then
    /// <see cref="QuotaCharge.RateRecipients"/> (every recipient, simulator included) as tokens from the account's bucket of
    /// capacity <c>MaxSendRate</c> (at least 1), refilled at <c>MaxSendRate</c> tokens per second of <paramref name="now"/>
    /// (the request's time, from the injected <see cref="TimeProvider"/>). A refused message takes nothing.
    /// </summary>
    public async Task<QuotaReservation> TryReserveAsync(string accountId, QuotaCharge charge, DateTimeOffset now, CancellationToken ct = default)
    {
        var recipients = charge.DailyRecipients;
        var account = await AccountAsync(accountId, ct);
        if (account is null)
        {
            return new QuotaReservation(QuotaVerdict.UnknownAccount, 0, 0, 0);
        }

        var window = await WindowAsync(accountId, now, ct);
        lock (window)
        {
            var used = window.Used(now);
            if (!account.MaySend)
            {
                return new QuotaReservation(QuotaVerdict.SendingPaused, used, account.Max24HourSend, account.MaxSendRate);
            }

            if ((long)used + recipients > account.Max24HourSend)
            {
                return new QuotaReservation(QuotaVerdict.DailyQuotaExceeded, used, account.Max24HourSend, account.MaxSendRate);
            }

            if (!window.TryTake(account.MaxSendRate, charge.RateRecipients, now, out var tokens))
            {
                return new QuotaReservation(QuotaVerdict.RateExceeded, used, account.Max24HourSend, account.MaxSendRate);
            }

            var reserved = window.Add(recipients, now);
            reserved.Tokens = tokens;
            var id = "quota-" + Interlocked.Increment(ref _next).ToString(System.Globalization.CultureInfo.InvariantCulture);
            _pending[id] = (window, reserved);
            return new QuotaReservation(QuotaVerdict.Reserved, used + recipients, account.Max24HourSend, account.MaxSendRate) { ReservationId = id };
        }
    }

    /// <summary>Gives a reservation back (the message was not accepted after all): its recipients and its rate tokens.</summary>
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

    /// <summary>One charge: a message's recipients at its time and the rate tokens it took (both become 0 when released).</summary>
    private sealed class Charge(int recipients, DateTimeOffset at)
    {
        public int Recipients { get; set; } = recipients;

        public double Tokens { get; set; }

        public DateTimeOffset At { get; } = at;
    }

    /// <summary>An account's charges of the last 24 hours and its send-rate token bucket; guarded by locking on it.</summary>
    private sealed class Window
    {
        private readonly Queue<Charge> _day = new();
        private long _used;
        private TokenBucketState? _bucket;
        private double _rate;

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

            return charge;
        }

        /// <summary>
        /// Takes <paramref name="recipients"/> tokens from the bucket (created full; refilled at <paramref name="rate"/>, the
        /// account's current rate) and says how many it took; takes nothing when there are not enough.
        /// </summary>
        public bool TryTake(double rate, int recipients, DateTimeOffset now, out double taken)
        {
            var bucket = _bucket ?? SendQuotaMath.Full(rate, now);
            var before = SendQuotaMath.Refill(bucket, rate, now).Tokens;
            var ok = SendQuotaMath.TryTake(ref bucket, rate, recipients, now);
            (_bucket, _rate) = (bucket, rate);
            taken = ok ? before - bucket.Tokens : 0;
            return ok;
        }

        public void Remove(Charge charge)
        {
            _used -= charge.Recipients;
            charge.Recipients = 0;
            if (charge.Tokens > 0 && _bucket is { } bucket)
            {
                _bucket = bucket with { Tokens = Math.Min(Math.Max(1, _rate), bucket.Tokens + charge.Tokens) };
            }

            charge.Tokens = 0;
        }

        public int Used(DateTimeOffset now)
        {
            while (_day.TryPeek(out var oldest) && oldest.At <= now - Day)
            {
                _used -= _day.Dequeue().Recipients;
            }

            return (int)Math.Min(int.MaxValue, _used);
        }
    }
}
