using System.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Sending;

using SesConsole.Web.Features.Sending;

using SesConsole.Web.Hosting;

namespace SesConsole.Web.Sending;

/// <summary>How long sending records are kept (<c>Sending:Retention</c>, docs/storage-and-retention.md#retention).</summary>
public sealed class SendingRetentionOptions
{
    public const string SectionName = "Sending:Retention";

    /// <summary>Send attempts (and with them each message's Send event), the finished outbox rows and the usage ledger. 14 days.</summary>
    public TimeSpan Attempts { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Delivery, Bounce, Complaint, DeliveryDelay and Reject events. 14 days.</summary>
    public TimeSpan Events { get; set; } = TimeSpan.FromDays(14);

    /// <summary>
    /// The MIME of a delivered (or given-up) message, counted from its delivery, and with it the message's outbox row:
    /// feedback after that reads the message's attempt (docs/storage-and-retention.md#outbox-rows). 1 day.
    /// </summary>
    public TimeSpan DeliveredBodies { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// SNS messages (once fanned out and no delivery of theirs is pending), their delivery rows and attempts, and the
    /// configuration sets' event log (docs/notifications.md#delivery). 14 days.
    /// </summary>
    public TimeSpan Notifications { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Reports received by the inbound feedback listener (docs/reputation.md#inbound-feedback). 14 days.</summary>
    public TimeSpan InboundFeedback { get; set; } = TimeSpan.FromDays(14);

    /// <summary>The hourly reputation buckets behind the charts (docs/reputation.md#rollups); at least the reputation window. 90 days.</summary>
    public TimeSpan ReputationHistory { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How often the purge runs. 10 minutes; zero turns it off.</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Rows per purge transaction: each batch holds SQLite's write lock only briefly. 500.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>The pause between two batches, which lets the send path's group commit in. 20 ms.</summary>
    public TimeSpan BatchPause { get; set; } = TimeSpan.FromMilliseconds(20);
}

/// <summary>
/// How many rows one purge removed: <c>Bodies</c> counts finished outbox rows removed with their MIME
/// (<see cref="SendingRetentionOptions.DeliveredBodies"/>), <c>OutboxRows</c> those removed with the attempts.
/// </summary>
public sealed record RetentionResult(int Attempts, int Events, int Bodies, int OutboxRows, int UsageRows)
{
    /// <summary>SNS messages, SNS delivery attempts and event-log rows removed.</summary>
    public int NotificationRows { get; init; }

    /// <summary>Inbound feedback reports removed.</summary>
    public int InboundFeedbackRows { get; init; }

    /// <summary>Reputation buckets removed.</summary>
    public int ReputationBuckets { get; init; }
}

/// <summary>
/// What one attempt or event adds to send statistics, reputation and the delegates' totals — the same rules whether the
/// row is still stored or was rolled up into <see cref="SendActivityBucketEntity"/> by the purge.
/// </summary>
public static class SendActivityCounts
{
    /// <summary>The mailbox simulator's domain, as a LIKE pattern's tail and as it ends a recipient in the JSON.</summary>
    public const string SimulatorAddress = "%@" + MailboxSimulator.Domain;

    public const string SimulatorAddressInJson = "%@" + MailboxSimulator.Domain + "\"%";

    /// <summary>The interval of <paramref name="at"/> (15 minutes, as GetSendStatistics reports).</summary>
    public static DateTimeOffset BucketOf(DateTimeOffset at) =>
        new(at.UtcTicks - (at.UtcTicks % SendStatistics.Interval.Ticks), TimeSpan.Zero);

    /// <summary>
    /// The recipients a Bounce or Complaint names: one when the row names its recipient, otherwise the length of the
    /// notification's list (<paramref name="section"/>.<paramref name="list"/>).
    /// </summary>
    public static int RecipientsIn(string? json, string section, string list)
    {
        if (json is null)
        {
            return 1;
        }

        using var doc = System.Text.Json.JsonDocument.Parse(json);
        return doc.RootElement.TryGetProperty(section, out var s) && s.TryGetProperty(list, out var l) && l.ValueKind == System.Text.Json.JsonValueKind.Array
            ? l.GetArrayLength()
            : 1;
    }

    /// <summary>Whether a Delivery event is mailbox-simulator traffic (which reputation leaves out), as the SQL of AccountsService decides it.</summary>
    public static bool IsSimulatorDelivery(string? recipient, string json) =>
        recipient is not null
            ? recipient.EndsWith("@" + MailboxSimulator.Domain, StringComparison.OrdinalIgnoreCase)
            : json.Contains("@" + MailboxSimulator.Domain + "\"", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A read transaction that sees one state of the database, so stored rows and rolled-up buckets are counted once
    /// even while a purge batch moves rows from one to the other: on SQLite a deferred transaction (a WAL snapshot, no
    /// write lock: Microsoft.Data.Sqlite defers for ReadUncommitted), on PostgreSQL RepeatableRead (its snapshot, which
    /// never fails a reader with a serialization error as its Serializable can), on SQL Server Serializable.
    /// </summary>
    public static Task<Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction> BeginSnapshotAsync(ConsoleDbContext db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var isolation = db.Database.IsSqlite() ? IsolationLevel.ReadUncommitted : db.Database.IsNpgsql() ? IsolationLevel.RepeatableRead : IsolationLevel.Serializable;
        return db.Database.BeginTransactionAsync(isolation, ct);
    }
}

/// <summary>
/// The retention purge (docs/storage-and-retention.md#retention): deletes attempts and events older than their
/// retention, after adding them to the 15-minute <see cref="SendActivityBucketEntity"/> aggregates in the same
/// transaction; empties the MIME of delivered messages; deletes finished outbox rows and old usage rows. Never touches
/// a pending outbox row. Works in small batches, each its own short transaction, with a pause between them, so the
/// send path's group commit waits at most one batch for SQLite's write lock.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Globalization", "CA1309", Justification = "string.Compare in a query is translated to SQL's > on the column; it never runs in .NET.")]
public sealed class SendingRetention(IDbContextFactory<ConsoleDbContext> dbFactory, IOptions<SendingRetentionOptions> options, TimeProvider time)
{
    /// <summary>The quota's rolling window needs the last 24 hours of usage; older rows are kept no longer than attempts.</summary>
    private static readonly TimeSpan UsageNeeded = TimeSpan.FromDays(1) + SendStatistics.Interval;

    public async Task<RetentionResult> PurgeAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        var o = options.Value;
        var attemptsBefore = now - o.Attempts;
        var attempts = await PurgeAttemptsAsync(attemptsBefore, ct);
        var events = await PurgeEventsAsync(now - o.Events, ct);
        var bodies = await BatchesAsync(async (db, size) =>
        {
            var before = now - o.DeliveredBodies;
            // The row goes with its body (docs/storage-and-retention.md#outbox-rows): an emptied row left half-empty pages.
            var ids = await db.OutboxMessages
                .Where(m => (m.Status == OutboxStatus.Delivered && m.DeliveredAt < before) || (m.Status == OutboxStatus.GaveUp && m.NextAttemptAt < before))
                .Select(m => m.Id).Take(size).ToListAsync(ct);
            return ids.Count == 0 ? 0 : await db.OutboxMessages.Where(m => ids.Contains(m.Id) && m.Status != OutboxStatus.Pending).ExecuteDeleteAsync(ct);
        }, ct);
        var outbox = await BatchesAsync(async (db, size) =>
        {
            var ids = await db.OutboxMessages.Where(m => m.Status != OutboxStatus.Pending && m.CreatedAt < attemptsBefore).Select(m => m.Id).Take(size).ToListAsync(ct);
            return ids.Count == 0 ? 0 : await db.OutboxMessages.Where(m => ids.Contains(m.Id) && m.Status != OutboxStatus.Pending).ExecuteDeleteAsync(ct);
        }, ct);
        var usageBefore = now - (o.Attempts > UsageNeeded ? o.Attempts : UsageNeeded);
        var usage = await PurgeUsageAsync(usageBefore, ct);
        return new RetentionResult(attempts, events, bodies, outbox, usage)
        {
            NotificationRows = await PurgeNotificationsAsync(now - o.Notifications, ct),
            InboundFeedbackRows = await BatchesAsync(async (db, size) =>
            {
                var before = now - o.InboundFeedback;
                var ids = await db.InboundFeedback.Where(f => f.ReceivedAt < before).Select(f => f.Id).Take(size).ToListAsync(ct);
                return ids.Count == 0 ? 0 : await db.InboundFeedback.Where(f => ids.Contains(f.Id)).ExecuteDeleteAsync(ct);
            }, ct),
            ReputationBuckets = await BatchesAsync(async (db, size) =>
            {
                var before = now - o.ReputationHistory;
                var keys = await db.ReputationBuckets.Where(b => b.Hour < before).OrderBy(b => b.Hour).Select(b => b.Hour).Take(1).ToListAsync(ct);
                return keys.Count == 0
                    ? 0
                    : await db.ReputationBuckets.Where(b => b.Hour == keys[0]).ExecuteDeleteAsync(ct) // an hour at a time (by the Hour index)
                      + await db.AccountReputationBuckets.Where(b => b.Hour <= keys[0]).ExecuteDeleteAsync(ct);
            }, ct),
        };
    }

    /// <summary>
    /// SNS messages fanned out before <paramref name="before"/> with no delivery still pending (their delivery rows go with
    /// them), delivery attempts and event-log rows older than it.
    /// </summary>
    private async Task<int> PurgeNotificationsAsync(DateTimeOffset before, CancellationToken ct)
    {
        var messages = await BatchesAsync(async (db, size) =>
        {
            var ids = await db.SnsMessages
                .Where(m => m.FannedOut && m.CreatedAt < before
                            && !db.SnsDeliveries.Any(d => d.SnsMessageId == m.Id && d.Status == SnsDeliveryStatus.Pending))
                .Select(m => m.Id).Take(size).ToListAsync(ct);
            if (ids.Count == 0)
            {
                return 0;
            }

            await db.SnsDeliveries.Where(d => ids.Contains(d.SnsMessageId)).ExecuteDeleteAsync(ct);
            return await db.SnsMessages.Where(m => ids.Contains(m.Id)).ExecuteDeleteAsync(ct);
        }, ct);
        var attempts = await BatchesAsync(async (db, size) =>
        {
            var ids = await db.SnsDeliveryAttempts.Where(a => a.At < before).Select(a => a.Id).Take(size).ToListAsync(ct);
            return ids.Count == 0 ? 0 : await db.SnsDeliveryAttempts.Where(a => ids.Contains(a.Id)).ExecuteDeleteAsync(ct);
        }, ct);
        var published = await BatchesAsync(async (db, size) =>
        {
            var ids = await db.PublishedEvents.Where(e => e.At < before).Select(e => e.Id).Take(size).ToListAsync(ct);
            return ids.Count == 0 ? 0 : await db.PublishedEvents.Where(e => ids.Contains(e.Id)).ExecuteDeleteAsync(ct);
        }, ct);
        return messages + attempts + published;
    }

    /// <summary>Attempts older than <paramref name="before"/>, account by account (the (AccountId, At) index finds them).</summary>
    private async Task<int> PurgeAttemptsAsync(DateTimeOffset before, CancellationToken ct)
    {
        var total = 0;
        string? account = "";
        while ((account = await NextAsync(db => db.SendAttempts.Where(a => string.Compare(a.AccountId, account) > 0).Select(a => a.AccountId), ct)) is not null)
        {
            var current = account;
            total += await BatchesAsync(async (db, size) =>
            {
                var batch = await db.SendAttempts.Where(a => a.AccountId == current && a.At < before).OrderBy(a => a.At).Take(size)
                    .Select(a => new { a.Id, a.OwnerAccountId, a.At, a.Accepted, a.RecipientCount }).ToListAsync(ct);
                if (batch.Count == 0)
                {
                    return 0;
                }

                await AddAsync(db, current, batch.Select(a => (a.OwnerAccountId, a.At, (Action<SendActivityBucketEntity>)(b =>
                {
                    if (a.Accepted)
                    {
                        b.Accepted++;
                        b.Recipients += a.RecipientCount;
                    }
                    else
                    {
                        b.Rejected++;
                    }
                }))), ct);
                var ids = batch.Select(a => a.Id).ToList();
                return await db.SendAttempts.Where(a => ids.Contains(a.Id)).ExecuteDeleteAsync(ct);
            }, ct);
        }

        return total;
    }

    /// <summary>Usage rows older than <paramref name="before"/>, account by account (the (AccountId, At) index finds them).</summary>
    private async Task<int> PurgeUsageAsync(DateTimeOffset before, CancellationToken ct)
    {
        var total = 0;
        string? account = "";
        while ((account = await NextAsync(db => db.UsageLedger.Where(u => string.Compare(u.AccountId, account) > 0).Select(u => u.AccountId), ct)) is not null)
        {
            var current = account;
            total += await BatchesAsync(async (db, size) =>
            {
                var ids = await db.UsageLedger.Where(u => u.AccountId == current && u.At < before).OrderBy(u => u.At).Select(u => u.Id).Take(size).ToListAsync(ct);
                return ids.Count == 0 ? 0 : await db.UsageLedger.Where(u => ids.Contains(u.Id)).ExecuteDeleteAsync(ct);
            }, ct);
        }

        return total;
    }

    /// <summary>Events older than <paramref name="before"/>, by account and type (the (AccountId, Type, At) index finds them).</summary>
    private async Task<int> PurgeEventsAsync(DateTimeOffset before, CancellationToken ct)
    {
        var total = 0;
        string? account = "";
        while ((account = await NextAsync(db => db.SendEvents.Where(e => string.Compare(e.AccountId, account) > 0).Select(e => e.AccountId), ct)) is not null)
        {
            var currentAccount = account;
            string? type = "";
            while ((type = await NextAsync(db => db.SendEvents.Where(e => e.AccountId == currentAccount && string.Compare(e.Type, type) > 0).Select(e => e.Type), ct)) is not null)
            {
                var currentType = type;
                total += await BatchesAsync(async (db, size) =>
                {
                    var batch = await db.SendEvents.Where(e => e.AccountId == currentAccount && e.Type == currentType && e.At < before).OrderBy(e => e.At).Take(size)
                        .Select(e => new { e.Id, e.OwnerAccountId, e.At, e.Recipient, e.Json, e.CountsTowardReputation }).ToListAsync(ct);
                    if (batch.Count == 0)
                    {
                        return 0;
                    }

                    await AddAsync(db, currentAccount, batch.Select(e => (e.OwnerAccountId, e.At, (Action<SendActivityBucketEntity>)(b =>
                    {
                        switch (currentType)
                        {
                            case "Bounce":
                                b.Bounces += e.Recipient is null ? SendActivityCounts.RecipientsIn(e.Json, "bounce", "bouncedRecipients") : 1;
                                b.ReputationBounces += e.CountsTowardReputation ? 1 : 0;
                                break;
                            case "Complaint":
                                b.Complaints += e.Recipient is null ? SendActivityCounts.RecipientsIn(e.Json, "complaint", "complainedRecipients") : 1;
                                b.ReputationComplaints += e.CountsTowardReputation ? 1 : 0;
                                break;
                            case "Reject":
                                b.Rejects++;
                                break;
                            case "Delivery":
                                b.ReputationDeliveries += SendActivityCounts.IsSimulatorDelivery(e.Recipient, e.Json) ? 0 : 1;
                                break;
                        }
                    }))), ct);
                    var ids = batch.Select(e => e.Id).ToList();
                    return await db.SendEvents.Where(e => ids.Contains(e.Id)).ExecuteDeleteAsync(ct);
                }, ct);
            }
        }

        return total;
    }

    /// <summary>Adds each row's counts to its account's, owner's and interval's bucket (tracked; saved by the batch).</summary>
    private static async Task AddAsync(ConsoleDbContext db, string account, IEnumerable<(string? Owner, DateTimeOffset At, Action<SendActivityBucketEntity> Add)> rows, CancellationToken ct)
    {
        var list = rows.Select(r => (Owner: r.Owner ?? "", Start: SendActivityCounts.BucketOf(r.At), r.Add)).ToList();
        var starts = list.Select(r => r.Start).Distinct().ToList();
        var existing = await db.SendActivityBuckets.Where(b => b.AccountId == account && starts.Contains(b.Start)).ToListAsync(ct);
        var buckets = existing.ToDictionary(b => (b.OwnerAccountId, b.Start));
        foreach (var (owner, start, add) in list)
        {
            if (!buckets.TryGetValue((owner, start), out var bucket))
            {
                bucket = new SendActivityBucketEntity { AccountId = account, OwnerAccountId = owner, Start = start };
                db.SendActivityBuckets.Add(bucket);
                buckets[(owner, start)] = bucket;
            }

            add(bucket);
        }

        await db.SaveChangesAsync(ct);
    }

    /// <summary>The smallest value of <paramref name="query"/> (one index seek), or null.</summary>
    private async Task<string?> NextAsync(Func<ConsoleDbContext, IQueryable<string>> query, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await query(db).OrderBy(v => v).FirstOrDefaultAsync(ct);
    }

    /// <summary>Runs <paramref name="batch"/> in its own transaction until it returns 0, pausing between batches.</summary>
    private async Task<int> BatchesAsync(Func<ConsoleDbContext, int, Task<int>> batch, CancellationToken ct)
    {
        var total = 0;
        var o = options.Value;
        while (true)
        {
            int done;
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
            {
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                done = await batch(db, Math.Max(1, o.BatchSize));
                await tx.CommitAsync(ct);
            }

            total += done;
            if (done == 0)
            {
                return total;
            }

            if (o.BatchPause > TimeSpan.Zero)
            {
                await Task.Delay(o.BatchPause, time, ct);
            }
        }
    }
}

/// <summary>
/// Runs <see cref="SendingRetention"/> every <see cref="SendingRetentionOptions.PurgeInterval"/> on the injected clock, on
/// the one node that holds the <see cref="LeaseName"/> lease (docs/cluster-coordination.md#background-work).
/// </summary>
public sealed class SendingRetentionWorker(
    IServiceScopeFactory scopes, IOptions<SendingRetentionOptions> options, ClusterLease lease, TimeProvider time, ILogger<SendingRetentionWorker> logger,
    SesConsole.Web.Hosting.WorkerHeartbeats? heartbeats = null) : BackgroundService
{
    /// <summary>The lease in <c>NodeLeases</c>.</summary>
    public const string LeaseName = "sending-retention";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.PurgeInterval <= TimeSpan.Zero)
        {
            logger.LogInformation("The retention purge is off (Sending:Retention:PurgeInterval <= 0).");
            return;
        }

        using var beat = SesConsole.Web.Hosting.WorkerHeartbeats.StartOrNone(heartbeats, SesConsole.Web.Hosting.WorkerHeartbeats.Retention, options.Value.PurgeInterval);
        using var timer = new PeriodicTimer(options.Value.PurgeInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                beat.Beat(); // alive whether or not this node holds the lease
                if (!await lease.HoldAsync(LeaseName, stoppingToken))
                {
                    logger.LogDebug("Retention purge skipped: another node holds the lease.");
                    continue;
                }

                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var result = await scope.ServiceProvider.GetRequiredService<SendingRetention>().PurgeAsync(time.GetUtcNow(), stoppingToken);
                    logger.LogDebug("Retention purge: {Result}", result);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "A retention purge failed; the next one retries.");
                }
            }
        }
        finally
        {
            await lease.ReleaseAsync(LeaseName, CancellationToken.None);
        }
    }
}
