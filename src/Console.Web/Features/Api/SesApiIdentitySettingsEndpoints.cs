using System.Security;
using System.Text;
using System.Text.Json;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Primitives;
using SesConsole.Web.Features.Identities;

namespace SesConsole.Web.Features.Api;

/// <summary>
/// DKIM and custom MAIL FROM settings of an identity through the SES API, owner only, over the same
/// <see cref="IdentitiesService"/> methods as the identity page: v2 PutEmailIdentityDkimAttributes and
/// PutEmailIdentityMailFromAttributes; v1 VerifyDomainDkim, GetIdentityDkimAttributes, SetIdentityDkimEnabled,
/// SetIdentityMailFromDomain and GetIdentityMailFromDomainAttributes.
/// </summary>
/// <remarks>
/// Another account's identity is simply not found (v2 <c>NotFoundException</c>; v1 <c>MessageRejected</c> "Identity X is
/// not verified or does not exist.", as SES answers identity-management calls on unknown identities). The v1 Get…Attributes
/// calls leave unknown identities out of the map, as SES does, and list at most 100 identities per call.
/// </remarks>
public static class SesApiIdentitySettingsEndpoints
{
    /// <summary>SES's limit on the identities one v1 Get…Attributes call may name.</summary>
    public const int MaxIdentitiesPerCall = 100;

    private static readonly JsonSerializerOptions PascalCase = new();

    public static async Task<IResult> V2PutDkimAsync(SesApiRequest<PutDkimAttributesRequest> api, IdentitiesService identities, string identity)
    {
        ArgumentNullException.ThrowIfNull(api);
        var set = await identities.SetDkimSigningAsync(api.Caller, api.Region, identity, api.Body.SigningEnabled ?? false, api.Aborted);
        return set.IsSuccess ? Results.Json(new { }, PascalCase) : api.Error(set.Error);
    }

    public static async Task<IResult> V2PutMailFromAsync(SesApiRequest<PutMailFromAttributesRequest> api, IdentitiesService identities, string identity)
    {
        ArgumentNullException.ThrowIfNull(api);
        var body = api.Body;
        MailFromBehavior behavior;
        switch (body.BehaviorOnMxFailure)
        {
            case null or "USE_DEFAULT_VALUE": behavior = MailFromBehavior.UseDefaultValue; break;
            case "REJECT_MESSAGE": behavior = MailFromBehavior.RejectMessage; break;
            default:
                return api.Error(new Error("InvalidParameterValue", $"Invalid BehaviorOnMxFailure '{body.BehaviorOnMxFailure}': use USE_DEFAULT_VALUE or REJECT_MESSAGE."));
        }

        var set = await identities.SetMailFromAsync(api.Caller, api.Region, identity, body.MailFromDomain, behavior, api.Aborted);
        return set.IsSuccess ? Results.Json(new { }, PascalCase) : api.Error(set.Error);
    }

    public static async Task<IResult> V1VerifyDomainDkimAsync(V1Request request, IdentitiesService identities)
    {
        ArgumentNullException.ThrowIfNull(request);
        var domain = request.Field("Domain") ?? "";
        if (await SesApiIdentityEndpoints.CreateOrRestartDomainAsync(request, identities, domain) is { } failed)
        {
            return failed;
        }

        var parsed = SendingIdentityName.ParseDomain(domain);
        var details = await identities.GetAsync(request.Caller, request.Region, parsed.IsSuccess ? parsed.Value.Value : domain, request.Aborted);
        if (!details.IsSuccess)
        {
            return request.Error(details.Error);
        }

        if (details.Value.Identity.Type != SendingIdentityType.Domain)
        {
            return InvalidParameter(request, $"{domain} is an email address; DKIM is set up on domains.");
        }

        return request.Result($"<DkimTokens>{MemberList(details.Value.DkimSelectors)}</DkimTokens>");
    }

    public static Task<IResult> V1GetDkimAttributesAsync(V1Request request, IdentitiesService identities) => V1GetAttributesAsync(request, identities, dkim: true);

    public static Task<IResult> V1GetMailFromAttributesAsync(V1Request request, IdentitiesService identities) => V1GetAttributesAsync(request, identities, dkim: false);

    public static async Task<IResult> V1SetDkimEnabledAsync(V1Request request, IdentitiesService identities)
    {
        ArgumentNullException.ThrowIfNull(request);
        var enabled = request.Field("DkimEnabled");
        if (enabled is not ("true" or "false"))
        {
            return InvalidParameter(request, "DkimEnabled must be true or false.");
        }

        var identity = request.Field("Identity") ?? "";
        var set = await identities.SetDkimSigningAsync(request.Caller, request.Region, identity, enabled == "true", request.Aborted);
        return set.IsSuccess ? request.Result("") : V1Error(request, identity, set.Error);
    }

