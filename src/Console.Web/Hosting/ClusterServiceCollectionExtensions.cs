using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SesConsole.Web.Hosting;

/// <summary>Registrations of the cluster coordination (docs/cluster-coordination.md); inert in single-node mode.</summary>
public static class ClusterServiceCollectionExtensions
{
    /// <summary>
    /// The change counters and their watcher, and the background-work leases with their renewal. Call it after
    /// <see cref="ClusterMode"/> is registered and before the workers: hosted services stop in reverse order, so the
    /// renewal stops (and releases the leases) after the workers.
    /// </summary>
    public static IServiceCollection AddClusterCoordination(this IServiceCollection services)
    {
        services.TryAddClusterServices();
        services.AddHostedService<ClusterLeaseRenewal>();
        services.AddHostedService<ClusterChangeWatcher>();
        return services;
    }

    /// <summary>
    /// What the modules that announce changes or take leases need (the sending engine, reputation), for hosts that add
    /// them without <see cref="AddClusterCoordination"/> (component tests): single-node mode unless a
    /// <see cref="ClusterMode"/> is registered already.
    /// </summary>
    public static IServiceCollection TryAddClusterServices(this IServiceCollection services)
    {
        var single = new ClusterOptions { Enabled = false };
        services.TryAddSingleton(new ClusterMode(false, single.Node, single));
        services.TryAddSingleton<ClusterChanges>();
        services.TryAddSingleton<ClusterLease>();
        return services;
    }
}
