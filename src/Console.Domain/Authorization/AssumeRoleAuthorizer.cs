using SesConsole.Domain.Policies;
using SesConsole.Domain.Principals;

namespace SesConsole.Domain.Authorization;

/// <summary>
/// The decision on an STS <c>AssumeRole</c> request: the role's trust policy and the caller's identity-based policies,
/// combined as IAM combines them for roles (docs/sts.md).
/// </summary>
/// <param name="Decision">The final decision.</param>
/// <param name="TrustSide">The role's trust policy.</param>
/// <param name="IdentitySide">The caller's identity-based policies (for a session, its role's); an implicit Allow for an account root.</param>
/// <param name="IsCrossAccount">Whether the caller's account differs from the role's.</param>
/// <param name="TrustNamesCaller">Whether an applicable Allow of the trust policy names the caller itself (not only its account).</param>
/// <param name="IdentitySideIsImplicit">True when the caller is an account root: its own side always allows.</param>
public sealed record AssumeRoleAuthorizationResult(
    Decision Decision,
    AuthorizationDecision TrustSide,
    AuthorizationDecision IdentitySide,
    bool IsCrossAccount,
    bool TrustNamesCaller,
    bool IdentitySideIsImplicit)
{
    public bool IsAllowed => Decision == Decision.Allow;

    /// <summary>One sentence that says which side decided and why.</summary>
    public string Describe()
    {
        var lead = Decision switch
        {
            Decision.Allow when IsCrossAccount => "Allowed: cross-account, the role's trust policy and the caller's own policies both allow.",
            Decision.Allow when TrustNamesCaller => "Allowed: the role's trust policy names the caller.",
            Decision.Allow => "Allowed: the trust policy trusts the caller's account and the caller's own policies allow sts:AssumeRole on the role.",
            Decision.ExplicitDeny => "Denied: an explicit Deny in the trust policy or the caller's own policies wins.",
            _ when !TrustSide.IsAllowed => "Denied: the role's trust policy does not allow the caller.",
            _ when IsCrossAccount => "Denied: cross-account, the caller's own policies must also allow sts:AssumeRole on the role.",
            _ => "Denied: the trust policy trusts only the caller's account, so the caller's own policies must also allow sts:AssumeRole on the role.",
        };
        var identity = IdentitySideIsImplicit ? "the account root needs no identity-based policy." : IdentitySide.Describe();
        return $"{lead} Trust policy: {TrustSide.Describe()} Caller's policies: {identity}";
    }
}

/// <summary>
/// IAM's rules for <c>sts:AssumeRole</c> (docs/sts.md): an explicit Deny on either side denies; the trust policy must
/// allow. In the role's own account that is enough when the allowing statement names the caller (its user ARN, its
/// session's or role's ARN, or <c>"*"</c>); when it names only the account, the caller's identity-based policies must
/// also allow <c>sts:AssumeRole</c> on the role. Across accounts both sides must always allow. An account root's own side
/// always allows.
/// </summary>
/// <remarks>Pure and total, like <see cref="PolicyEvaluator"/>.</remarks>
public static class AssumeRoleAuthorizer
{
    /// <summary>The action a trust policy grants.</summary>
    public const string Action = "sts:AssumeRole";

    /// <param name="request">The request: the caller, <see cref="Action"/>, and the role ARN as the resource.</param>
    /// <param name="trustPolicy">The role's compiled trust policy (empty when it has none: nobody may assume it).</param>
    /// <param name="callerPolicies">The caller's compiled identity-based policies (for a session, its role's).</param>
    public static AssumeRoleAuthorizationResult Authorize(AuthorizationRequest request, CompiledPolicySet trustPolicy, CompiledPolicySet callerPolicies)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(trustPolicy);
        ArgumentNullException.ThrowIfNull(callerPolicies);
        var principal = request.Principal;
        var trust = PolicyEvaluator.Evaluate(request, trustPolicy);
        var isRoot = principal.Kind == PrincipalKind.AccountRoot;
        var identity = isRoot ? new AuthorizationDecision(Decision.Allow, [], []) : PolicyEvaluator.Evaluate(request, callerPolicies);
        var crossAccount = principal.IsService || !string.Equals(principal.Account, request.ResourceAccount, StringComparison.Ordinal);
        var namesCaller = false;
        if (trust.IsAllowed)
        {
            foreach (var s in trustPolicy.StatementArray)
            {
                if (s.Effect == PolicyEffect.Allow && PolicyEvaluator.Applies(s, request, out _) && StatementMatcher.NamesPrincipalItself(s, principal))
                {
                    namesCaller = true;
                    break;
                }
            }
        }

        Decision decision;
        if (trust.Decision == Decision.ExplicitDeny || identity.Decision == Decision.ExplicitDeny)
        {
            decision = Decision.ExplicitDeny;
        }
        else if (!trust.IsAllowed)
        {
            decision = Decision.ImplicitDeny;
        }
        else
        {
            decision = (!crossAccount && namesCaller) || identity.IsAllowed ? Decision.Allow : Decision.ImplicitDeny;
        }

        return new AssumeRoleAuthorizationResult(decision, trust, identity, crossAccount, namesCaller, isRoot);
    }
}
