using SesConsole.Domain.Authorization;
using SesConsole.Domain.Policies;
using SesConsole.Domain.Principals;

namespace SesConsole.Domain.Sending.Steps;

/// <summary>
/// Step 4: every identity used (Source, From, Return-Path) must be authorized for every action of the API (docs/ses-behaviour.md#actions), with
/// <see cref="SendAuthorizer"/>'s two-sided rule: cross-account needs an Allow on both sides; in the same account either side
/// is enough; an explicit Deny anywhere wins. The owner's policies are those of the most specific covering identity with
/// policies (docs/ses-behaviour.md#policy-selection). The account root sending from its own identity needs no policy at all (its own IAM side always
/// allows) unless a Deny applies. Deny → <c>AccessDenied</c> with SES's sentence (docs/ses-behaviour.md#error-wording).
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

        CompiledPolicySet? callerPolicies = null;
        var results = new List<IdentityAuthorization>();
        IdentityAuthorization? denied = null;
        foreach (var resolved in context.Identities)
        {
            var selected = IdentityPolicySelector.Select(resolved.OwnerIdentities, i => i.Name.Value, i => i.Policies.Policies.Count, resolved.Address);
            var ownerPolicies = selected.IsSuccess ? selected.Value!.Policies : CompiledPolicySet.Empty;
            var needsCallerSide = !principal.IsService && principal.Kind != PrincipalKind.AccountRoot;
            if (needsCallerSide && callerPolicies is null)
            {
                callerPolicies = await context.Ports.CallerPolicies.GetIdentityPoliciesAsync(principal, cancellationToken).ConfigureAwait(false);
            }

            foreach (var action in request.Api.Actions())
            {
                var authorizationRequest = new AuthorizationRequest(principal, action, resolved.Identity.Arn.Value, requestContext);
                var result = SendAuthorizer.Authorize(authorizationRequest, ownerPolicies, callerPolicies ?? CompiledPolicySet.Empty);
                var ownerAsItself = result.Decision == Decision.ImplicitDeny && principal.Kind == PrincipalKind.AccountRoot &&
                                    string.Equals(principal.Account, resolved.OwnerAccount, StringComparison.Ordinal);
                var authorization = new IdentityAuthorization(
                    resolved.Roles, resolved.Address, resolved.Identity.Arn.Value, action,
                    selected.IsSuccess ? selected.Value!.Arn.Value : null, result, ownerAsItself,
                    request.Explain ? PolicyEvaluator.Explain(authorizationRequest, ownerPolicies) : null,
                    request.Explain && needsCallerSide ? PolicyEvaluator.Explain(authorizationRequest, callerPolicies!) : null);
                results.Add(authorization);
                context.Details.Add(authorization.Describe());
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

        return StepResult.Continue($"{results.Count} check(s) allowed: {string.Join("; ", results.Select(r => $"{r.Action} on {r.IdentityArn}"))}.");
    }
}
