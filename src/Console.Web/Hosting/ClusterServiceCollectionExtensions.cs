namespace SesConsole.Web.Hosting;

/// <summary>Registrations of the cluster coordination (docs/cluster-coordination.md); inert in single-node mode.</summary>
public static class ClusterServiceCollectionExtensions
{
    /// <summary>
    /// The change counters and their watcher, and the background-work leases with their renewal. Call it before the
    /// workers are registered: hosted services stop in reverse order, so the renewal stops (and releases the leases)
    /// after the workers.
    /// </summary>
    public static IServiceCollection AddClusterCoordination(this IServiceCollection services)
    {
        services.AddSingleton<ClusterChanges>();
        services.AddSingleton<ClusterLease>();
        services.AddHostedService<ClusterLeaseRenewal>();
        services.AddHostedService<ClusterChangeWatcher>();
        return services;
    }
}
