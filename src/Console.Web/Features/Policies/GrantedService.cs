using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Domain.Authorization;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Policies;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Principals;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Sending.Stores;

namespace SesConsole.Web.Features.Policies;

/// <summary>One statement that can let the viewer send, in words: effect, actions, conditions (never the policy text).</summary>
public sealed record GrantRule(PolicyEffect Effect, IReadOnlyList<string> Actions, IReadOnlyList<string> Conditions);

/// <summary>An identity of some owner whose policies can allow the viewer to send; <paramref name="OwnerName"/> is the owner account's display name.</summary>
public sealed record GrantedIdentity(string IdentityName, string IdentityArn, string OwnerAccountId, string OwnerName, string Region, IReadOnlyList<GrantRule> Rules);

/// <summary>
/// The delegate's side: every identity (any owner, one region) whose sending authorization policies name the signed-in
/// account or IAM user for at least one send action, with what applies to the viewer in plain words, and a
/// "can I send this?" check through both sides of the engine.
/// </summary>
public sealed class GrantedService(IDbContextFactory<ConsoleDbContext> dbFactory, PolicySimulator simulator, TimeProvider time)
{
    public async Task<Result<IReadOnlyList<GrantedIdentity>>> ListAsync(Caller caller, string region, CancellationToken ct = default)
    {
        var me = WhoAmI(caller);
        if (me is null)
        {
            return new Error("auth.no_account", "This sign-in does not belong to an account.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var resolved = await PolicySimulator.ResolvePrincipalAsync(db, me, ct);
        if (!resolved.IsSuccess)
        {
            return resolved.Error;
        }

        var identities = await db.SendingIdentities.AsNoTracking().Include(i => i.Policies)
            .Where(i => i.Region == region && (i.VerificationStatus == VerificationStatus.Success || i.VerificationStatus == VerificationStatus.TemporaryFailure) && i.Policies.Any())
            .ToListAsync(ct);
        var now = time.GetUtcNow();
        var ownerIds = identities.Select(i => i.AccountId).Distinct().ToList();
        var owners = await db.Accounts.AsNoTracking().Where(a => ownerIds.Contains(a.Id))
            .ToDictionaryAsync(a => a.Id, a => a.DisplayName, StringComparer.Ordinal, ct);
        var result = new List<GrantedIdentity>();
        foreach (var identity in identities.Where(i => new VerificationState(i.VerificationStatus, i.VerificationStatusSince).CanSendAt(now)).OrderBy(i => i.Name, StringComparer.Ordinal))
        {
            // As a send evaluates them: principals as checked when saved, so one deleted since keeps its statements (Denies included).
            var rules = Rules(resolved.Value.Principal, identity.Arn, identity.Policies.Select(p => (p.Name, p.Document)), SavedPrincipals.Instance);
            if (rules.Any(r => r.Effect == PolicyEffect.Allow))
            {
                result.Add(new GrantedIdentity(identity.Name, identity.Arn, identity.AccountId, owners.GetValueOrDefault(identity.AccountId, identity.AccountId), identity.Region, rules));
            }
        }

        return result;
    }

    /// <summary>"Can I send this?": the viewer's send through the owner's stored policies and the viewer's own IAM policies.</summary>
    public async Task<Result<SimulationResult>> CheckAsync(Caller caller, string region, string identityArn, SimulationInput input, CancellationToken ct = default)
    {
        var me = WhoAmI(caller);
        if (me is null)
        {
            return new Error("auth.no_account", "This sign-in does not belong to an account.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var identity = await db.SendingIdentities.AsNoTracking().Include(i => i.Policies)
            .Where(i => i.Region == region && i.Policies.Any()).ToListAsync(ct);
        var target = identity.FirstOrDefault(i => i.Arn == identityArn);
        if (target is null)
        {
            return new Error("granted.not_found", "That identity grants you nothing in this region.");
        }

        input.Principal = me;
        var simulated = await simulator.SimulateAsync(target.Arn, target.Policies.Select(p => (p.Name, p.Document)).ToList(), input, stored: true, ct);
        if (!simulated.IsSuccess)
        {
            return simulated.Error;
        }

        // Only what applies to the viewer: drop statements that do not name it and policy names.
        var mine = simulated.Value.Statements
            .Where(s => s.PrincipalMatched)
            .Select(s => s with { PolicyName = "", Line = 0 }).ToList();
        return simulated.Value with { Statements = mine, Summary = Summary(simulated.Value) };
    }

    private static string Summary(SimulationResult r) => r.Decision switch
    {
        Decision.Allow => "Yes: the owner's policies allow this send" + (r.DelegateSide is null ? "." : ", and so do your own IAM policies."),
        Decision.ExplicitDeny => "No: an explicit Deny applies to this send.",
        _ => r.DelegateSide is not null && r.DelegateSide.Contains("not allowed", StringComparison.OrdinalIgnoreCase)
            ? "No: your own IAM policies do not allow this send."
            : "No: nothing allows this send (see the conditions).",
    };

    private static string? WhoAmI(Caller caller) =>
        caller.AccountId is null ? null : caller.IamPrincipalId is null ? caller.AccountId : caller.PrincipalArn ?? caller.AccountId;

    /// <summary>The statements of <paramref name="policies"/> that name <paramref name="principal"/> for a send action.</summary>
    internal static IReadOnlyList<GrantRule> Rules(RequestPrincipal principal, string identityArn, IEnumerable<(string Name, string Document)> policies, IPrincipalDirectory directory)
    {
        var arn = IdentityArn.Parse(identityArn).GetValueOrThrow();
        var rules = new List<GrantRule>();
        foreach (var (name, document) in policies)
        {
            var compiled = PolicyCompiler.Compile(name, PolicyValidator.ValidateResourcePolicy(document, arn, directory));
            if (!compiled.IsSuccess)
            {
                continue;
            }

            var set = new CompiledPolicySet([compiled.Value]);
            var byStatement = new Dictionary<int, List<string>>();
            foreach (var action in PolicyCatalog.SendActions)
            {
                var explanation = PolicyEvaluator.Explain(new AuthorizationRequest(principal, action, identityArn), set);
                foreach (var s in explanation.Statements.Where(s => s.PrincipalMatched && s.ActionMatched && s.ResourceMatched))
                {
                    (byStatement.TryGetValue(s.Statement.Index, out var list) ? list : byStatement[s.Statement.Index] = []).Add(action);
                }
            }

            foreach (var (index, actions) in byStatement.OrderBy(kv => kv.Key))
            {
                var statement = compiled.Value.Document.Statements[index];
                rules.Add(new GrantRule(statement.ParsedEffect ?? PolicyEffect.Allow, actions, statement.Conditions.Select(PolicyWords.Condition).ToList()));
            }
        }

        return rules;
    }
}
