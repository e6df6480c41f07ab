using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Domain.Sending;

namespace SesConsole.Web.Sending.Stores;

/// <summary>
/// The send pipeline's configuration-set port: an account's set names in a region, held in <see cref="SendingReadCache"/>
/// with the accounts' settings (a saved change to a set drops them).
/// </summary>
public sealed class DbConfigurationSetDirectory(IDbContextFactory<ConsoleDbContext> dbFactory, SendingReadCache cache) : IConfigurationSetDirectory
{
    public async ValueTask<bool> ExistsAsync(string account, string region, string name, CancellationToken cancellationToken)
    {
        var names = await cache.GetAsync(SendingData.Accounts, new Key(account, region), LoadAsync, cancellationToken);
        return names.Contains(name);
    }

    private async Task<HashSet<string>> LoadAsync(Key key, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var names = await db.ConfigurationSets.AsNoTracking().Where(c => c.AccountId == key.Account && c.Region == key.Region)
            .Select(c => c.Name).ToListAsync(ct);
        return new HashSet<string>(names, StringComparer.Ordinal);
    }

    /// <summary>A key of its own type, so it never meets the accounts' settings keyed by account ID in the same family.</summary>
    private sealed record Key(string Account, string Region);
}
