using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Web.Hosting;

namespace SesConsole.Web.Reputation;

/// <summary>
/// Applies enforcement as feedback arrives (docs/reputation.md#enforcement): evaluates the accounts the writers name
/// through <see cref="ReputationSignal"/> as soon as they commit a counted bounce or complaint, and every
/// <see cref="ReputationOptions.EvaluationInterval"/> (on the injected clock) sweeps the accounts that are not healthy
/// (an account under review becomes healthy again as its window slides) and those with real traffic since the last
/// sweep (a signal lost in a restart is made up for there). In cluster mode only the node holding the
/// <see cref="LeaseName"/> lease sweeps; every node still evaluates the accounts its own writers signal (an evaluation is
/// one account's conditional change, safe beside another node's: docs/cluster-coordination.md#background-work).
/// </summary>
public sealed class EnforcementWorker(
    EnforcementService enforcement,
    ReputationSignal signal,
    ClusterLease lease,
    IDbContextFactory<ConsoleDbContext> dbFactory,
    IOptions<ReputationOptions> options,
    TimeProvider time,
    ILogger<EnforcementWorker> logger,
    SesConsole.Web.Hosting.WorkerHeartbeats? heartbeats = null) : BackgroundService
{
    /// <summary>The lease in <c>NodeLeases</c> (the sweep's).</summary>
    public const string LeaseName = "reputation-sweep";

    // The signal's wait runs on the system clock; waking at least this often keeps the sweep on the injected one.
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.EvaluationInterval;
        if (interval <= TimeSpan.Zero)
        {
            logger.LogInformation("Automatic enforcement is off (Reputation:EvaluationInterval is zero).");
            return;
        }

        try
        {
            await RunAsync(interval, stoppingToken);
        }
        finally
        {
            await lease.ReleaseAsync(LeaseName, CancellationToken.None);
        }
    }

    private async Task RunAsync(TimeSpan interval, CancellationToken stoppingToken)
    {
        var nextSweep = time.GetUtcNow();
        var sweptUpTo = nextSweep - interval;

        // The loop wakes at least every MaxWait (docs/observability.md#health-checks).
        using var beat = SesConsole.Web.Hosting.WorkerHeartbeats.StartOrNone(heartbeats, SesConsole.Web.Hosting.WorkerHeartbeats.Enforcement, MaxWait);
        while (!stoppingToken.IsCancellationRequested)
        {
            beat.Beat();
            var wait = nextSweep - time.GetUtcNow();
            IReadOnlyList<string> changed;
            try
            {
                changed = await signal.TakeAsync(wait <= TimeSpan.Zero ? TimeSpan.Zero : wait < MaxWait ? wait : MaxWait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            foreach (var account in changed)
            {
                await EvaluateAsync(account, stoppingToken);
            }

            var now = time.GetUtcNow();
            if (now >= nextSweep)
            {
                if (await lease.HoldAsync(LeaseName, stoppingToken))
                {
                    await SweepAsync(sweptUpTo, stoppingToken);
                    sweptUpTo = now;
                }
                else
                {
                    // The holder sweeps; should this node take over, its first sweep reaches back to its own last one.
                    logger.LogDebug("Reputation sweep skipped: another node holds the lease.");
                }

                nextSweep = now + interval;
            }
        }
    }

    private async Task SweepAsync(DateTimeOffset since, CancellationToken ct)
    {
        List<string> accounts;
        try
        {
            var fromHour = ReputationDelta.HourOf(since);
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var watched = await db.Accounts.AsNoTracking().Where(a => a.EnforcementStatus != EnforcementStatus.Healthy).Select(a => a.Id).ToListAsync(ct);
            var active = await db.AccountReputationBuckets.AsNoTracking().Where(b => !b.Test && b.Hour >= fromHour).Select(b => b.AccountId).Distinct().ToListAsync(ct);
            accounts = [.. watched.Union(active, StringComparer.Ordinal)];
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "The enforcement sweep could not list accounts; the next sweep retries.");
            return;
        }

        foreach (var account in accounts)
        {
            await EvaluateAsync(account, ct);
        }
    }

    private async Task EvaluateAsync(string accountId, CancellationToken ct)
    {
        try
        {
            await enforcement.EvaluateAsync(accountId, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Evaluating the reputation of account {AccountId} failed; the next sweep retries.", accountId);
        }
    }
}
