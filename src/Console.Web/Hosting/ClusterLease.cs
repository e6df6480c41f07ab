using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;

namespace SesConsole.Web.Hosting;

/// <summary>
/// Leases on background work that must run on one node at a time (docs/cluster-coordination.md#background-work). A
/// worker asks <see cref="HoldAsync"/> at each tick and skips the tick when another node holds the lease. A node that
/// won a lease keeps it: <see cref="ClusterLeaseRenewal"/> renews the leases it holds every third of
/// <see cref="ClusterOptions.LeaseDuration"/>, so a job whose interval is longer than the lease still runs on one node,
/// and only a node that stopped renewing (killed, or cut off from the database) loses it, one lease duration later.
/// In single-node mode every lease is this node's and nothing is read or written.
/// </summary>
public sealed class ClusterLease(ClusterMode cluster, IDbContextFactory<ConsoleDbContext> dbFactory, TimeProvider time, ILogger<ClusterLease> logger)
{
    private readonly ConcurrentDictionary<string, byte> _held = new(StringComparer.Ordinal);

    /// <summary>This node's name in <c>NodeLeases.Holder</c>.</summary>
    public string Node => cluster.Node;

    /// <summary>The leases this node held at its last take or renewal.</summary>
    public IReadOnlyCollection<string> Held => [.. _held.Keys];

    /// <summary>
    /// Whether this node holds <paramref name="name"/> now, taking or extending it: one conditional update,
    /// <c>UPDATE NodeLeases SET Holder = @me, ExpiresAt = @now + LeaseDuration WHERE Name = @name AND (Holder = @me OR
    /// ExpiresAt &lt; @now)</c>, and an insert when the row does not exist yet (two nodes inserting at once: the key decides).
    /// Always true in single-node mode. A database error answers false (the tick is skipped, the next one asks again).
    /// </summary>
    public async ValueTask<bool> HoldAsync(string name, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!cluster.Enabled)
        {
            return true;
        }

        bool held;
        try
        {
            held = await TryTakeAsync(name, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not take the lease {Lease}; this node skips the work until it can.", name);
            held = false;
        }

        if (held)
        {
            _held[name] = 0;
        }
        else
        {
            _held.TryRemove(name, out _);
        }

        return held;
    }

    /// <summary>Extends every lease this node holds (the leases another node took meanwhile are dropped from <see cref="Held"/>).</summary>
    public async Task RenewAsync(CancellationToken ct)
    {
        foreach (var name in _held.Keys)
        {
            await HoldAsync(name, ct);
        }
    }

    /// <summary>
    /// Gives <paramref name="name"/> up (on a graceful stop), so another node takes the work at its next tick instead of
    /// after the lease runs out. Only a lease this node holds is released; errors are logged, never thrown.
    /// </summary>
    public async Task ReleaseAsync(string name, CancellationToken ct = default)
    {
        if (!cluster.Enabled || !_held.TryRemove(name, out _))
        {
            return;
        }

        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await db.NodeLeases.Where(l => l.Name == name && l.Holder == cluster.Node)
                .ExecuteUpdateAsync(u => u.SetProperty(l => l.ExpiresAt, DateTimeOffset.UnixEpoch), ct);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not release the lease {Lease}; another node takes it when it expires.", name);
        }
    }

    /// <summary>Releases every lease this node holds.</summary>
    public async Task ReleaseAllAsync(CancellationToken ct = default)
    {
        foreach (var name in _held.Keys)
        {
            await ReleaseAsync(name, ct);
        }
    }

    private async Task<bool> TryTakeAsync(string name, CancellationToken ct)
    {
        var me = cluster.Node;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        for (var attempt = 1; ; attempt++)
        {
            var now = time.GetUtcNow();
            var expires = now + cluster.Options.LeaseDuration;
            if (await db.NodeLeases.Where(l => l.Name == name && (l.Holder == me || l.ExpiresAt < now))
                    .ExecuteUpdateAsync(u => u.SetProperty(l => l.Holder, me).SetProperty(l => l.ExpiresAt, expires), ct) == 1)
            {
                return true;
            }

            if (attempt > 1 || await db.NodeLeases.AnyAsync(l => l.Name == name, ct))
            {
                return false; // another node holds it
            }

            db.NodeLeases.Add(new NodeLeaseEntity { Name = name, Holder = me, ExpiresAt = expires });
            try
            {
                await db.SaveChangesAsync(ct);
                return true;
            }
            catch (DbUpdateException)
            {
                // Another node inserted the row first: its lease is live, unless the update below finds otherwise.
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }
    }
}

/// <summary>
/// Renews the leases this node holds every third of <see cref="ClusterOptions.LeaseDuration"/> (on the injected clock)
/// and releases them when the node stops gracefully (docs/cluster-coordination.md#background-work). Nothing in
/// single-node mode.
/// </summary>
public sealed class ClusterLeaseRenewal(ClusterMode cluster, ClusterLease leases, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!cluster.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(cluster.Options.LeaseDuration / 3, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await leases.RenewAsync(stoppingToken);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await leases.ReleaseAllAsync(CancellationToken.None);
    }
}
