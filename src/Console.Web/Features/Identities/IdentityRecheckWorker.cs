using Microsoft.Extensions.Options;

namespace SesConsole.Web.Features.Identities;

/// <summary>
/// Re-checks identities on a schedule (<c>Identities:RecheckInterval</c>, default 5 minutes): expires email links after
/// 24 h, looks up pending and verified domains' records (Pending → Success/Failed, Success → TemporaryFailure → Success/Failed).
/// The timer runs on the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class IdentityRecheckWorker(IServiceScopeFactory scopes, IOptions<IdentitiesOptions> options, TimeProvider time, ILogger<IdentityRecheckWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.RecheckInterval;
        if (interval <= TimeSpan.Zero)
        {
            logger.LogInformation("Identity re-check is off (Identities:RecheckInterval <= 0).");
            return;
        }

        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
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
}
