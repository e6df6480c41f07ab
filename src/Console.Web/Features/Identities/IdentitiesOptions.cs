using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Web.Hosting;

namespace SesConsole.Web.Features.Identities;

/// <summary>Bound from the <c>Identities</c> configuration section.</summary>
public sealed class IdentitiesOptions
{
    public const string SectionName = "Identities";

    /// <summary>SES's quota: 10,000 identities per account and region.</summary>
    public const int DefaultMaxIdentitiesPerRegion = 10_000;

    /// <summary>How many identities (addresses and domains together) one account may have in one region. Defaults to
    /// 10,000, as in SES.</summary>
    public int MaxIdentitiesPerRegion { get; set; } = DefaultMaxIdentitiesPerRegion;

    /// <summary>How often <see cref="IdentityRecheckWorker"/> runs; zero or less turns it off. Defaults to 5 minutes.</summary>
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// Serializes identity creation per account and region, so the quota check (a count) and the insert cannot interleave:
/// without it, ten parallel creates at 9,999 would all see room and store 10,009. Inside this process a semaphore per
/// account and region does it; in cluster mode the create also runs in a transaction that first locks the account's
/// <c>QuotaCounters</c> row of that region, so creates on other nodes wait for it too
/// (docs/cluster-coordination.md#identity-limit).
/// </summary>
/// <remarks>
/// Semaphores are created on first use and kept (one per account and region that ever created an identity: a few
/// bytes each). The semaphore stays in cluster mode: creates on one node queue in memory, not on the row lock.
/// </remarks>
public sealed class IdentityCreationGate(ClusterMode cluster, IDbContextFactory<ConsoleDbContext> dbFactory)
{
    private readonly ConcurrentDictionary<(string Account, string Region), SemaphoreSlim> _locks = new();

    /// <summary>
    /// Waits for the account's region. In cluster mode it also begins a transaction on <paramref name="db"/> whose first
    /// write locks the (account, region) <c>QuotaCounters</c> row (created first when missing): count, insert and save on
    /// <paramref name="db"/>, then <see cref="IdentityCreationScope.CommitAsync"/>. Disposing the result without committing
    /// rolls back and lets the next create in.
    /// </summary>
    public async Task<IdentityCreationScope> EnterAsync(ConsoleDbContext db, string accountId, string region, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var gate = _locks.GetOrAdd((accountId, region), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            if (!cluster.Enabled)
            {
                return new IdentityCreationScope(gate, null);
            }

            await EnsureCounterAsync(accountId, region, ct);
            var transaction = await db.Database.BeginTransactionAsync(ct);
            try
            {
                // The row lock (SQLite: the database's write lock) is held until the commit or rollback.
                var locked = await db.QuotaCounters.Where(q => q.AccountId == accountId && q.Region == region)
                    .ExecuteUpdateAsync(u => u.SetProperty(q => q.Version, q => q.Version + 1), ct);
                if (locked != 1)
                {
                    throw new InvalidOperationException($"The quota row of account {accountId} in {region} is missing (account deleted?).");
                }

                return new IdentityCreationScope(gate, transaction);
            }
            catch
            {
                await transaction.DisposeAsync();
                throw;
            }
        }
        catch
        {
            gate.Release();
            throw;
        }
    }

    /// <summary>
    /// Inserts the (account, region) row when it is missing, on its own connection and outside the create's transaction
    /// (an insert that loses a race fails on the key, which on PostgreSQL would abort the transaction). A new row's
    /// token bucket is dated long ago, so whoever reads it as a send-rate bucket finds it full.
    /// </summary>
    private async Task EnsureCounterAsync(string accountId, string region, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.QuotaCounters.AnyAsync(q => q.AccountId == accountId && q.Region == region, ct))
        {
            return;
        }

        db.QuotaCounters.Add(new QuotaCounterEntity { AccountId = accountId, Region = region, TokensAt = DateTimeOffset.UnixEpoch });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another node (or the quota) created it meanwhile; the lock below finds it. A deleted account fails there.
        }
    }
}

/// <summary>Held while one identity is created (see <see cref="IdentityCreationGate.EnterAsync"/>).</summary>
public sealed class IdentityCreationScope(SemaphoreSlim gate, IDbContextTransaction? transaction) : IAsyncDisposable
{
    private int _released;

    /// <summary>Commits the create's transaction (cluster mode); nothing to do in single-node mode.</summary>
    public async Task CommitAsync(CancellationToken ct)
    {
        if (transaction is not null)
        {
            await transaction.CommitAsync(ct);
        }
    }

    /// <summary>Rolls back what was not committed and lets the next create in.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }

        try
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync();
            }
        }
        finally
        {
            gate.Release();
        }
    }
}
