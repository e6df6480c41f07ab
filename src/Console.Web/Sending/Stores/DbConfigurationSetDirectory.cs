using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Domain.Sending;

namespace SesConsole.Web.Sending.Stores;

/// <summary>
/// The send pipeline's configuration-set port, held in <see cref="SendingReadCache"/>: an account's set names in a region
/// (family <see cref="SendingData.ConfigurationSets"/>, dropped by a saved change to a set or its destinations) and its
/// identities' default sets (family <see cref="SendingData.Identities"/>, dropped by a saved change to an identity).
/// </summary>
public sealed class DbConfigurationSetDirectory(IDbContextFactory<ConsoleDbContext> dbFactory, SendingReadCache cache) : IConfigurationSetDirectory
{
    public async ValueTask<bool> ExistsAsync(string account, string region, string name, CancellationToken cancellationToken)
    {
        var names = await cache.GetAsync(SendingData.ConfigurationSets, new Key(account, region), LoadAsync, cancellationToken);
        return names.Contains(name);
    }

    public async ValueTask<IReadOnlyDictionary<string, string>> GetIdentityDefaultsAsync(string account, string region, CancellationToken cancellationToken) =>
        await cache.GetAsync(SendingData.Identities, new DefaultsKey(account, region), LoadDefaultsAsync, cancellationToken);

    private async Task<HashSet<string>> LoadAsync(Key key, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var names = await db.ConfigurationSets.AsNoTracking().Where(c => c.AccountId == key.Account && c.Region == key.Region)
            .Select(c => c.Name).ToListAsync(ct);
        return new HashSet<string>(names, StringComparer.Ordinal);
    }

    private async Task<IReadOnlyDictionary<string, string>> LoadDefaultsAsync(DefaultsKey key, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.SendingIdentities.AsNoTracking()
            .Where(i => i.AccountId == key.Account && i.Region == key.Region && i.DefaultConfigurationSetName != null)
            .Select(i => new { i.Name, Set = i.DefaultConfigurationSetName! }).ToListAsync(ct);
        return rows.ToDictionary(r => r.Name, r => r.Set, StringComparer.Ordinal);
    }

    /// <summary>Keys of their own types, so they never meet other entries of the same family.</summary>
    private sealed record Key(string Account, string Region);

    private sealed record DefaultsKey(string Account, string Region);
}