    public static async Task<IResult> V1SetMailFromDomainAsync(V1Request request, IdentitiesService identities)
    {
        ArgumentNullException.ThrowIfNull(request);
        MailFromBehavior behavior;
        switch (request.Field("BehaviorOnMXFailure"))
        {
            case null or "UseDefaultValue": behavior = MailFromBehavior.UseDefaultValue; break;
            case "RejectMessage": behavior = MailFromBehavior.RejectMessage; break;
            case var other:
                return InvalidParameter(request, $"Invalid BehaviorOnMXFailure '{other}': use UseDefaultValue or RejectMessage.");
        }

        var identity = request.Field("Identity") ?? "";
        var set = await identities.SetMailFromAsync(request.Caller, request.Region, identity, request.Field("MailFromDomain"), behavior, request.Aborted);
        return set.IsSuccess ? request.Result("") : V1Error(request, identity, set.Error);
    }

    /// <summary>GetIdentityDkimAttributes or GetIdentityMailFromDomainAttributes: unknown identities are left out of the map.</summary>
    private static async Task<IResult> V1GetAttributesAsync(V1Request request, IdentitiesService identities, bool dkim)
    {
        ArgumentNullException.ThrowIfNull(request);
        var names = request.Members("Identities");
        if (names.Count > MaxIdentitiesPerCall)
        {
            return InvalidParameter(request, $"At most {MaxIdentitiesPerCall} identities can be requested in one call; {names.Count} were given.");
        }

        var entries = new StringBuilder();
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            if ((await identities.GetAsync(request.Caller, request.Region, name, request.Aborted)).Value is not { } d)
            {
                continue;
            }

            if (dkim)
            {
                var domain = d.Identity.Type == SendingIdentityType.Domain;
                entries.Append("<entry><key>").Append(SecurityElement.Escape(name)).Append("</key><value>")
                    .Append("<DkimEnabled>").Append(domain && d.Identity.DkimSigningEnabled ? "true" : "false").Append("</DkimEnabled>")
                    .Append("<DkimVerificationStatus>").Append(domain ? d.Identity.DkimStatus : VerificationStatus.NotStarted).Append("</DkimVerificationStatus>")
                    .Append(domain ? $"<DkimTokens>{MemberList(d.DkimSelectors)}</DkimTokens>" : "")
                    .Append(domain ? $"<DkimRecords>{RecordList(d)}</DkimRecords>" : "")
                    .Append("</value></entry>");
            }
            else if (d.MailFromDomain is not null)
            {
                entries.Append("<entry><key>").Append(SecurityElement.Escape(name)).Append("</key><value>")
                    .Append("<MailFromDomain>").Append(SecurityElement.Escape(d.MailFromDomain)).Append("</MailFromDomain>")
                    .Append("<MailFromDomainStatus>").Append(d.MailFromStatus).Append("</MailFromDomainStatus>")
                    .Append("<BehaviorOnMXFailure>").Append(d.MailFromBehavior).Append("</BehaviorOnMXFailure>")
                    .Append("</value></entry>");
            }
        }

        var element = dkim ? "DkimAttributes" : "MailFromDomainAttributes";
        return request.Result($"<{element}>{entries}</{element}>");
    }

    private static IResult V1Error(V1Request request, string identity, Error error) =>
        error.Code == "identity.not_found"
            ? request.Error(new Error("MessageRejected", $"Identity {identity} is not verified or does not exist."), "MessageRejected")
            : request.Error(error);

    private static IResult InvalidParameter(V1Request request, string message) => request.Error(new Error("InvalidParameterValue", message));

    private static string MemberList(IEnumerable<string> values) => string.Concat(values.Select(v => $"<member>{SecurityElement.Escape(v)}</member>"));

    /// <summary>Our extension to GetIdentityDkimAttributes: the DKIM records to publish, in CNAME or TXT mode (<c>docs/identities.md</c>).</summary>
    private static string RecordList(IdentityDetails d) => string.Concat(d.Records.Where(r => r.Purpose == IdentitiesService.DkimRecordPurpose).Select(r =>
        $"<member><Type>{r.Type}</Type><Name>{SecurityElement.Escape(r.Name)}</Name><Value>{SecurityElement.Escape(r.Value)}</Value></member>"));
}
