using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace SesConsole.Web.Sending;

/// <summary>The families of rows the send path reads on every message; a change to one drops that family's cache.</summary>
[Flags]
public enum SendingData
{
    None = 0,

    /// <summary>Sending identities, their DKIM keys and their sending authorization policies.</summary>
    Identities = 1,

    /// <summary>Accounts: sandbox, sending enabled, quota, rate, organization.</summary>
    Accounts = 2,

    /// <summary>IAM users and roles and their identity-based policies (the delegate side).</summary>
    Iam = 4,

    /// <summary>Accounts' suppression lists.</summary>
    Suppression = 8,

    /// <summary>
    /// Access keys with their clear secrets (what SigV4 verification reads on every API call). A key belongs to an
    /// account and maybe an IAM user, so dropping <see cref="Accounts"/> or <see cref="Iam"/> drops the keys too.
    /// </summary>
    AccessKeys = 16,

    /// <summary>Configuration sets and their event destinations (docs/configuration-sets.md#event-destinations).</summary>
    ConfigurationSets = 32,

    All = Identities | Accounts | Iam | Suppression | AccessKeys | ConfigurationSets,
}

/// <summary>Configuration of <see cref="SendingReadCache"/> (section <c>Sending:ReadCache</c>).</summary>
public sealed class SendingReadCacheOptions
{
    public const string SectionName = "Sending:ReadCache";

    /// <summary>
    /// The longest an entry is trusted. Writes made through this process drop the entries they affect at once; the
    /// lifetime only bounds how long a write made elsewhere (a second instance, SQL by hand) goes unseen. Defaults to
    /// 10 seconds; zero turns the cache off (every send reads the database).
    /// </summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>An account's suppression list is held in memory up to this many addresses; a longer one is queried per send.</summary>
    public int MaxSuppressionEntries { get; set; } = 50_000;
}

/// <summary>
/// Read-through cache of what every send reads but rarely changes: an account's identities with their compiled
/// policies, the owner's parsed DKIM signer, account settings, a caller's identity-based policies and an account's
/// suppression list. Without it a send made about a dozen queries and re-validated every policy it evaluated.
/// <para>
/// Correctness rests on invalidation, not on the lifetime: <see cref="SendingCacheInvalidation"/> drops a family as
/// soon as a change to it is saved (or its transaction commits), and the few bulk deletes call <see cref="Invalidate"/>.
/// Each family carries a version, and a load that raced with a change is not kept, so a revoked policy or a paused
/// account applies to the very next message.
/// </para>
/// </summary>
public sealed class SendingReadCache
{
    private readonly Family[] _families;

    public SendingReadCache(TimeProvider time, IOptions<SendingReadCacheOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Value;
        _families = [new(time, Options.Lifetime), new(time, Options.Lifetime), new(time, Options.Lifetime), new(time, Options.Lifetime), new(time, Options.Lifetime),
            new(time, Options.Lifetime)];
    }

    public SendingReadCacheOptions Options { get; }

    /// <summary>The cached value of <paramref name="key"/> in <paramref name="family"/>, loading it on a miss.</summary>
    public ValueTask<TValue> GetAsync<TKey, TValue>(SendingData family, TKey key, Func<TKey, CancellationToken, Task<TValue>> load, CancellationToken ct)
        where TKey : notnull =>
        FamilyOf(family).GetAsync(key, load, ct);

    /// <summary>Drops every cached entry of the given families (after a write the interceptor cannot see, such as a bulk delete).</summary>
    public void Invalidate(SendingData families)
    {
        if ((families & (SendingData.Accounts | SendingData.Iam)) != 0)
        {
            families |= SendingData.AccessKeys; // a deleted account or user takes its keys with it (cascade)
        }

        for (var i = 0; i < _families.Length; i++)
        {
            if (((int)families & (1 << i)) != 0)
            {
                _families[i].Invalidate();
            }
        }
    }

    private Family FamilyOf(SendingData family) => family switch
    {
        SendingData.Identities => _families[0],
        SendingData.Accounts => _families[1],
        SendingData.Iam => _families[2],
        SendingData.Suppression => _families[3],
        SendingData.AccessKeys => _families[4],
        SendingData.ConfigurationSets => _families[5],
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "Exactly one family."),
    };

    private sealed class Family(TimeProvider time, TimeSpan lifetime)
    {
        private readonly ConcurrentDictionary<object, Entry> _entries = new();
        private long _version;

        public async ValueTask<TValue> GetAsync<TKey, TValue>(TKey key, Func<TKey, CancellationToken, Task<TValue>> load, CancellationToken ct)
            where TKey : notnull
        {
            if (lifetime <= TimeSpan.Zero)
            {
                return await load(key, ct);
            }

            var version = Volatile.Read(ref _version);
            if (_entries.TryGetValue(key, out var entry) && entry.Version == version && time.GetElapsedTime(entry.LoadedAt) < lifetime)
            {
                return (TValue)entry.Value!;
            }

            var started = time.GetTimestamp();
            var value = await load(key, ct);
            if (Volatile.Read(ref _version) == version)
            {
                // A change saved while this load ran bumped the version: the value may predate it, so it is not kept.
                _entries[key] = new Entry(value, version, started);
            }

            return value;
        }

        public void Invalidate()
        {
            Interlocked.Increment(ref _version);
            _entries.Clear();
        }

        private sealed record Entry(object? Value, long Version, long LoadedAt);
    }
}
