using System.Security;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Primitives;
using SesConsole.Domain.Primitives;
using SesConsole.Web.Features.Policies;

namespace SesConsole.Web.Features.Api;

/// <summary>
/// Sending authorization policy operations of the SES API, owner only, over the same service as the console's editor
/// (validation, SES limits and messages): v2 Create/Update/Delete/GetEmailIdentityPolicies, v1 Put/Get/List/DeleteIdentityPolicy.
/// As in SES, v1 PutIdentityPolicy creates or replaces and v1 DeleteIdentityPolicy succeeds for a missing name; v2
/// create fails on a duplicate and update/delete fail on a missing policy (floci's observations, docs/ses-behaviour.md#policy-limits).
/// </summary>
public static class SesApiPolicyEndpoints
{
    private static readonly JsonSerializerOptions PascalCase = new();

    public static async Task<IResult> V2GetAsync(HttpContext context, ApiCaller api, string identity)
    {
        var list = await Service(context).ListAsync(api.Caller, api.Region, identity, context.RequestAborted);
        return list.IsSuccess
            ? Results.Json(new { Policies = list.Value.Policies.ToDictionary(p => p.Name, p => p.Document) }, PascalCase)
            : SesApiErrors.V2(context, list.Error);
    }

    public static async Task<IResult> V2PutAsync(HttpContext context, ApiCaller api, PolicyRequest body, string identity, string policyName, bool create)
    {
        ArgumentNullException.ThrowIfNull(body);
        var document = body.Policy;
        var saved = await Service(context).SaveAsync(api.Caller, api.Region, identity, create ? null : policyName, policyName, document ?? "", context.RequestAborted);
        return saved.IsSuccess ? Results.Json(new { }, PascalCase) : SesApiErrors.V2(context, saved.Error);
    }

    public static async Task<IResult> V2DeleteAsync(HttpContext context, ApiCaller api, string identity, string policyName)
    {
        var deleted = await Service(context).DeleteAsync(api.Caller, api.Region, identity, policyName, context.RequestAborted);
        return deleted.IsSuccess ? Results.Json(new { }, PascalCase) : SesApiErrors.V2(context, deleted.Error!);
    }

    /// <summary>The v1 policy actions, or null for another action.</summary>
    public static async Task<IResult?> V1Async(HttpContext context, ApiCaller api, string action, Dictionary<string, StringValues> form)
    {
        string Field(string name) => form.TryGetValue(name, out var value) ? value.ToString() : "";
        var service = Service(context);
        var ct = context.RequestAborted;
        var identity = Field("Identity");
        switch (action)
        {
            case "PutIdentityPolicy":
            {
                var name = Field("PolicyName");
                var existing = await service.GetAsync(api.Caller, api.Region, identity, name, ct);
                var saved = await service.SaveAsync(api.Caller, api.Region, identity, existing.IsSuccess ? name : null, name, Field("Policy"), ct);
                return saved.IsSuccess ? SesApiErrors.V1Result(context, action, "") : SesApiErrors.V1(context, saved.Error);
            }

            case "DeleteIdentityPolicy":
            {
                var deleted = await service.DeleteAsync(api.Caller, api.Region, identity, Field("PolicyName"), ct);
                return deleted.IsSuccess || deleted.Error!.Code == "policy.not_found" ? SesApiErrors.V1Result(context, action, "") : SesApiErrors.V1(context, deleted.Error);
            }

            case "ListIdentityPolicies" or "GetIdentityPolicies":
            {
                var list = await service.ListAsync(api.Caller, api.Region, identity, ct);
                if (!list.IsSuccess)
                {
                    return SesApiErrors.V1(context, list.Error);
                }

                var wanted = form.Where(f => f.Key.StartsWith("PolicyNames.member.", StringComparison.Ordinal)).Select(f => f.Value.ToString()).ToHashSet(StringComparer.Ordinal);
                var body = new StringBuilder();
                if (action == "ListIdentityPolicies")
                {
                    body.Append("<PolicyNames>");
                    foreach (var policy in list.Value.Policies)
                    {
                        body.Append("<member>").Append(SecurityElement.Escape(policy.Name)).Append("</member>");
                    }

                    body.Append("</PolicyNames>");
                }
                else
                {
                    body.Append("<Policies>");
                    foreach (var policy in list.Value.Policies.Where(p => wanted.Count == 0 || wanted.Contains(p.Name)))
                    {
                        body.Append("<entry><key>").Append(SecurityElement.Escape(policy.Name)).Append("</key><value>")
                            .Append(SecurityElement.Escape(policy.Document)).Append("</value></entry>");
                    }

                    body.Append("</Policies>");
                }

                return SesApiErrors.V1Result(context, action, body.ToString());
            }

            default:
                return null;
        }
    }

    private static IdentityPoliciesService Service(HttpContext context) => context.RequestServices.GetRequiredService<IdentityPoliciesService>();

}
