using SesConsole.Domain.Authorization;
using SesConsole.Domain.Policies;
using SesConsole.Domain.Principals;

namespace SesConsole.Domain.Sending.Steps;

/// <summary>
/// Step 4: every identity used (Source, From, Return-Path) must be authorized for every action of the API (docs/ses-behaviour.md#actions), with
/// <see cref="SendAuthorizer"/>'s two-sided rule: cross-account needs an Allow on both sides; in the same account either side
/// is enough; an explicit Deny anywhere wins. The owner's policies are those of the most specific covering identity with
/// policies (docs/ses-behaviour.md#policy-selection), evaluated against <em>that</em> identity's ARN (a policy's Resource is always the ARN of the
/// identity it is attached to); the caller's IAM policies are evaluated against the ARN the caller named. Each check's
/// trace line says whose policies were used and why (docs/policy-engine.md, "Which identity's policies"). The account
/// root sending from its own identity needs no policy at all (its own IAM side always allows) unless a Deny applies.
/// Deny → <c>AccessDenied</c> with SES's sentence (docs/ses-behaviour.md#error-wording), naming the ARN the caller named.
/// </summary>
public sealed class AuthorizeStep : ISendStep
{
    public string Name => "authorization";

    public async ValueTask<StepResult> RunAsync(SendContext context, CancellationToken cancellationToken)
    {
        var message = context.Message ?? throw new InvalidOperationException("Step 2 (message) must run first.");
        var request = context.Request;
        var caller = request.Caller;
        var principal = caller.Principal;
        var requestContext = new RequestContext
        {
            FromAddress = message.From.Address,
            FromDisplayName = message.From.DisplayName,
            FeedbackAddress = message.FeedbackAddress,
            Recipients = message.Recipients,
            ApiVersion = request.Api.ApiVersion(),
            CurrentTime = request.Time,
            SecureTransport = caller.SecureTransport,
            SourceIp = caller.SourceIp,
            UserAgent = caller.UserAgent,
            SourceAccount = caller.SourceAccount,
            SourceArn = caller.SourceArn,
        };

        context.AuthorizationContext = requestContext;
        CompiledPolicySet? callerPolicies = null;
        var results = new List<IdentityAuthorization>();
        IdentityAuthorization? denied = null;
        foreach (var resolved in context.Identities)
        {
            var selected = IdentityPolicySelector.Select(resolved.OwnerIdentities, i => i.Name.Value, i => i.Policies.Policies.Count, resolved.Address);
            var policyIdentity = selected.IsSuccess ? selected.Value : null;
            var ownerPolicies = policyIdentity?.Policies ?? CompiledPolicySet.Empty;
            var policyArn = policyIdentity?.Arn.Value ?? resolved.Identity.Arn.Value;
            var policySource = PolicySource(resolved, policyIdentity);
            var needsCallerSide = !principal.IsService && principal.Kind != PrincipalKind.AccountRoot;
            if (needsCallerSide && callerPolicies is null)
            {
                callerPolicies = await context.Ports.CallerPolicies.GetIdentityPoliciesAsync(principal, cancellationToken).ConfigureAwait(false);
            }

            foreach (var action in request.Api.Actions())
            {
                var authorizationRequest = new AuthorizationRequest(principal, action, resolved.Identity.Arn.Value, requestContext);
                var ownerRequest = string.Equals(policyArn, authorizationRequest.Resource, StringComparison.Ordinal)
                    ? authorizationRequest
                    : new AuthorizationRequest(principal, action, policyArn, requestContext);
                var result = SendAuthorizer.Authorize(authorizationRequest, ownerRequest, ownerPolicies, callerPolicies ?? CompiledPolicySet.Empty);
                var ownerAsItself = result.Decision == Decision.ImplicitDeny && principal.Kind == PrincipalKind.AccountRoot &&
                                    string.Equals(principal.Account, resolved.OwnerAccount, StringComparison.Ordinal);
                var authorization = new IdentityAuthorization(
                    resolved.Roles, resolved.Address, resolved.Identity.Arn.Value, action,
                    policyIdentity?.Arn.Value, result, ownerAsItself,
                    request.Explain ? PolicyEvaluator.Explain(ownerRequest, ownerPolicies) : null,
                    request.Explain && needsCallerSide ? PolicyEvaluator.Explain(authorizationRequest, callerPolicies!) : null,
                    policySource);
                results.Add(authorization);
                if (request.TraceDetails || request.Explain)
                {
                    context.Details.Add(authorization.Describe());
                }

                if (request.Explain)
                {
                    context.Details.Add($"  owner side: {authorization.ResourceExplanation!.Describe()}");
                    if (authorization.CallerExplanation is { } callerExplanation)
                    {
                        context.Details.Add($"  caller side: {callerExplanation.Describe()}");
                    }
                }

                if (!authorization.IsAllowed)
                {
                    denied ??= authorization;
                }
            }
        }

        context.Authorizations = results;
        if (denied is not null)
        {
            return StepResult.Reject(SendError.AccessDenied(principal.Arn, denied.Action, denied.IdentityArn), denied.Describe());
        }

        return StepResult.Continue(static c => $"{c.Authorizations.Count} check(s) allowed: {string.Join("; ", c.Authorizations.Select(r => $"{r.Action} on {r.IdentityArn}"))}.");
    }

    /// <summary>Whose policies are the owner's side for <paramref name="resolved"/>, and why, in one sentence for the trace.</summary>
    internal static string PolicySource(ResolvedIdentity resolved, SendingIdentity? policyIdentity)
    {
        var named = resolved.Identity;
        var address = resolved.Address;
        var how = resolved.ViaArn ? "named by the ARN" : "the sender's own identity";
        if (policyIdentity is null)
        {
            return $"Owner's policies: none — no verified identity of account {resolved.OwnerAccount} that covers {address} has a sending authorization policy.";
        }

        if (policyIdentity.Arn.Equals(named.Arn))
        {
            return $"Owner's policies: those of {named.Name.Value} ({how}), the most specific verified identity covering {address} that has policies.";
        }

        var moreSpecific = IdentityPolicySelector.Specificity(policyIdentity.Name.Value, address) > IdentityPolicySelector.Specificity(named.Name.Value, address);
        return moreSpecific
            ? $"Owner's policies: those of {policyIdentity.Name.Value}, not of {named.Name.Value} ({how}): {policyIdentity.Name.Value} is the most specific verified identity covering {address} that has policies, so its policies take precedence, evaluated against its own ARN {policyIdentity.Arn.Value}."
            : $"Owner's policies: those of {policyIdentity.Name.Value}, because {named.Name.Value} ({how}) has no policies of its own: {policyIdentity.Name.Value} is the most specific verified identity covering {address} that has policies; they are evaluated against its own ARN {policyIdentity.Arn.Value}.";
    }
}
