using SesConsole.Web.Features.Sns;
using SesConsole.Web.Sending;

namespace SesConsole.Web.Hosting;

/// <summary>
/// In cluster mode, reads every family's change counter each <see cref="ClusterOptions.ChangePollInterval"/> (one small
/// query) and drops the families whose version moved since the last read from this node's caches: the send path's
/// <see cref="SendingReadCache"/> and, for <see cref="SendingData.Accounts"/> (the family topic rows belong to), the
/// <see cref="SnsTopicCache"/> (docs/cluster-coordination.md#cache-invalidation). In single-node mode it does nothing.
/// </summary>
public sealed class ClusterChangeWatcher(
    ClusterMode cluster,
    ClusterChanges changes,
    SendingReadCache cache,
    SnsTopicCache topics,
    TimeProvider time,
    ILogger<ClusterChangeWatcher> logger) : BackgroundService
{
    private Dictionary<string, long>? _seen;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!cluster.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(cluster.Options.ChangePollInterval, time);
        do
        {
            try
            {
                await PollAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A missed read loses nothing: the next one compares with the last versions seen.
                logger.LogWarning(ex, "Could not read the change counters; trying again in {Interval}.", cluster.Options.ChangePollInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>
    /// One read: returns (and drops) the families that moved since the previous read. The first read records the
    /// versions and drops every family once, since rows cached before it (while the node started) may predate a change
    /// it will never see move.
    /// </summary>
    public async Task<SendingData> PollAsync(CancellationToken ct)
    {
        var current = await changes.ReadAsync(ct);
        var moved = SendingData.None;
        if (_seen is null)
        {
            moved = SendingData.All;
        }
        else
        {
            foreach (var family in ClusterChanges.Families)
            {
                var name = family.ToString();
                if (current.GetValueOrDefault(name) != _seen.GetValueOrDefault(name))
                {
                    moved |= family;
                }
            }
        }

        _seen = current;
        if (moved != SendingData.None)
        {
            cache.Invalidate(moved);
            if ((moved & SendingData.Accounts) != 0)
            {
                topics.Invalidate();
            }
        }

        return moved;
    }
}
