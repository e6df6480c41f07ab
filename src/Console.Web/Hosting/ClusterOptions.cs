using SesConsole.Data;

namespace SesConsole.Web.Hosting;

/// <summary>
/// Several console nodes on one server database (section <c>Cluster</c>; docs/deployment.md#cluster-mode). In cluster
/// mode the send quota and rate are decided through the database, cached rows are invalidated through change counters
/// that every node polls, and background work that must run once is held by a lease. Off for the embedded SQLite
/// default (one process per file), on by default for the server providers.
/// </summary>
public sealed class ClusterOptions
{
    public const string SectionName = "Cluster";

    /// <summary>
    /// <see langword="null"/> (the default): on for PostgreSQL and SQL Server, off for SQLite. Set <c>false</c> only for a
    /// server database that exactly one console node uses.
    /// </summary>
    public bool? Enabled { get; set; }

    /// <summary>This node's name in leases and logs; defaults to the host name and process id.</summary>
    public string? NodeName { get; set; }

    /// <summary>How often a node reads the change counters (the bound on how long another node's change goes unseen).</summary>
    public TimeSpan ChangePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a background-work lease lasts without renewal (a killed node's work resumes elsewhere after it).</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether cluster mode is on for <paramref name="provider"/>.</summary>
    public bool IsEnabled(DatabaseProvider provider) => Enabled ?? provider != DatabaseProvider.Sqlite;

    /// <summary>The node's name: <see cref="NodeName"/> or host name and process id.</summary>
    public string Node => string.IsNullOrWhiteSpace(NodeName) ? $"{Environment.MachineName}:{Environment.ProcessId}" : NodeName;
}

/// <summary>The resolved cluster settings, a singleton: whether cluster mode is on and this node's name.</summary>
public sealed record ClusterMode(bool Enabled, string Node, ClusterOptions Options);
