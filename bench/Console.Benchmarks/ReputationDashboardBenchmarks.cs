extern alias web;

using BenchmarkDotNet.Attributes;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Sqlite;

namespace SesConsole.Benchmarks;

/// <summary>
/// The reputation dashboards' queries over <see cref="ReputationWorld"/> (10⁶ events, 30 days, 60 accounts):
/// the rollup queries the pages run, against the raw-event aggregation the admin page ran before the rollup
/// (docs/reputation.md#rollups) in the same run. Target: first render ≤ 300 ms of server time per page.
/// </summary>
[MemoryDiagnoser]
[WarmupCount(2)]
[IterationCount(8)]
public class ReputationDashboardBenchmarks
{
    private static readonly TimeSpan Window = TimeSpan.FromDays(14);
    private DbContextOptions<SqliteConsoleDbContext> _options = null!;
    private DateTimeOffset _now;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _now = DateTimeOffset.UtcNow;
        var directory = await ReputationWorld.EnsureAsync(ReputationWorld.Events, _now);
        _options = new DbContextOptionsBuilder<SqliteConsoleDbContext>().UseSqlite($"Data Source={Path.Combine(directory, "sesconsole.db")}").Options;
    }

    /// <summary>The pre-rollup admin list: every account's deliveries, counted bounces and complaints, aggregated from raw events.</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> RawEventsAllAccounts()
    {
        await using var db = new SqliteConsoleDbContext(_options);
        var since = _now - Window;
        var counts = await db.SendEvents.AsNoTracking()
            .Where(e => e.At > since && (e.Type == "Delivery" || ((e.Type == "Bounce" || e.Type == "Complaint") && e.CountsTowardReputation)))
            .GroupBy(e => new { e.AccountId, e.Type }).Select(g => new { g.Key.AccountId, g.Key.Type, Count = g.Count() })
            .ToListAsync();
        return counts.Count;
    }

    /// <summary>The rollup's admin list: every account's window totals and its daily series for the sparkline.</summary>
    [Benchmark]
    public async Task<int> BucketsAllAccountsWithDailySeries()
    {
        await using var db = new SqliteConsoleDbContext(_options);
        var since = _now - TimeSpan.FromDays(30);
        var rows = await db.ReputationBuckets.AsNoTracking().Where(b => b.Hour >= since && !b.Test)
            .GroupBy(b => new { b.AccountId, b.Hour })
            .Select(g => new { g.Key.AccountId, g.Key.Hour, Sent = g.Sum(b => b.Sent), Hard = g.Sum(b => b.HardBounces), Complaints = g.Sum(b => b.Complaints), Eligible = g.Sum(b => b.ComplaintEligible) })
            .ToListAsync();
        return rows.GroupBy(r => (r.AccountId, r.Hour.UtcDateTime.Date)).Count();
    }
}
