using System.Security;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Primitives;
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

    public static async Task<IResult> V2PutDkimAsync(HttpContext context, ApiCaller api, PutDkimAttributesRequest body, string identity)
    {
        ArgumentNullException.ThrowIfNull(body);
        var set = await Service(context).SetDkimSigningAsync(api.Caller, api.Region, identity, body.SigningEnabled ?? false, context.RequestAborted);
        return set.IsSuccess ? Results.Json(new { }, PascalCase) : SesApiErrors.V2(context, set.Error);
    }

    public static async Task<IResult> V2PutMailFromAsync(HttpContext context, ApiCaller api, PutMailFromAttributesRequest body, string identity)
    {
        ArgumentNullException.ThrowIfNull(body);
        var domain = body.MailFromDomain;
        MailFromBehavior behavior;
        switch (body.BehaviorOnMxFailure)
        {
            case null or "USE_DEFAULT_VALUE": behavior = MailFromBehavior.UseDefaultValue; break;
            case "REJECT_MESSAGE": behavior = MailFromBehavior.RejectMessage; break;
            default:
                return BadRequest(context, $"Invalid BehaviorOnMxFailure '{body.BehaviorOnMxFailure}': use USE_DEFAULT_VALUE or REJECT_MESSAGE.");
        }

        var set = await Service(context).SetMailFromAsync(api.Caller, api.Region, identity, domain, behavior, context.RequestAborted);
        return set.IsSuccess ? Results.Json(new { }, PascalCase) : SesApiErrors.V2(context, set.Error);
    }

    /// <summary>The v1 DKIM and MAIL FROM actions, or null for another action.</summary>
    public static async Task<IResult?> V1Async(HttpContext context, ApiCaller api, string action, Dictionary<string, StringValues> form)
    {
        string? Field(string name) => form.TryGetValue(name, out var value) && value.Count > 0 ? value.ToString() : null;
        var identities = Service(context);
        var ct = context.RequestAborted;
        switch (action)
        {
            case "VerifyDomainDkim":
            {
                var domain = Field("Domain") ?? "";
                var created = await identities.CreateDomainAsync(api.Caller, api.Region, domain, new NewDomainIdentity(), ct);
                if (!created.IsSuccess && created.Error.Code != "identity.exists")
                {
                    return SesApiErrors.V1(context, created.Error);
                }

                if (!created.IsSuccess)
                {
                    // As in SES: verifying a domain again restarts a failed verification (same token and keys, a new 72 h window).
                    var restarted = await identities.RestartVerificationAsync(api.Caller, api.Region, domain, ct);
                    if (!restarted.IsSuccess && restarted.Error!.Code is not ("identity.not_failed" or "identity.not_a_domain"))
                    {
                        return SesApiErrors.V1(context, restarted.Error);
                    }
                }

                var parsed = SendingIdentityName.ParseDomain(domain);
                var details = await identities.GetAsync(api.Caller, api.Region, parsed.IsSuccess ? parsed.Value.Value : domain, ct);
                if (!details.IsSuccess)
                {
                    return SesApiErrors.V1(context, details.Error);
                }

                if (details.Value.Identity.Type != SendingIdentityType.Domain)
                {
                    return InvalidParameter(context, $"{domain} is an email address; DKIM is set up on domains.");
                }

                return SesApiErrors.V1Result(context, action, $"<DkimTokens>{MemberList(details.Value.DkimSelectors)}</DkimTokens>");
            }

            case "GetIdentityDkimAttributes" or "GetIdentityMailFromDomainAttributes":
            {
                var names = SesApiErrors.Members(form, "Identities");
                if (names.Count > MaxIdentitiesPerCall)
                {
                    return InvalidParameter(context, $"At most {MaxIdentitiesPerCall} identities can be requested in one call; {names.Count} were given.");
                }

                var dkim = action == "GetIdentityDkimAttributes";
                var entries = new StringBuilder();
                foreach (var name in names.Distinct(StringComparer.Ordinal))
                {
                    if ((await identities.GetAsync(api.Caller, api.Region, name, ct)).Value is not { } d)
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
                return SesApiErrors.V1Result(context, action, $"<{element}>{entries}</{element}>");
            }

            case "SetIdentityDkimEnabled":
            {
                var enabled = Field("DkimEnabled");
                if (enabled is not ("true" or "false"))
                {
                    return InvalidParameter(context, "DkimEnabled must be true or false.");
                }

                var identity = Field("Identity") ?? "";
                var set = await identities.SetDkimSigningAsync(api.Caller, api.Region, identity, enabled == "true", ct);
                return set.IsSuccess ? SesApiErrors.V1Result(context, action, "") : V1Error(context, identity, set.Error);
            }

            case "SetIdentityMailFromDomain":
            {
                MailFromBehavior behavior;
                switch (Field("BehaviorOnMXFailure"))
                {
                    case null or "UseDefaultValue": behavior = MailFromBehavior.UseDefaultValue; break;
                    case "RejectMessage": behavior = MailFromBehavior.RejectMessage; break;
                    case var other:
                        return InvalidParameter(context, $"Invalid BehaviorOnMXFailure '{other}': use UseDefaultValue or RejectMessage.");
                }

                var identity = Field("Identity") ?? "";
                var set = await identities.SetMailFromAsync(api.Caller, api.Region, identity, Field("MailFromDomain"), behavior, ct);
                return set.IsSuccess ? SesApiErrors.V1Result(context, action, "") : V1Error(context, identity, set.Error);
            }

            default:
                return null;
        }
    }

    private static IResult V1Error(HttpContext context, string identity, Error error) =>
        error.Code == "identity.not_found"
            ? SesApiErrors.V1(context, new Error("MessageRejected", $"Identity {identity} is not verified or does not exist."), "MessageRejected")
            : SesApiErrors.V1(context, error);

    private static IResult InvalidParameter(HttpContext context, string message) =>
        SesApiErrors.V1(context, new Error("InvalidParameterValue", message));

    private static IResult BadRequest(HttpContext context, string message) =>
        SesApiErrors.V2(context, new Error("InvalidParameterValue", message));

    private static string MemberList(IEnumerable<string> values) => string.Concat(values.Select(v => $"<member>{SecurityElement.Escape(v)}</member>"));

    /// <summary>Our extension to GetIdentityDkimAttributes: the DKIM records to publish, in CNAME or TXT mode (<c>docs/identities.md</c>).</summary>
    private static string RecordList(IdentityDetails d) => string.Concat(d.Records.Where(r => r.Purpose == IdentitiesService.DkimRecordPurpose).Select(r =>
        $"<member><Type>{r.Type}</Type><Name>{SecurityElement.Escape(r.Name)}</Name><Value>{SecurityElement.Escape(r.Value)}</Value></member>"));

    private static IdentitiesService Service(HttpContext context) => context.RequestServices.GetRequiredService<IdentitiesService>();
}
