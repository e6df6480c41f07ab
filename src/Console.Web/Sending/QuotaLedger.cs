using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Sending;
using SesConsole.Web.Hosting;
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
/// Charges accepted messages to the sending (delegate) account and enforces, per account and region
/// (docs/send-pipeline.md#quota), its rolling 24 h quota (in recipients, simulator excluded) and its maximum send rate (a
/// token bucket in recipients, simulator included: one second of the rate as burst, refilled continuously; see
/// <see cref="SendQuotaMath"/>), exactly under concurrency: 1,000 parallel sends against a quota of 100 accept exactly 100.
/// <para>
/// One node (the default for SQLite): each account-region's window and bucket live in memory and the check and the charge
/// happen under its lock, without a database transaction per message. The durable record is the usage-ledger row that
/// <see cref="Confirm"/> hands back, written in the accepted message's own group commit; a window is rebuilt from those
/// rows the first time an account sends after a start (the bucket starts full). Reservations of messages that never got
/// accepted are released, or die with the process.
/// </para>
/// <para>
/// Several nodes (cluster mode, docs/deployment.md#quotas): the database decides. Reservations are batched; a batch is one
/// transaction that, per account-region, locks its <see cref="QuotaCounterEntity"/> row, reads the usage rows other nodes
/// wrote since this node last looked (all of them were written under that lock, so their ids only grow), decides each
/// reservation against the window and the bucket held in the row, and writes the reserved charges as usage rows before
/// the lock is released. A release appends a negative row. A node that crashes between a reservation and its message's
/// commit over-charges that message until it ages out; it never under-charges.
/// </para>
/// </summary>
public sealed class QuotaLedger : IAsyncDisposable
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    private readonly IDbContextFactory<ConsoleDbContext> _dbFactory;
    private readonly SendingReadCache _cache;
    private readonly bool _shared;
    private readonly ConcurrentDictionary<(string Account, string Region), Window> _windows = new();
    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly Channel<Request>? _requests;
    private readonly Task? _arbiter;
    private long _next;

    public QuotaLedger(IDbContextFactory<ConsoleDbContext> dbFactory, SendingReadCache cache, ClusterMode? cluster = null)
    {
        _dbFactory = dbFactory;
        _cache = cache;
        _shared = cluster?.Enabled == true;
        if (_shared)
        {
            _requests = Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = true });
            _arbiter = Task.Run(ArbitrateAsync);
        }
    }

    /// <summary>Usage of the last 24 h in <paramref name="region"/>, for the account page and dry runs.</summary>
    public async Task<QuotaReservation> UsageAsync(string accountId, string region, DateTimeOffset now, CancellationToken ct = default)
    {
        var account = await AccountAsync(accountId, ct);
        if (account is null)
        {
            return new QuotaReservation(QuotaVerdict.UnknownAccount, 0, 0, 0);
        }

        if (_shared)
        {
            // Only the arbiter moves the cluster-mode windows; a figure to show is read from the rows themselves.
            await using var db = await _dbFactory.CreateDbContextAsync(ct);
            var since = now - Day;
            var sum = await db.UsageLedger.AsNoTracking().Where(u => u.AccountId == accountId && (u.Region == region || u.Region == "") && u.At > since)
                .SumAsync(u => (long?)u.Recipients, ct) ?? 0;
            return new QuotaReservation(account.MaySend ? QuotaVerdict.Reserved : QuotaVerdict.SendingPaused, (int)Math.Clamp(sum, 0, int.MaxValue), account.Max24HourSend, account.MaxSendRate);
        }

        var window = await WindowAsync(accountId, region, now, ct);
        int used;
        lock (window)
        {
            used = window.Used(now);
        }

        return new QuotaReservation(account.MaySend ? QuotaVerdict.Reserved : QuotaVerdict.SendingPaused, used, account.Max24HourSend, account.MaxSendRate);
    }

    /// <summary>
    /// Reserves one message's <paramref name="charge"/> in <paramref name="region"/>, or says why not:
    /// <see cref="QuotaCharge.DailyRecipients"/> (simulator addresses excluded, suppressed ones included) against the rolling
    /// 24 h quota, then <see cref="QuotaCharge.RateRecipients"/> (every recipient, simulator included) as tokens from the
    /// bucket of capacity <c>MaxSendRate</c> (at least 1), refilled at <c>MaxSendRate</c> tokens per second of
    /// <paramref name="now"/> (the request's time, from the injected <see cref="TimeProvider"/>). A refused message takes nothing.
    /// </summary>
    public async Task<QuotaReservation> TryReserveAsync(string accountId, string region, QuotaCharge charge, DateTimeOffset now, CancellationToken ct = default)
    {
        var account = await AccountAsync(accountId, ct);
        if (account is null)
        {
            return new QuotaReservation(QuotaVerdict.UnknownAccount, 0, 0, 0);
        }

        if (_shared)
        {
            var request = new Request(accountId, region, account, charge, now);
            if (!_requests!.Writer.TryWrite(request))
            {
                throw new InvalidOperationException("The quota ledger is shutting down.");
            }

            try
            {
                return await request.Done.Task.WaitAsync(ct);
            }
            catch (OperationCanceledException) when (!request.Done.Task.IsCompleted)
            {
                // The caller left before the arbiter decided: a reservation made after that has no message; give it back.
                _ = request.Done.Task.ContinueWith(t => { if (t.IsCompletedSuccessfully && t.Result.ReservationId is { } id) { Release(id); } },
                    CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                throw;
            }
        }

        var window = await WindowAsync(accountId, region, now, ct);
        lock (window)
        {
            return Decide(window, account, charge, now, out _);
        }
    }

    /// <summary>Gives a reservation back (the message was not accepted after all): its recipients and (on one node) its rate tokens.</summary>
    public void Release(string reservationId)
    {
        if (!_pending.TryRemove(reservationId, out var pending))
        {
            return;
        }

        if (_shared)
        {
            // The charge is already a committed row: a negative row, written under the same lock as the charges, takes it back.
            if (pending.Charge.Recipients == 0)
            {
                return;
            }

            _requests!.Writer.TryWrite(new Request(pending.Account, pending.Region, null, default, pending.Charge.At) { Release = pending.Charge.Recipients });
            return;
        }

        lock (pending.Window)
        {
            pending.Window.Remove(pending.Charge);
        }
    }

    /// <summary>
    /// The ledger row that records a reservation as the accepted message <paramref name="messageId"/>'s charge, for the
    /// caller to write with the message (then <see cref="Settle"/>, or <see cref="Release"/> if that write failed);
    /// <see langword="null"/> for an unknown (already settled) reservation, and in cluster mode, where the reservation
    /// itself was written as the row.
    /// </summary>
    public UsageEntryEntity? Confirm(string reservationId, string accountId, string messageId) =>
        !_shared && _pending.TryGetValue(reservationId, out var pending)
            ? new UsageEntryEntity { AccountId = accountId, Region = pending.Region, MessageId = messageId, Recipients = pending.Charge.Recipients, At = pending.Charge.At }
            : null;

    /// <summary>Keeps a confirmed reservation's charge for good (its ledger row is committed).</summary>
    public void Settle(string reservationId) => _pending.TryRemove(reservationId, out _);

    public async ValueTask DisposeAsync()
    {
        if (_requests is not null)
        {
            _requests.Writer.TryComplete();
            await _arbiter!;
        }
    }

    /// <summary>The check and the charge; the caller holds the window (one node) or the account-region's row lock (cluster).</summary>
    private QuotaReservation Decide(Window window, AccountSettings account, QuotaCharge charge, DateTimeOffset now, out Charge? reserved)
    {
        reserved = null;
        var used = window.Used(now);
        if (!account.MaySend)
        {
            return new QuotaReservation(QuotaVerdict.SendingPaused, used, account.Max24HourSend, account.MaxSendRate);
        }

        if ((long)used + charge.DailyRecipients > account.Max24HourSend)
        {
            return new QuotaReservation(QuotaVerdict.DailyQuotaExceeded, used, account.Max24HourSend, account.MaxSendRate);
        }

        if (!window.TryTake(account.MaxSendRate, charge.RateRecipients, now, out var tokens))
        {
            return new QuotaReservation(QuotaVerdict.RateExceeded, used, account.Max24HourSend, account.MaxSendRate);
        }

        reserved = window.Add(charge.DailyRecipients, now);
        reserved.Tokens = tokens;
        var id = "quota-" + Interlocked.Increment(ref _next).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _pending[id] = new Pending(window, reserved, window.Account, window.Region);
        return new QuotaReservation(QuotaVerdict.Reserved, used + charge.DailyRecipients, account.Max24HourSend, account.MaxSendRate) { ReservationId = id };
    }

    // Through the read cache, which drops an account as soon as it is saved: a quota or pause an admin sets applies to the next message.
    private ValueTask<AccountSettings?> AccountAsync(string accountId, CancellationToken ct) => AccountSettings.GetAsync(_cache, _dbFactory, accountId, ct);

    private async Task<Window> WindowAsync(string accountId, string region, DateTimeOffset now, CancellationToken ct)
    {
        var window = _windows.GetOrAdd((accountId, region), key => new Window(key.Account, key.Region));
        if (window.Loaded)
        {
            return window;
        }

        await window.Loading.WaitAsync(ct);
        try
        {
            if (!window.Loaded)
            {
                await using var db = await _dbFactory.CreateDbContextAsync(ct);
                await LoadAsync(db, window, now, ct);
            }
        }
        finally
        {
            window.Loading.Release();
        }

        return window;
    }

    /// <summary>
    /// Reads the account-region's usage rows of the last 24 h that the window has not seen (all of them on the first
    /// call). Rows written before regions were recorded (empty region) count in every region.
    /// </summary>
    private static async Task LoadAsync(ConsoleDbContext db, Window window, DateTimeOffset now, CancellationToken ct)
    {
        var since = now - Day;
        var (account, region, seen) = (window.Account, window.Region, window.LastSeenId);
        var rows = await db.UsageLedger.AsNoTracking()
            .Where(u => u.AccountId == account && (u.Region == region || u.Region == "") && u.Id > seen && u.At > since)
            .Select(u => new { u.Id, u.At, u.Recipients }).ToListAsync(ct);
        lock (window)
        {
            foreach (var row in rows.OrderBy(r => r.At))
            {
                window.Add(row.Recipients, row.At);
            }

            if (rows.Count > 0)
            {
                window.LastSeenId = Math.Max(window.LastSeenId, rows.Max(r => r.Id));
            }

            window.Loaded = true;
        }
    }

    /// <summary>Cluster mode: decides the waiting reservations in batches, one transaction per batch.</summary>
    private async Task ArbitrateAsync()
    {
        var batch = new List<Request>(256);
        while (await _requests!.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < 256 && _requests.Reader.TryRead(out var request))
            {
                batch.Add(request);
            }

            try
            {
                await DecideBatchAsync(batch);
            }
            catch (Exception ex)
            {
                foreach (var request in batch)
                {
                    if (request.Release is not null)
                    {
                        // Nobody waits for a release, and a lost one would keep its charge for 24 h: try it again shortly.
                        _ = RetryReleaseAsync(request);
                        continue;
                    }

                    request.Done.TrySetException(ex);
                }
            }
        }
    }

    private async Task RetryReleaseAsync(Request release)
    {
        await Task.Delay(TimeSpan.FromSeconds(1));
        _requests!.Writer.TryWrite(release); // fails only once the ledger is shutting down
    }

    private async Task DecideBatchAsync(List<Request> batch)
    {
        var groups = batch.GroupBy(r => (r.Account, r.Region)).OrderBy(g => g.Key.Account, StringComparer.Ordinal).ThenBy(g => g.Key.Region, StringComparer.Ordinal).ToList();
        await using var db = await _dbFactory.CreateDbContextAsync();
        foreach (var group in groups)
        {
            await EnsureCounterAsync(db, group.Key.Account, group.Key.Region, group.First().Now);
        }

        var decided = new List<(Request Request, QuotaReservation Result, Charge? Charge, UsageEntryEntity? Row)>(batch.Count);
        var windows = new List<Window>();
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            try
            {
                foreach (var group in groups)
                {
                    var (account, region) = group.Key;
                    // The lock: every node updates this row before it decides for the account-region (in one order, so no deadlock).
                    await db.QuotaCounters.Where(q => q.AccountId == account && q.Region == region)
                        .ExecuteUpdateAsync(s => s.SetProperty(q => q.Version, q => q.Version + 1));
                    var counter = await db.QuotaCounters.SingleAsync(q => q.AccountId == account && q.Region == region);
                    var window = _windows.GetOrAdd((account, region), key => new Window(key.Account, key.Region));
                    windows.Add(window);
                    await LoadAsync(db, window, group.First().Now, CancellationToken.None);
                    lock (window)
                    {
                        window.Bucket = counter.TokensAt == default ? null : new TokenBucketState(counter.Tokens, counter.TokensAt);
                        foreach (var request in group)
                        {
                            if (request.Release is { } recipients)
                            {
                                window.Add(-recipients, request.Now);
                                var row = new UsageEntryEntity { AccountId = account, Region = region, MessageId = "released", Recipients = -recipients, At = request.Now };
                                db.UsageLedger.Add(row);
                                decided.Add((request, null!, null, row));
                                continue;
                            }

                            var result = Decide(window, request.Settings!, request.Charge, request.Now, out var charge);
                            UsageEntryEntity? usage = null;
                            if (charge is not null && charge.Recipients > 0)
                            {
                                usage = new UsageEntryEntity { AccountId = account, Region = region, MessageId = result.ReservationId!, Recipients = charge.Recipients, At = request.Now };
                                db.UsageLedger.Add(usage);
                            }

                            decided.Add((request, result, charge, usage));
                        }

                        if (window.Bucket is { } bucket)
                        {
                            (counter.Tokens, counter.TokensAt) = (bucket.Tokens, bucket.At);
                        }
                    }
                }

                await db.SaveChangesAsync();
                await transaction.CommitAsync();
            }
            catch
            {
                // Nothing was charged: forget what this batch decided (the windows reload from the database next time).
                foreach (var (_, result, _, _) in decided)
                {
                    if (result?.ReservationId is { } id)
                    {
                        _pending.TryRemove(id, out _);
                    }
                }

                foreach (var window in windows)
                {
                    lock (window)
                    {
                        window.Reset();
                    }
                }

                throw;
            }
        }

        foreach (var (request, result, _, row) in decided)
        {
            if (row is not null)
            {
                var window = _windows[(row.AccountId, row.Region)];
                lock (window)
                {
                    window.LastSeenId = Math.Max(window.LastSeenId, row.Id); // this node's own rows: already in the window
                }
            }

            if (result is not null)
            {
                request.Done.TrySetResult(result);
            }
            else
            {
                request.Done.TrySetResult(new QuotaReservation(QuotaVerdict.Reserved, 0, 0, 0));
            }
        }
    }

    private static async Task EnsureCounterAsync(ConsoleDbContext db, string account, string region, DateTimeOffset now)
    {
        if (await db.QuotaCounters.AnyAsync(q => q.AccountId == account && q.Region == region))
        {
            return;
        }

        try
        {
            db.QuotaCounters.Add(new QuotaCounterEntity { AccountId = account, Region = region, Tokens = 0, TokensAt = default });
            await db.SaveChangesAsync();
        }
        catch (DbUpdateException)
        {
            // Another node made it first.
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>A reservation to decide, or (<see cref="Release"/> set) a reserved charge to give back.</summary>
    private sealed record Request(string Account, string Region, AccountSettings? Settings, QuotaCharge Charge, DateTimeOffset Now)
    {
        public int? Release { get; init; }

        public TaskCompletionSource<QuotaReservation> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed record Pending(Window Window, Charge Charge, string Account, string Region);

    /// <summary>One charge: a message's recipients at its time and the rate tokens it took (both become 0 when released).</summary>
    private sealed class Charge(int recipients, DateTimeOffset at)
    {
        public int Recipients { get; set; } = recipients;

        public double Tokens { get; set; }

        public DateTimeOffset At { get; } = at;
    }

    /// <summary>An account-region's charges of the last 24 hours and its send-rate token bucket; guarded by locking on it.</summary>
    private sealed class Window(string account, string region)
    {
        private readonly Queue<Charge> _day = new();
        private long _used;
        private double _rate;

        public string Account { get; } = account;

        public string Region { get; } = region;

        public SemaphoreSlim Loading { get; } = new(1, 1);

        public volatile bool Loaded;

        /// <summary>The highest usage row id counted (cluster mode's catch-up reads the rows after it).</summary>
        public long LastSeenId { get; set; }

        public TokenBucketState? Bucket { get; set; }

        public Charge Add(int recipients, DateTimeOffset at)
        {
            var charge = new Charge(recipients, at);
            if (recipients != 0)
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
            var bucket = Bucket ?? SendQuotaMath.Full(rate, now);
            var before = SendQuotaMath.Refill(bucket, rate, now).Tokens;
            var ok = SendQuotaMath.TryTake(ref bucket, rate, recipients, now);
            (Bucket, _rate) = (bucket, rate);
            taken = ok ? before - bucket.Tokens : 0;
            return ok;
        }

        public void Remove(Charge charge)
        {
            _used -= charge.Recipients;
            charge.Recipients = 0;
            if (charge.Tokens > 0 && Bucket is { } bucket)
            {
                Bucket = bucket with { Tokens = Math.Min(Math.Max(1, _rate), bucket.Tokens + charge.Tokens) };
            }

            charge.Tokens = 0;
        }

        /// <summary>Forgets everything: the next use reloads from the database.</summary>
        public void Reset()
        {
            _day.Clear();
            _used = 0;
            LastSeenId = 0;
            Bucket = null;
            Loaded = false;
        }

        public int Used(DateTimeOffset now)
        {
            while (_day.TryPeek(out var oldest) && oldest.At <= now - Day)
            {
                _used -= _day.Dequeue().Recipients;
            }

            return (int)Math.Clamp(_used, 0, int.MaxValue);
        }
    }
}
