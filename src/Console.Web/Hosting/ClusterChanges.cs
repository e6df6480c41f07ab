using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Web.Sending;

namespace SesConsole.Web.Hosting;

/// <summary>
/// Tells the other console nodes that cached rows changed (docs/cluster-coordination.md#cache-invalidation): after a
/// change to a <see cref="SendingData"/> family commits, its row in <c>ChangeCounters</c> is incremented, and every node's
/// <see cref="ClusterChangeWatcher"/> drops the families whose version moved. In single-node mode every method is a
/// no-op beyond the local invalidation: no query, no write.
/// </summary>
/// <remarks>
/// The database is reached through the service provider on first use: this service sits behind the save interceptor
/// (<see cref="SendingCacheInvalidation"/>), which the context factory itself is built with.
/// </remarks>
public sealed class ClusterChanges(ClusterMode cluster, SendingReadCache cache, IServiceProvider services, ILogger<ClusterChanges> logger)
{
    /// <summary>The families one at a time, as <c>ChangeCounters.Family</c> names them.</summary>
    public static readonly IReadOnlyList<SendingData> Families =
        [SendingData.Identities, SendingData.Accounts, SendingData.Iam, SendingData.Suppression, SendingData.AccessKeys, SendingData.ConfigurationSets];

    private IDbContextFactory<ConsoleDbContext>? _dbFactory;

    public bool Enabled => cluster.Enabled;

    private IDbContextFactory<ConsoleDbContext> DbFactory => _dbFactory ??= services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>();

    /// <summary>
    /// Drops <paramref name="families"/> from this process's <see cref="SendingReadCache"/> and, in cluster mode, tells the
    /// other nodes: for a committed write the save interceptor cannot see (a bulk <c>ExecuteDelete</c>).
    /// </summary>
    public async ValueTask InvalidateAsync(SendingData families)
    {
        cache.Invalidate(families);
        await PublishAsync(families);
    }

    /// <summary>
    /// Increments the change counters of <paramref name="families"/> (cluster mode only; call it after the change
    /// committed). Not cancellable, since the change it announces is already saved; never throws: a lost increment only
    /// leaves the other nodes on their cache lifetime.
    /// </summary>
    public async ValueTask PublishAsync(SendingData families)
    {
        if (!cluster.Enabled || families == SendingData.None)
        {
            return;
        }

        try
        {
            await using var db = await DbFactory.CreateDbContextAsync();
            foreach (var family in Split(families))
            {
                await IncrementAsync(db, family.ToString());
            }
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not increment the change counter of {Families}; other nodes see the change within Sending:ReadCache:Lifetime.", families);
        }
    }

    /// <summary><see cref="PublishAsync"/> for the synchronous save and commit paths.</summary>
    public void Publish(SendingData families)
    {
        if (cluster.Enabled && families != SendingData.None)
        {
            PublishAsync(families).AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Every family's version (one small query); a family that never changed has no row.</summary>
    public async Task<Dictionary<string, long>> ReadAsync(CancellationToken ct)
    {
        await using var db = await DbFactory.CreateDbContextAsync(ct);
        return await db.ChangeCounters.AsNoTracking().ToDictionaryAsync(c => c.Family, c => c.Version, StringComparer.Ordinal, ct);
    }

    /// <summary>The single families in <paramref name="families"/>.</summary>
    public static IEnumerable<SendingData> Split(SendingData families) => Families.Where(f => (families & f) != 0);

    /// <summary>
    /// <c>UPDATE ChangeCounters SET Version = Version + 1 WHERE Family = @f</c>; when no row was there yet, inserts it
    /// (version 1). Two nodes inserting at once: the loser's insert fails on the key and its update then succeeds.
    /// </summary>
    private static async Task IncrementAsync(ConsoleDbContext db, string family)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await db.ChangeCounters.Where(c => c.Family == family).ExecuteUpdateAsync(u => u.SetProperty(c => c.Version, c => c.Version + 1)) > 0)
            {
                return;
            }

            var row = new ChangeCounterEntity { Family = family, Version = 1 };
            db.ChangeCounters.Add(row);
            try
            {
                await db.SaveChangesAsync();
                return;
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Another node inserted it first: update that row.
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }
    }
}
