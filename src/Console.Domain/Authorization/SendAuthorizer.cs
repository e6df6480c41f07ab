using SesConsole.Domain.Policies;
using SesConsole.Domain.Principals;

namespace SesConsole.Domain.Authorization;

/// <summary>
/// The combined decision for a send: the owner's resource-policy side and the caller's identity-based side, as IAM's
/// cross-account rules combine them (docs/ses-behaviour.md#evaluation).
/// </summary>
/// <param name="Decision">The final decision.</param>
/// <param name="ResourceSide">The owner's sending authorization policies on the identity.</param>
/// <param name="IdentitySide">The caller's identity-based policies; null for service principals (resource side only).</param>
/// <param name="IsCrossAccount">Whether the caller's account differs from the identity owner's.</param>
/// <param name="IdentitySideIsImplicit">True when the caller is an account root: its own side always allows.</param>
public sealed record SendAuthorizationResult(
    Decision Decision,
    AuthorizationDecision ResourceSide,
    AuthorizationDecision? IdentitySide,
    bool IsCrossAccount,
    bool IdentitySideIsImplicit)
{
    public bool IsAllowed => Decision == Decision.Allow;

    /// <summary>One sentence that says which side decided and why.</summary>
    public string Describe()
    {
        var resource = $"owner's policies: {ResourceSide.Describe()}";
        var identity = IdentitySide is null ? null
            : IdentitySideIsImplicit ? "caller's side: the account root needs no identity-based policy."
            : $"caller's policies: {IdentitySide.Describe()}";
        var lead = Decision switch
        {
            Decision.Allow when IdentitySide is null => "Allowed: the service principal is allowed by the identity's policies.",
            Decision.Allow when IsCrossAccount => "Allowed: cross-account sends need an Allow on both sides, and both allow.",
            Decision.Allow => "Allowed: in the same account an Allow on either side is enough.",
            Decision.ExplicitDeny => "Denied: an explicit Deny on either side wins.",
            _ when IdentitySide is null => "Denied: the identity's policies do not allow this service principal.",
            _ when IsCrossAccount => "Denied: cross-account sends need an Allow on both sides (the owner's identity policies and the caller's own IAM policies).",
            _ => "Denied: neither side allows this request.",
        };
        return identity is null ? $"{lead} The {resource}" : $"{lead} The {resource} The {identity}";
    }
}

/// <summary>
/// Combines both sides of a send. Rules: an explicit Deny on either side denies. A service principal is judged by the
/// resource side alone. Cross-account: the owner's resource policies <em>and</em> the caller's identity-based policies
/// must both allow (an account root's own side always allows). Same account: either side allowing is enough.
/// </summary>
/// <remarks>Pure; does not implement "the owner may always send from its identities" (that is the send pipeline's rule).</remarks>
public static class SendAuthorizer
{
    /// <param name="request">The request; <see cref="AuthorizationRequest.Resource"/> is the identity ARN.</param>
    /// <param name="resourcePolicies">The owner's compiled policies on the applicable identity (see <see cref="IdentityPolicySelector"/>).</param>
    /// <param name="identityPolicies">The caller's compiled identity-based policies (user or role; for an assumed role, the role's).</param>
    public static SendAuthorizationResult Authorize(AuthorizationRequest request, CompiledPolicySet resourcePolicies, CompiledPolicySet identityPolicies) =>
        Authorize(request, request, resourcePolicies, identityPolicies);

    /// <summary>
    /// As <see cref="Authorize(AuthorizationRequest, CompiledPolicySet, CompiledPolicySet)"/>, with the owner's side evaluated
    /// against <paramref name="resourceRequest"/>: the same request with <see cref="AuthorizationRequest.Resource"/> set to
    /// the ARN of the identity whose policies apply. A resource policy can only name the identity it is attached to, so
    /// when an address identity's policies decide a send made with its domain's ARN (docs/policy-engine.md, "Which
    /// identity's policies"), they must be evaluated against the address's ARN. The caller's side keeps the ARN it named.
    /// </summary>
    /// <param name="request">The request as made: the caller's identity-based policies are evaluated against it.</param>
    /// <param name="resourceRequest">The request against the policy identity's ARN (same principal, action, context and owner).</param>
    /// <param name="resourcePolicies">The owner's compiled policies on the policy identity.</param>
    /// <param name="identityPolicies">The caller's compiled identity-based policies.</param>
    public static SendAuthorizationResult Authorize(AuthorizationRequest request, AuthorizationRequest resourceRequest, CompiledPolicySet resourcePolicies, CompiledPolicySet identityPolicies)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(resourceRequest);
        var resource = PolicyEvaluator.Evaluate(resourceRequest, resourcePolicies);
        var principal = request.Principal;
        if (principal.IsService)
        {
            return new SendAuthorizationResult(resource.Decision, resource, null, true, false);
        }

        var crossAccount = !string.Equals(principal.Account, request.ResourceAccount, StringComparison.Ordinal);
        var isRoot = principal.Kind == PrincipalKind.AccountRoot;
        var identity = isRoot
            ? new AuthorizationDecision(Decision.Allow, [], [])
            : PolicyEvaluator.Evaluate(request, identityPolicies);
        Decision decision;
        if (resource.Decision == Decision.ExplicitDeny || identity.Decision == Decision.ExplicitDeny)
        {
            decision = Decision.ExplicitDeny;
        }
        else if (crossAccount)
        {
            decision = resource.IsAllowed && identity.IsAllowed ? Decision.Allow : Decision.ImplicitDeny;
        }
        else
        {
            decision = resource.IsAllowed || (identity.IsAllowed && !isRoot) ? Decision.Allow : Decision.ImplicitDeny;
        }

        return new SendAuthorizationResult(decision, resource, identity, crossAccount, isRoot);
    }

    /// <summary>
    /// The fast, allocation-free form of <see cref="Authorize(AuthorizationRequest, CompiledPolicySet, CompiledPolicySet)"/>: only the final decision.
    /// </summary>
    public static Decision Decide(AuthorizationRequest request, CompiledPolicySet resourcePolicies, CompiledPolicySet identityPolicies)
    {
        ArgumentNullException.ThrowIfNull(request);
        var resource = PolicyEvaluator.Decide(request, resourcePolicies).Decision;
        var principal = request.Principal;
        if (principal.IsService)
        {
            return resource;
        }

        var isRoot = principal.Kind == PrincipalKind.AccountRoot;
        var identity = isRoot ? Decision.Allow : PolicyEvaluator.Decide(request, identityPolicies).Decision;
        if (resource == Decision.ExplicitDeny || identity == Decision.ExplicitDeny)
        {
            return Decision.ExplicitDeny;
        }

        var crossAccount = !string.Equals(principal.Account, request.ResourceAccount, StringComparison.Ordinal);
        var allowed = crossAccount
            ? resource == Decision.Allow && identity == Decision.Allow
            : resource == Decision.Allow || (identity == Decision.Allow && !isRoot);
        return allowed ? Decision.Allow : Decision.ImplicitDeny;
    }
}
