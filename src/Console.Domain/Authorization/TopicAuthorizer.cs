using SesConsole.Domain.Notifications;
using SesConsole.Domain.Policies;
using SesConsole.Domain.Principals;

namespace SesConsole.Domain.Authorization;

/// <summary>
/// The decision on an SNS request against a topic: the topic's policy and the caller's identity-based policies,
/// combined as IAM combines a resource policy with an identity policy (docs/notifications.md#topic-policies).
/// </summary>
/// <param name="Decision">The final decision.</param>
/// <param name="TopicSide">The topic's policy (SNS's default when the topic has none).</param>
/// <param name="IdentitySide">The caller's identity-based policies; an implicit Allow for an account root, empty for a service.</param>
/// <param name="IsCrossAccount">Whether the caller's account differs from the topic owner's (always true for a service).</param>
/// <param name="IdentitySideIsImplicit">True when the caller is an account root: its own side always allows.</param>
/// <param name="UsesDefaultPolicy">True when the topic has no policy of its own and SNS's default decided its side.</param>
/// <param name="OwnerServiceRule">True when a service was allowed by the console's rule for the owner's own topic without a policy.</param>
public sealed record TopicAuthorizationResult(
    Decision Decision,
    AuthorizationDecision TopicSide,
    AuthorizationDecision IdentitySide,
    bool IsCrossAccount,
    bool IdentitySideIsImplicit,
    bool UsesDefaultPolicy,
    bool OwnerServiceRule)
{
    public bool IsAllowed => Decision == Decision.Allow;

    /// <summary>One sentence that says which side decided and why.</summary>
    public string Describe()
    {
        var lead = Decision switch
        {
            Decision.Allow when OwnerServiceRule => "Allowed: the topic has no policy of its own and the service publishes for a resource of the topic owner.",
            Decision.Allow when IsCrossAccount => "Allowed: the topic policy allows the caller and the caller's own policies allow the action.",
            Decision.Allow => "Allowed: in the topic owner's account the topic policy or the caller's own policies allow the action.",
            Decision.ExplicitDeny => "Denied: an explicit Deny in the topic policy or the caller's own policies wins.",
            _ when !TopicSide.IsAllowed && IsCrossAccount => "Denied: the topic policy does not allow the caller.",
            _ when IsCrossAccount => "Denied: cross-account, the caller's own policies must also allow the action.",
            _ => "Denied: neither the topic policy nor the caller's own policies allow the action.",
        };
        var topic = UsesDefaultPolicy ? $"the default policy (owner account only): {TopicSide.Describe()}" : TopicSide.Describe();
        var identity = IdentitySideIsImplicit ? "the account root needs no identity-based policy." : IdentitySide.Describe();
        return $"{lead} Topic policy: {topic} Caller's policies: {identity}";
    }
}

