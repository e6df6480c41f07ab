using Microsoft.Extensions.Options;
using SesConsole.Web.Hosting;

namespace SesConsole.Web.Features.Identities;

/// <summary>
/// Re-checks identities on a schedule (<c>Identities:RecheckInterval</c>, default 5 minutes): expires email links after
/// 24 h, looks up pending and verified domains' records (Pending → Success/Failed, Success → TemporaryFailure → Success/Failed).
/// The timer runs on the injected <see cref="TimeProvider"/>; in cluster mode only the node holding the
/// <see cref="LeaseName"/> lease runs a round (docs/cluster-coordination.md#background-work).
/// </summary>
public sealed class IdentityRecheckWorker(
    IServiceScopeFactory scopes, IOptions<IdentitiesOptions> options, ClusterLease lease, TimeProvider time, ILogger<IdentityRecheckWorker> logger)
    : BackgroundService
{
    /// <summary>The lease in <c>NodeLeases</c>.</summary>
    public const string LeaseName = "identity-recheck";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.RecheckInterval;
        if (interval <= TimeSpan.Zero)
        {
            logger.LogInformation("Identity re-check is off (Identities:RecheckInterval <= 0).");
            return;
        }

        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!await lease.HoldAsync(LeaseName, stoppingToken))
                {
                    logger.LogDebug("Identity re-check skipped: another node holds the lease.");
                    continue;
                }

                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var identities = scope.ServiceProvider.GetRequiredService<IdentitiesService>();
                    var expired = await identities.ExpireEmailVerificationsAsync(stoppingToken);
                    var checkedDomains = await identities.RecheckDomainsAsync(stoppingToken);
                    logger.LogDebug("Identity re-check: {Expired} email link(s) expired, {Domains} domain(s) checked.", expired, checkedDomains);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One failed round (database busy, DNS down) must not stop the schedule.
                    logger.LogError(ex, "Identity re-check failed; trying again in {Interval}.", interval);
                }
            }
        }
        finally
        {
            await lease.ReleaseAsync(LeaseName, CancellationToken.None);
        }
    }
}
