namespace SesConsole.Data.Entities;

/// <summary>
/// One account's quota state in one region when several console nodes share the database (docs/deployment.md#quotas):
/// the row every node locks (by updating <see cref="Version"/>) before it decides a reservation, so the check and the
/// charge are one step across nodes; it also holds the account's send-rate token bucket in that region.
/// </summary>
public sealed class QuotaCounterEntity
{
    public required string AccountId { get; set; }

    public required string Region { get; set; }

    /// <summary>Tokens left in the send-rate bucket at <see cref="TokensAt"/>.</summary>
    public double Tokens { get; set; }

    public DateTimeOffset TokensAt { get; set; }

    /// <summary>Incremented by every reservation batch: the write that takes the row lock.</summary>
    public long Version { get; set; }
}

/// <summary>
/// A family of cached rows (identities, accounts, IAM, suppression, access keys, configuration sets) and how often it
/// changed: a node that saves a change increments its family's version, and every node polls the versions and drops the
/// families that moved (docs/deployment.md#cache-invalidation).
/// </summary>
public sealed class ChangeCounterEntity
{
    public required string Family { get; set; }

    public long Version { get; set; }
}

/// <summary>
/// A lease on background work that must run on one node at a time (docs/deployment.md#background-work): the retention
/// purge, the reputation evaluation, the identity re-checks. A node holds it until <see cref="ExpiresAt"/> and renews it.
/// </summary>
public sealed class NodeLeaseEntity
{
    public required string Name { get; set; }

    public required string Holder { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }
}
