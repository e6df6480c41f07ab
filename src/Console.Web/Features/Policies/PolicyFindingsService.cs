using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Domain.Authorization;
using SesConsole.Domain.Policies;
using SesConsole.Domain.Primitives;
using SesConsole.Web.Features.Principals;

namespace SesConsole.Web.Features.Policies;

/// <summary>The findings of one identity's policies, with how much history the usage findings saw.</summary>
public sealed record IdentityFindings(string AccountId, string Region, string IdentityName, int PolicyCount, int WindowAttempts, TimeSpan Window, IReadOnlyList<PolicyFinding> Findings)
{
    /// <summary>The editor at the finding's statement (docs/policy-editor.md#findings): <c>?statement=Sid</c>, or <c>?line=n</c> without a Sid.</summary>
    public string EditorHref(PolicyFinding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        var at = finding.Sid is { Length: > 0 } sid ? $"statement={Uri.EscapeDataString(sid)}" : $"line={finding.Line}";
        return $"/identities/{Uri.EscapeDataString(IdentityName)}/policies/{Uri.EscapeDataString(finding.PolicyName)}?region={Uri.EscapeDataString(Region)}&{at}";
    }
}

/// <summary>
/// Findings on sending authorization policies (docs/policy-editor.md#findings): <see cref="PolicyFindings"/> over each
/// identity's saved policies, with the usage of each statement from the window's attempts replayed against them.
/// Owners see their account's identities (every region); an admin without an account sees every account's.
/// </summary>
public sealed class PolicyFindingsService(IDbContextFactory<ConsoleDbContext> dbFactory, ReplayHistory history, PrincipalDirectoryLoader directoryLoader)
{
    /// <summary>One identity of the caller's account.</summary>
    public async Task<Result<IdentityFindings>> ForIdentityAsync(Caller caller, string region, string identityName, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var exists = caller.AccountId is not null && await db.SendingIdentities.AsNoTracking()
                .AnyAsync(i => i.AccountId == caller.AccountId && i.Region == region && i.Name == identityName, ct);
            if (!exists)
            {
                return new Error("identity.not_found", $"Identity {identityName} does not exist in {region} in your account.");
            }
        }

        var found = await ForOwnerRegionAsync(caller.AccountId!, region, identityName, ct);
        return found.Count > 0 ? found[0] : new IdentityFindings(caller.AccountId!, region, identityName, 0, 0, TimeSpan.Zero, []);
    }

    /// <summary>Every identity with policies the caller may see, most severe findings first.</summary>
    public async Task<IReadOnlyList<IdentityFindings>> ForCallerAsync(Caller caller, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.AccountId is null && !caller.IsAdmin)
        {
            return [];
        }

        List<(string AccountId, string Region)> scopes;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var withPolicies = db.SendingIdentities.AsNoTracking().Where(i => db.IdentityPolicies.Any(p => p.IdentityId == i.Id));
            if (caller.AccountId is not null)
            {
                withPolicies = withPolicies.Where(i => i.AccountId == caller.AccountId);
            }

            scopes = (await withPolicies.Select(i => new { i.AccountId, i.Region }).Distinct().ToListAsync(ct))
                .Select(s => (s.AccountId, s.Region)).ToList();
        }

        var result = new List<IdentityFindings>();
        foreach (var (account, region) in scopes.OrderBy(s => s.AccountId, StringComparer.Ordinal).ThenBy(s => s.Region, StringComparer.Ordinal))
        {
            result.AddRange(await ForOwnerRegionAsync(account, region, null, ct));
        }

        return result.OrderByDescending(f => f.Findings.Count == 0 ? -1 : (int)f.Findings.Max(x => x.Severity))
            .ThenBy(f => f.AccountId, StringComparer.Ordinal).ThenBy(f => f.Region, StringComparer.Ordinal).ThenBy(f => f.IdentityName, StringComparer.Ordinal).ToList();
    }

    private async Task<IReadOnlyList<IdentityFindings>> ForOwnerRegionAsync(string account, string region, string? only, CancellationToken ct)
    {
        var owner = await history.LoadAsync(account, region, only, ct);
        var directory = await directoryLoader.LoadAsync(ct);
        var result = new List<IdentityFindings>();
        foreach (var identity in owner.Identities.Where(i => i.Compiled.Count > 0 && (only is null || i.Name == only)))
        {
            // The attempts these policies decided: the scope is the same before and after (nothing is being changed).
            var attempts = owner.Attempts(address =>
            {
                var selected = IdentityPolicySelector.Select(owner.Identities, i => i.Name, i => i.PolicyCount, address);
                return selected.IsSuccess && selected.Value.Name == identity.Name ? new ReplayScope(identity.Arn, identity.Set, identity.Arn, identity.Set) : null;
            });
            var usage = PolicyFindings.Usage(attempts, identity.Arn, identity.Set);
            var findings = PolicyFindings.Analyze(identity.Compiled, directory, usage, attempts.Count);
            result.Add(new IdentityFindings(account, region, identity.Name, identity.Compiled.Count, attempts.Count, owner.Window, findings));
        }

        return result;
    }
}
