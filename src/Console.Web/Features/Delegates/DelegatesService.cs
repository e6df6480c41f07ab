using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Policies;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Reputation;
using SesConsole.Web.Features.Policies;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Features.Reputation;

namespace SesConsole.Web.Features.Delegates;

/// <summary>One row of the Delegates tab: the grant, its account's name where known, and its recent sends as the identity.</summary>
/// <param name="AccountName">The display name of the delegate's account, when it is an account of this installation.</param>
/// <param name="Activity">What the delegate's account sent as this identity over the window; null for services and everyone.</param>
public sealed record DelegateRow(DelegateGrant Grant, string? AccountName, ReputationFigures? Activity);

/// <summary>The Delegates tab of one identity (docs/delegates.md).</summary>
/// <param name="PolicyNames">The identity's policies, for "add to an existing policy".</param>
/// <param name="ActivityError">Why the activity could not be read, or null.</param>
public sealed record DelegatesView(
    string IdentityName, string IdentityArn, string OwnerAccountId, IReadOnlyList<DelegateRow> Rows, IReadOnlyList<string> PolicyNames, TimeSpan Window, string? ActivityError);

/// <summary>
/// The Delegates tab's reads and writes (docs/delegates.md): the grants read from the identity's saved policies
/// (through <see cref="IdentityPoliciesService"/>, so only the owner's account sees them), each delegate's activity from
/// the reputation dashboards' per-account figures, and the changes planned by <see cref="DelegateEditor"/> and saved
/// through <see cref="IdentityPoliciesService"/> (the editor's path: validation, root only, caches).
/// </summary>
public sealed class DelegatesService(
    IdentityPoliciesService policies, PrincipalDirectoryLoader directoryLoader, ReputationDashboardService reputation, IDbContextFactory<ConsoleDbContext> dbFactory)
{
    public async Task<Result<DelegatesView>> GetAsync(Caller caller, string region, string identityName, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var list = await policies.ListAsync(caller, region, identityName, ct);
        if (!list.IsSuccess)
        {
            return list.Error;
        }

        var identity = list.Value;
        var arn = IdentityArn.Parse(identity.IdentityArn).GetValueOrThrow();
        var grants = DelegateGrants.Read(identity.Policies.Select(p => (p.Name, p.Document)), arn);
        var accounts = grants.Select(g => g.AccountId).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var names = await db.Accounts.AsNoTracking().Where(a => accounts.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.DisplayName, StringComparer.Ordinal, ct);
        var activity = await reputation.GetIdentityAsync(caller, identity.IdentityArn, ct);
        var figures = activity.Value?.Senders.ToDictionary(s => s.Key, s => s.Figures, StringComparer.Ordinal) ?? [];
        var rows = grants.Select(g => new DelegateRow(g, g.AccountId is { } a ? names.GetValueOrDefault(a) : null,
            g.AccountId is { } id && activity.IsSuccess ? figures.GetValueOrDefault(id) ?? ReputationFigures.Empty(0) : null)).ToList();
        return new DelegatesView(identity.IdentityName, identity.IdentityArn, identity.OwnerAccountId, rows,
            [.. identity.Policies.Select(p => p.Name)], activity.Value?.Window ?? TimeSpan.FromDays(14), activity.Error?.Message);
    }

    /// <summary>The change "Add a delegate" would make to <paramref name="policyName"/> (not saved).</summary>
    public async Task<Result<DelegatePolicyChange>> PlanAddAsync(Caller caller, string region, string identityName, string policyName, DelegateRequest request, CancellationToken ct = default)
    {
        var list = await policies.ListAsync(caller, region, identityName, ct);
        if (!list.IsSuccess)
        {
            return list.Error;
        }

        var arn = IdentityArn.Parse(list.Value.IdentityArn).GetValueOrThrow();
        return DelegateEditor.Add([.. list.Value.Policies.Select(p => (p.Name, p.Document))], policyName, request, arn, await directoryLoader.LoadAsync(ct));
    }

    /// <summary>The changes revoking the delegate keyed <paramref name="key"/> would make (not saved).</summary>
    public async Task<Result<IReadOnlyList<DelegatePolicyChange>>> PlanRevokeAsync(Caller caller, string region, string identityName, string key, bool denyFromNowOn, CancellationToken ct = default)
    {
        var list = await policies.ListAsync(caller, region, identityName, ct);
        if (!list.IsSuccess)
        {
            return list.Error;
        }

        var arn = IdentityArn.Parse(list.Value.IdentityArn).GetValueOrThrow();
        return DelegateEditor.Revoke([.. list.Value.Policies.Select(p => (p.Name, p.Document))], key, denyFromNowOn, arn, await directoryLoader.LoadAsync(ct));
    }

    /// <summary>
    /// Saves planned changes through <see cref="IdentityPoliciesService"/>, one policy at a time; refuses when a policy
    /// changed since it was planned (docs/delegates.md#revoking). Stops at the first failure.
    /// </summary>
    public async Task<Result> ApplyAsync(Caller caller, string region, string identityName, IReadOnlyList<DelegatePolicyChange> changes, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var current = await policies.ListAsync(caller, region, identityName, ct);
        if (!current.IsSuccess)
        {
            return current.Error;
        }

        foreach (var change in changes)
        {
            var now = current.Value.Policies.FirstOrDefault(p => p.Name == change.PolicyName)?.Document;
            if (now != change.Before)
            {
                return new Error("delegate.stale", $"Policy {change.PolicyName} changed since this change was prepared; nothing was saved from here on. Reload and try again.");
            }

            Result saved = change switch
            {
                { Deletes: true } => await policies.DeleteAsync(caller, region, identityName, change.PolicyName, ct),
                { Creates: true } => ToResult(await policies.CreateAsync(caller, region, identityName, change.PolicyName, change.After, ct)),
                _ => ToResult(await policies.UpdateAsync(caller, region, identityName, change.PolicyName, change.After, ct)),
            };
            if (!saved.IsSuccess)
            {
                return saved;
            }
        }

        return Result.Success();
    }

    private static Result ToResult(Result<PolicySaved> saved) => saved.IsSuccess ? Result.Success() : saved.Error;
}
