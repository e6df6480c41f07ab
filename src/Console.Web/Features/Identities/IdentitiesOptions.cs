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
/// Serializes identity creation per account and region inside this process, so the quota check (a count) and the insert
/// cannot interleave: without it, ten parallel creates at 9,999 would all see room and store 10,009.
/// </summary>
/// <remarks>
/// One console process owns the database (SQLite has one writer); several processes sharing a SQL Server database
/// would need a database-side guard as well. Semaphores are created on first use and kept (one per account and region
/// that ever created an identity: a few bytes each).
/// </remarks>
public sealed class IdentityCreationGate
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Account, string Region), SemaphoreSlim> _locks = new();

    /// <summary>Waits for the account's region; dispose the result to let the next create in.</summary>
    public async Task<IDisposable> EnterAsync(string accountId, string region, CancellationToken ct)
    {
        var gate = _locks.GetOrAdd((accountId, region), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        return new Releaser(gate);
    }

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