/// <summary>
/// IAM's rules for a request on an SNS topic (docs/notifications.md#topic-policies). An explicit Deny on either side
/// denies. In the topic owner's account the topic policy OR the caller's identity-based policies must allow (an
/// account root's own side always allows). Across accounts the topic policy AND the caller's own side must allow. A
/// service principal (SES publishing feedback) is decided by the topic policy alone, with <c>aws:SourceAccount</c> and
/// <c>aws:SourceArn</c> naming the resource it publishes for; on the owner's own topic without a policy of its own the
/// console lets a service publish for the owner's own resources (our choice: SES may notify an owner's topic without
/// ceremony, as the SES console does when it wires a topic up).
/// </summary>
/// <remarks>Pure and total, like <see cref="PolicyEvaluator"/>.</remarks>
public static class TopicAuthorizer
{
    /// <summary>
    /// Builds the request for <paramref name="action"/> (<c>SNS:Publish</c> …) on <paramref name="topic"/>, filling
    /// <c>aws:SourceOwner</c>: the caller's account for an IAM principal, the source account for a service.
    /// </summary>
    public static AuthorizationRequest Request(RequestPrincipal principal, string action, TopicArn topic, RequestContext context)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(context);
        var owner = context.SourceOwner ?? (principal.IsService ? context.SourceAccount : principal.Account);
        return new AuthorizationRequest(principal, action, topic.Value, context with { SourceOwner = owner });
    }

    /// <summary>SNS's default policy of <paramref name="topic"/>, compiled (the owner account may do everything, nobody else).</summary>
    public static CompiledPolicySet DefaultPolicy(TopicArn topic)
    {
        var validated = PolicyValidator.ValidateTopicPolicy(TopicPolicies.DefaultPolicyJson(topic), topic, AnyPrincipal.Instance);
        return new CompiledPolicySet([PolicyCompiler.Compile("default", validated).GetValueOrThrow()]);
    }

    /// <param name="request">The request (see <see cref="Request"/>): the caller, the SNS action, the topic ARN as the resource.</param>
    /// <param name="topicPolicy">The topic's compiled policy, or <see cref="DefaultPolicy"/> when it has none.</param>
    /// <param name="usesDefaultPolicy">Whether <paramref name="topicPolicy"/> is SNS's default (the topic has no policy of its own).</param>
    /// <param name="callerPolicies">The caller's compiled identity-based policies (for a session, its role's); empty for roots and services.</param>
    public static TopicAuthorizationResult Authorize(AuthorizationRequest request, CompiledPolicySet topicPolicy, bool usesDefaultPolicy, CompiledPolicySet callerPolicies)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(topicPolicy);
        ArgumentNullException.ThrowIfNull(callerPolicies);
        var principal = request.Principal;
        var topicSide = PolicyEvaluator.Evaluate(request, topicPolicy);
        if (principal.IsService)
        {
            var none = new AuthorizationDecision(Decision.ImplicitDeny, [], []);
            var ownersOwn = usesDefaultPolicy && request.Context.SourceAccount is { } source && string.Equals(source, request.ResourceAccount, StringComparison.Ordinal);
            var serviceDecision = topicSide.Decision switch
            {
                Decision.ExplicitDeny => Decision.ExplicitDeny,
                Decision.Allow => Decision.Allow,
                _ => ownersOwn ? Decision.Allow : Decision.ImplicitDeny,
            };
            return new TopicAuthorizationResult(serviceDecision, topicSide, none, true, false, usesDefaultPolicy, ownersOwn && !topicSide.IsAllowed && serviceDecision == Decision.Allow);
        }

        var isRoot = principal.Kind == PrincipalKind.AccountRoot;
        var identity = isRoot ? new AuthorizationDecision(Decision.Allow, [], []) : PolicyEvaluator.Evaluate(request, callerPolicies);
        var crossAccount = !string.Equals(principal.Account, request.ResourceAccount, StringComparison.Ordinal);
        Decision decision;
        if (topicSide.Decision == Decision.ExplicitDeny || identity.Decision == Decision.ExplicitDeny)
        {
            decision = Decision.ExplicitDeny;
        }
        else if (crossAccount)
        {
            decision = topicSide.IsAllowed && identity.IsAllowed ? Decision.Allow : Decision.ImplicitDeny;
        }
        else
        {
            decision = topicSide.IsAllowed || identity.IsAllowed ? Decision.Allow : Decision.ImplicitDeny;
        }

        return new TopicAuthorizationResult(decision, topicSide, identity, crossAccount, isRoot, usesDefaultPolicy, false);
    }

    /// <summary>The default policy names no principal but <c>"*"</c>: nothing to look up.</summary>
    private sealed class AnyPrincipal : IPrincipalDirectory
    {
        public static readonly AnyPrincipal Instance = new();

        public bool AccountExists(AccountId account) => true;

        public bool PrincipalExists(PrincipalArn arn) => true;

        public bool IsKnownService(string service) => true;
    }
}
