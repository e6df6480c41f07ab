using System.Security;
using System.Text;
using System.Text.Json;
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

    public static async Task<IResult> V2GetAsync(SesApiRequest api, IdentityPoliciesService policies, string identity)
    {
        ArgumentNullException.ThrowIfNull(api);
        var list = await policies.ListAsync(api.Caller, api.Region, identity, api.Aborted);
        return list.IsSuccess
            ? Results.Json(new { Policies = list.Value.Policies.ToDictionary(p => p.Name, p => p.Document) }, PascalCase)
            : api.Error(list.Error);
    }

    /// <summary>CreateEmailIdentityPolicy: <c>POST …/policies/{policy}</c>, fails on a duplicate name.</summary>
    public static Task<IResult> V2CreateAsync(SesApiRequest<PolicyRequest> api, IdentityPoliciesService policies, string identity, string policy) =>
        V2SaveAsync(api, policies, identity, policy, create: true);

    /// <summary>UpdateEmailIdentityPolicy: <c>PUT …/policies/{policy}</c>, fails on a missing policy.</summary>
    public static Task<IResult> V2UpdateAsync(SesApiRequest<PolicyRequest> api, IdentityPoliciesService policies, string identity, string policy) =>
        V2SaveAsync(api, policies, identity, policy, create: false);

    public static async Task<IResult> V2DeleteAsync(SesApiRequest api, IdentityPoliciesService policies, string identity, string policy)
    {
        ArgumentNullException.ThrowIfNull(api);
        var deleted = await policies.DeleteAsync(api.Caller, api.Region, identity, policy, api.Aborted);
        return deleted.IsSuccess ? Results.Json(new { }, PascalCase) : api.Error(deleted.Error!);
    }

    /// <summary>PutIdentityPolicy creates or replaces.</summary>
    public static async Task<IResult> V1PutAsync(V1Request request, IdentityPoliciesService policies)
    {
        ArgumentNullException.ThrowIfNull(request);
        var identity = request.Field("Identity") ?? "";
        var name = request.Field("PolicyName") ?? "";
        var existing = await policies.GetAsync(request.Caller, request.Region, identity, name, request.Aborted);
        var saved = await policies.SaveAsync(request.Caller, request.Region, identity, existing.IsSuccess ? name : null, name, request.Field("Policy") ?? "", request.Aborted);
        return saved.IsSuccess ? request.Result("") : request.Error(saved.Error);
    }

    /// <summary>DeleteIdentityPolicy succeeds for a missing name.</summary>
    public static async Task<IResult> V1DeleteAsync(V1Request request, IdentityPoliciesService policies)
    {
        ArgumentNullException.ThrowIfNull(request);
        var deleted = await policies.DeleteAsync(request.Caller, request.Region, request.Field("Identity") ?? "", request.Field("PolicyName") ?? "", request.Aborted);
        return deleted.IsSuccess || deleted.Error!.Code == "policy.not_found" ? request.Result("") : request.Error(deleted.Error);
    }

    public static async Task<IResult> V1ListAsync(V1Request request, IdentityPoliciesService policies)
    {
        ArgumentNullException.ThrowIfNull(request);
        var list = await policies.ListAsync(request.Caller, request.Region, request.Field("Identity") ?? "", request.Aborted);
        if (!list.IsSuccess)
        {
            return request.Error(list.Error);
        }

        var body = new StringBuilder("<PolicyNames>");
        foreach (var policy in list.Value.Policies)
        {
            body.Append("<member>").Append(SecurityElement.Escape(policy.Name)).Append("</member>");
        }

        return request.Result(body.Append("</PolicyNames>").ToString());
    }

    /// <summary>GetIdentityPolicies: the documents of the named policies (all of them when none is named).</summary>
    public static async Task<IResult> V1GetAsync(V1Request request, IdentityPoliciesService policies)
    {
        ArgumentNullException.ThrowIfNull(request);
        var list = await policies.ListAsync(request.Caller, request.Region, request.Field("Identity") ?? "", request.Aborted);
        if (!list.IsSuccess)
        {
            return request.Error(list.Error);
        }

        var wanted = request.Form.Where(f => f.Key.StartsWith("PolicyNames.member.", StringComparison.Ordinal)).Select(f => f.Value.ToString()).ToHashSet(StringComparer.Ordinal);
        var body = new StringBuilder("<Policies>");
        foreach (var policy in list.Value.Policies.Where(p => wanted.Count == 0 || wanted.Contains(p.Name)))
        {
            body.Append("<entry><key>").Append(SecurityElement.Escape(policy.Name)).Append("</key><value>")
                .Append(SecurityElement.Escape(policy.Document)).Append("</value></entry>");
        }

        return request.Result(body.Append("</Policies>").ToString());
    }

    private static async Task<IResult> V2SaveAsync(SesApiRequest<PolicyRequest> api, IdentityPoliciesService policies, string identity, string policyName, bool create)
    {
        ArgumentNullException.ThrowIfNull(api);
        var saved = await policies.SaveAsync(api.Caller, api.Region, identity, create ? null : policyName, policyName, api.Body.Policy ?? "", api.Aborted);
        return saved.IsSuccess ? Results.Json(new { }, PascalCase) : api.Error(saved.Error);
    }
}
