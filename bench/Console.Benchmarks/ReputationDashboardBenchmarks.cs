extern alias web;

using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Sqlite;
using Microsoft.Extensions.Options;
using web::SesConsole.Web.Features.Principals;
using web::SesConsole.Web.Features.Reputation;
using web::SesConsole.Web.Reputation;

namespace SesConsole.Benchmarks;

/// <summary>
/// The reputation dashboards' queries over <see cref="ReputationWorld"/> (10⁶ events, 30 days, 60 accounts):
/// the rollup queries the pages run, against the raw-event aggregation the admin page ran before the rollup
/// (docs/reputation.md#rollups) in the same run. Target: first render ≤ 300 ms of server time per page.
/// </summary>
/// <remarks>
/// Run <c>dotnet bin/Release/net10.0/Console.Benchmarks.dll reputation-seed</c> first (minutes: it writes 10⁶ events);
/// the benchmark reuses that database for a day.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class ReputationDashboardBenchmarks
{
    private sealed class Config : ManualConfig
    {
        public Config() => AddJob(Job.Default.WithWarmupCount(2).WithIterationCount(8)
            .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(30), logOutput: false)).WithId("InProcess"));
    }

    private static readonly TimeSpan Window = TimeSpan.FromDays(14);
    private DbContextOptions<SqliteConsoleDbContext> _options = null!;
    private DateTimeOffset _now;
    private ReputationDashboardService _service = null!;
    private readonly Caller _admin = new("bench", "admin@example.com", null, null, null, IsAdmin: true);

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _now = DateTimeOffset.UtcNow;
        var directory = await ReputationWorld.EnsureAsync(ReputationWorld.Events, _now);
        _options = new DbContextOptionsBuilder<SqliteConsoleDbContext>().UseSqlite($"Data Source={Path.Combine(directory, "sesconsole.db")}").Options;
        _service = new ReputationDashboardService(new Factory(_options), Options.Create(new ReputationOptions()), TimeProvider.System);
    }

    private sealed class Factory(DbContextOptions<SqliteConsoleDbContext> options) : IDbContextFactory<ConsoleDbContext>
    {
        public ConsoleDbContext CreateDbContext() => new SqliteConsoleDbContext(options);
    }

    /// <summary>The admin's accounts page: <see cref="ReputationDashboardService.ListAccountsAsync"/> (every account, window figures, 14 daily points).</summary>
    [Benchmark]
    public async Task<int> AdminListPage() => (await _service.ListAccountsAsync(_admin)).Value!.Count;

    /// <summary>One account's reputation page: <see cref="ReputationDashboardService.GetAccountAsync"/> for the busiest sender (30 days of charts, top lists, drill-down).</summary>
    [Benchmark]
    public async Task<int> AccountPage() => (await _service.GetAccountAsync(_admin, ReputationWorld.AccountId(0))).Value!.History.Count;

    /// <summary>An owner's identity section: <see cref="ReputationDashboardService.GetIdentityAsync"/> (every sender of one identity).</summary>
    [Benchmark]
    public async Task<int> IdentitySection() => (await _service.GetIdentityAsync(_admin, ReputationWorld.IdentityArn(1, 0))).IsSuccess ? 1 : 0;

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

    /// <summary>
    /// The admin list from the account-level buckets, aggregated in SQL: every account's exact window totals per kind of
    /// traffic, and its 30 daily sparkline points.
    /// </summary>
    [Benchmark]
    public async Task<int> AccountBucketsAllAccountsWithDailySeries()
    {
        await using var db = new SqliteConsoleDbContext(_options);
        var from = _now - Window;
        var totals = await db.AccountReputationBuckets.AsNoTracking().Where(b => b.Hour >= from)
            .GroupBy(b => new { b.AccountId, b.Test })
            .Select(g => new { g.Key.AccountId, g.Key.Test, Sent = g.Sum(b => b.Sent), Hard = g.Sum(b => b.HardBounces), Complaints = g.Sum(b => b.Complaints), Eligible = g.Sum(b => b.ComplaintEligible) })
            .ToListAsync();
        var firstDay = new DateTimeOffset(_now.UtcDateTime.Date.AddDays(-29), TimeSpan.Zero);
        var days = await db.AccountReputationBuckets.AsNoTracking().Where(b => b.Day >= firstDay && !b.Test)
            .GroupBy(b => new { b.AccountId, b.Day })
            .Select(g => new { g.Key.AccountId, g.Key.Day, Sent = g.Sum(b => b.Sent), Hard = g.Sum(b => b.HardBounces), Complaints = g.Sum(b => b.Complaints), Eligible = g.Sum(b => b.ComplaintEligible) })
            .ToListAsync();
        return totals.Count + days.Count;
    }

    /// <summary>The same list from the fine-grained (identity × hour) buckets, as the first dashboard draft read it.</summary>
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
