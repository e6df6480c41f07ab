using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Principals;
using SesConsole.Web.Hosting;

namespace SesConsole.Web.Features.Principals;

/// <summary>
/// Loads the principal registry (accounts, IAM users and roles, configured services) that policy validation checks
/// principals against (docs/ses-behaviour.md#principals: principals must exist at save time). A loaded snapshot is immutable and thread-safe.
/// </summary>
public sealed class PrincipalDirectoryLoader(IDbContextFactory<ConsoleDbContext> dbFactory, IOptions<ConsoleOptions> options)
{
    public async Task<IPrincipalDirectory> LoadAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var accounts = await db.Accounts.AsNoTracking().Select(a => a.Id).ToListAsync(ct);
        var principals = await db.IamPrincipals.AsNoTracking().Select(p => new { p.AccountId, p.Type, p.Name }).ToListAsync(ct);
        return new Snapshot(
            accounts.ToHashSet(StringComparer.Ordinal),
            principals.Select(p => $"{p.AccountId}:{(p.Type == IamPrincipalType.User ? "user" : "role")}/{p.Name}").ToHashSet(StringComparer.Ordinal),
            options.Value.ServicePrincipals.ToHashSet(StringComparer.Ordinal));
    }

    private sealed class Snapshot(HashSet<string> accounts, HashSet<string> principals, HashSet<string> services) : IPrincipalDirectory
    {
        public bool AccountExists(AccountId account) => accounts.Contains(account.Value);

        public bool PrincipalExists(PrincipalArn arn) => arn.Kind switch
        {
            PrincipalKind.AccountRoot => accounts.Contains(arn.Account.Value),
            PrincipalKind.User => principals.Contains($"{arn.Account.Value}:user/{arn.Name}"),
            PrincipalKind.Role or PrincipalKind.AssumedRole => principals.Contains($"{arn.Account.Value}:role/{arn.Name}"),
            _ => false,
        };

        public bool IsKnownService(string service) => services.Contains(service);
    }
}
