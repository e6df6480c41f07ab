using SesConsole.Domain.Authorization;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Notifications;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Principals;

namespace SesConsole.Domain.Policies;

/// <summary>
/// The policy engine's small public facade: validate, compile, evaluate, explain. Each call delegates to one stage
/// (<see cref="PolicyParser"/>, <see cref="PolicyValidator"/>, <see cref="PolicyCompiler"/>, <see cref="PolicyEvaluator"/>,
/// <see cref="SendAuthorizer"/>, <see cref="IdentityPolicySelector"/>).
/// </summary>
/// <example>
/// Save-time check in a page, then a simulated send:
/// <code>
/// var check = PolicyEngine.ValidateResourcePolicy(json, identityArn, directory);
/// if (!check.IsValid) { ShowMarkers(check.Diagnostics); return; }
/// var policy = PolicyEngine.Compile("marketing", check).GetValueOrThrow();
///
/// var request = new AuthorizationRequest(
///     RequestPrincipal.ForArn(PrincipalArn.Parse("arn:aws:iam::123456789012:user/John").GetValueOrThrow()),
///     "ses:SendEmail", identityArn.Value,
///     new RequestContext { FromAddress = "marketing+news@example.com", CurrentTime = time.GetUtcNow() });
/// var explanation = PolicyEngine.Explain(request, new CompiledPolicySet([policy]));
/// Console.WriteLine(explanation.Describe());
/// </code>
/// </example>
public static class PolicyEngine
{
    /// <summary>Save-time validation of a sending authorization policy for <paramref name="identity"/>.</summary>
    public static PolicyValidationResult ValidateResourcePolicy(string? text, IdentityArn identity, IPrincipalDirectory directory) =>
        PolicyValidator.ValidateResourcePolicy(text, identity, directory);

    /// <summary>Save-time validation of an identity-based policy for an IAM user or role.</summary>
    public static PolicyValidationResult ValidateIdentityPolicy(string? text) => PolicyValidator.ValidateIdentityPolicy(text);

    /// <summary>Save-time validation of a role's trust policy.</summary>
    public static PolicyValidationResult ValidateTrustPolicy(string? text, IPrincipalDirectory directory) =>
        PolicyValidator.ValidateTrustPolicy(text, directory);

    /// <summary>Save-time validation of an SNS topic's access policy.</summary>
    public static PolicyValidationResult ValidateTopicPolicy(string? text, TopicArn topic, IPrincipalDirectory directory) =>
        PolicyValidator.ValidateTopicPolicy(text, topic, directory);

    /// <summary>Compiles a validated policy; fails when validation found errors.</summary>
    public static Result<CompiledPolicy> Compile(string policyName, PolicyValidationResult validated) =>
        PolicyCompiler.Compile(policyName, validated);

    /// <summary>One side's decision, allocation-free (first deciding statement only).</summary>
    public static EvaluationResult Decide(AuthorizationRequest request, CompiledPolicySet policies) => PolicyEvaluator.Decide(request, policies);

    /// <summary>One side's decision with every deciding statement and the statements skipped on error.</summary>
    public static AuthorizationDecision Evaluate(AuthorizationRequest request, CompiledPolicySet policies) => PolicyEvaluator.Evaluate(request, policies);

    /// <summary>One side's decision with a per-statement, per-condition explanation.</summary>
    public static PolicyExplanation Explain(AuthorizationRequest request, CompiledPolicySet policies) => PolicyEvaluator.Explain(request, policies);

    /// <summary>Both sides of a send combined with the cross-account rule.</summary>
    public static SendAuthorizationResult AuthorizeSend(AuthorizationRequest request, CompiledPolicySet ownerPolicies, CompiledPolicySet callerPolicies) =>
        SendAuthorizer.Authorize(request, ownerPolicies, callerPolicies);

    /// <summary>An STS AssumeRole request: the role's trust policy and the caller's identity-based policies combined.</summary>
    public static AssumeRoleAuthorizationResult AuthorizeAssumeRole(AuthorizationRequest request, CompiledPolicySet trustPolicy, CompiledPolicySet callerPolicies) =>
        AssumeRoleAuthorizer.Authorize(request, trustPolicy, callerPolicies);

    /// <summary>An SNS request on a topic: the topic policy (or SNS's default) and the caller's identity-based policies combined.</summary>
    public static TopicAuthorizationResult AuthorizeTopic(AuthorizationRequest request, CompiledPolicySet topicPolicy, bool usesDefaultPolicy, CompiledPolicySet callerPolicies) =>
        TopicAuthorizer.Authorize(request, topicPolicy, usesDefaultPolicy, callerPolicies);

    /// <summary>The canonical JSON text of a document (what to store and show).</summary>
    public static string Canonicalize(PolicyDocument document) => PolicySerializer.Serialize(document);
}
