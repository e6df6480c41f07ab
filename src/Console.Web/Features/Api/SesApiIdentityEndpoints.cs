using System.Security;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Sending;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Policies;

namespace SesConsole.Web.Features.Api;

/// <summary>
/// Sending identities through the SES API, over <see cref="IdentitiesService"/> as the identity pages use it: v2
/// ListEmailIdentities, CreateEmailIdentity, GetEmailIdentity and DeleteEmailIdentity; v1 VerifyEmailIdentity (and its
/// old name VerifyEmailAddress), VerifyDomainIdentity, ListIdentities, GetIdentityVerificationAttributes and DeleteIdentity.
/// </summary>
public static class SesApiIdentityEndpoints
{
    private static readonly JsonSerializerOptions Json = new();

    /// <summary>ListEmailIdentities as older SDKs send it: <c>GET /v2/email/identities?PageSize=&amp;NextToken=</c>.</summary>
    public static Task<IResult> V2ListAsync(SesApiRequest api, IdentitiesService identities,
        [FromQuery(Name = "PageSize")] string? pageSize, [FromQuery(Name = "NextToken")] string? nextToken) =>
        ListAsync(api, identities, pageSize, nextToken);

    /// <summary>ListEmailIdentities as current @aws-sdk/client-sesv2 sends it: <c>POST /v2/email/list-identities</c>, the same fields in a JSON body.</summary>
    public static Task<IResult> V2ListFromBodyAsync(SesApiRequest<ListRequest> api, IdentitiesService identities)
    {
        ArgumentNullException.ThrowIfNull(api);
        return ListAsync(api, identities, api.Body.PageSize?.ToString(System.Globalization.CultureInfo.InvariantCulture), api.Body.NextToken);
    }

    public static async Task<IResult> V2CreateAsync(SesApiRequest<CreateEmailIdentityRequest> api, IdentitiesService identities, DnsRecordOptions dns)
    {
        ArgumentNullException.ThrowIfNull(api);
        var request = api.Body;
        var name = request.EmailIdentity;
        if (string.IsNullOrWhiteSpace(name))
        {
            return api.Error(new Error("InvalidParameterValue", "EmailIdentity is required."));
        }

        var parsed = SendingIdentityName.Parse(name);
        Result<IdentityRow> created;
        if (parsed.IsSuccess && parsed.Value.IsDomain)
        {
            var dkim = request.DkimSigningAttributes;
            var input = new NewDomainIdentity
            {
                Selector = dkim?.DomainSigningSelector,
                PrivateKey = dkim?.DomainSigningPrivateKey,
                DkimKeyLength = dkim?.NextSigningKeyLength == "RSA_1024_BIT" ? 1024 : 2048,
            };
            created = await identities.CreateDomainAsync(api.Caller, api.Region, name, input, api.Aborted);
        }
        else
        {
            created = await identities.CreateEmailAsync(api.Caller, api.Region, name, api.BaseUri, api.Aborted);
        }

        if (!created.IsSuccess)
        {
            return api.Error(created.Error);
        }

        var details = (await identities.GetAsync(api.Caller, api.Region, created.Value.Name, api.Aborted)).Value!;
        return Results.Json(new
        {
            IdentityType = created.Value.Type == SendingIdentityType.Domain ? "DOMAIN" : "EMAIL_ADDRESS",
            VerifiedForSendingStatus = details.Identity.CanSend,
            DkimAttributes = DkimAttributes(dns, details),
        }, Json);
    }

    public static async Task<IResult> V2GetAsync(SesApiRequest api, IdentitiesService identities, IdentityPoliciesService policies, DnsRecordOptions dns,
        Notifications.Feedback.IdentityNotificationsService notifications, string identity)
    {
        ArgumentNullException.ThrowIfNull(api);
        var details = await identities.GetAsync(api.Caller, api.Region, identity, api.Aborted);
        if (!details.IsSuccess)
        {
            return api.Error(details.Error);
        }

        var d = details.Value;
        var policyList = await policies.ListAsync(api.Caller, api.Region, identity, api.Aborted);
        return Results.Json(new
        {
            IdentityType = d.Identity.Type == SendingIdentityType.Domain ? "DOMAIN" : "EMAIL_ADDRESS",
            FeedbackForwardingStatus = (await notifications.GetAsync(api.Caller, api.Region, identity, api.Aborted)).Value?.Settings.ForwardingEnabled ?? true,
            VerifiedForSendingStatus = d.Identity.CanSend,
            VerificationStatus = V2Status(d.Identity.Status),
            DkimAttributes = DkimAttributes(dns, d),
            MailFromAttributes = d.MailFromDomain is null ? null : new
            {
                MailFromDomain = d.MailFromDomain,
                MailFromDomainStatus = V2Status(d.MailFromStatus),
                BehaviorOnMxFailure = d.MailFromBehavior == Data.Entities.MailFromBehavior.RejectMessage ? "REJECT_MESSAGE" : "USE_DEFAULT_VALUE",
            },
            Policies = policyList.IsSuccess ? policyList.Value.Policies.ToDictionary(p => p.Name, p => p.Document) : [],
            Tags = Array.Empty<object>(),
            ConfigurationSetName = d.DefaultConfigurationSetName,
        }, Json);
    }

    public static async Task<IResult> V2DeleteAsync(SesApiRequest api, IdentitiesService identities, string identity)
    {
        ArgumentNullException.ThrowIfNull(api);
        var deleted = await identities.DeleteAsync(api.Caller, api.Region, identity, api.Aborted);
        return deleted.IsSuccess ? Results.Json(new { }, Json) : api.Error(deleted.Error!);
    }

    /// <summary>VerifyEmailIdentity and VerifyEmailAddress: v1 re-sends the verification mail for an address that is already pending.</summary>
    public static async Task<IResult> V1VerifyEmailAsync(V1Request request, IdentitiesService identities)
    {
        ArgumentNullException.ThrowIfNull(request);
        var address = request.Field("EmailAddress") ?? "";
        var baseUri = request.Api.BaseUri;
        var created = await identities.CreateEmailAsync(request.Caller, request.Region, address, baseUri, request.Aborted);
        if (!created.IsSuccess && created.Error.Code == "identity.exists")
        {
            var resent = await identities.ResendVerificationAsync(request.Caller, request.Region, address, baseUri, request.Aborted);
            if (!resent.IsSuccess && resent.Error!.Code != "identity.already_verified")
            {
                return request.Error(resent.Error);
            }
        }
        else if (!created.IsSuccess)
        {
            return request.Error(created.Error);
        }

        return request.Result("");
    }

    public static async Task<IResult> V1VerifyDomainAsync(V1Request request, IdentitiesService identities)
    {
        ArgumentNullException.ThrowIfNull(request);
        var domain = request.Field("Domain") ?? "";
        if (await CreateOrRestartDomainAsync(request, identities, domain) is { } failed)
        {
            return failed;
        }

        var parsed = SendingIdentityName.ParseDomain(domain);
        var details = await identities.GetAsync(request.Caller, request.Region, parsed.IsSuccess ? parsed.Value.Value : domain, request.Aborted);
        var token = details.Value?.Records.FirstOrDefault(r => r.Name.StartsWith("_amazonses.", StringComparison.Ordinal))?.Value ?? "";
        return request.Result($"<VerificationToken>{SecurityElement.Escape(token)}</VerificationToken>");
    }

    public static async Task<IResult> V1ListAsync(V1Request request, IdentitiesService identities)
    {
        ArgumentNullException.ThrowIfNull(request);
        var type = request.Field("IdentityType") ?? "";
        if (type is not ("" or "EmailAddress" or "Domain"))
        {
            return request.Error(new Error("InvalidParameterValue", $"Invalid IdentityType '{type}': use EmailAddress or Domain."));
        }

        var list = await identities.ListAsync(request.Caller, request.Region, request.Aborted);
        if (!list.IsSuccess)
        {
            return request.Error(list.Error);
        }

        var ofType = list.Value.Where(i => type.Length == 0 || (type == "Domain") == (i.Type == SendingIdentityType.Domain)).ToList();
        var page = SesApiPaging.Page(ofType, request.Field("MaxItems"), request.Field("NextToken"), "MaxItems");
        if (!page.IsSuccess)
        {
            return request.Error(page.Error);
        }

        var members = page.Value.Items.Select(i => $"<member>{SecurityElement.Escape(i.Name)}</member>");
        var next = page.Value.NextToken is { } nextToken ? $"<NextToken>{SecurityElement.Escape(nextToken)}</NextToken>" : "";
        return request.Result($"<Identities>{string.Concat(members)}</Identities>{next}");
    }

    public static async Task<IResult> V1GetVerificationAttributesAsync(V1Request request, IdentitiesService identities)
    {
        ArgumentNullException.ThrowIfNull(request);
        var entries = new StringBuilder();
        foreach (var name in request.Members("Identities").Distinct(StringComparer.Ordinal))
        {
            var details = await identities.GetAsync(request.Caller, request.Region, name, request.Aborted);
            if (details.Value is not { } d)
            {
                continue;
            }

            var token = d.Records.FirstOrDefault(r => r.Name.StartsWith("_amazonses.", StringComparison.Ordinal))?.Value;
            entries.Append(System.Globalization.CultureInfo.InvariantCulture, $"<entry><key>{SecurityElement.Escape(d.Identity.Name)}</key><value><VerificationStatus>{d.Identity.Status}</VerificationStatus>")
                .Append(token is null ? "" : $"<VerificationToken>{SecurityElement.Escape(token)}</VerificationToken>")
                .Append("</value></entry>");
        }

        return request.Result($"<VerificationAttributes>{entries}</VerificationAttributes>");
    }

    public static async Task<IResult> V1DeleteAsync(V1Request request, IdentitiesService identities)
    {
        ArgumentNullException.ThrowIfNull(request);
        var deleted = await identities.DeleteAsync(request.Caller, request.Region, request.Field("Identity") ?? "", request.Aborted);
        if (!deleted.IsSuccess && deleted.Error!.Code != "identity.not_found")
        {
            return request.Error(deleted.Error);
        }

        return request.Result("");
    }

    /// <summary>
    /// VerifyDomainIdentity and VerifyDomainDkim create the domain identity, or, as in SES, verifying it again restarts a
    /// failed verification (same token and keys, a new 72 h window). Null when that worked, else the error to answer.
    /// </summary>
    internal static async Task<IResult?> CreateOrRestartDomainAsync(V1Request request, IdentitiesService identities, string domain)
    {
        var created = await identities.CreateDomainAsync(request.Caller, request.Region, domain, new NewDomainIdentity(), request.Aborted);
        if (!created.IsSuccess && created.Error.Code != "identity.exists")
        {
            return request.Error(created.Error);
        }

        if (!created.IsSuccess)
        {
            var restarted = await identities.RestartVerificationAsync(request.Caller, request.Region, domain, request.Aborted);
            if (!restarted.IsSuccess && restarted.Error!.Code is not ("identity.not_failed" or "identity.not_a_domain"))
            {
                return request.Error(restarted.Error);
            }
        }

        return null;
    }

    private static async Task<IResult> ListAsync(SesApiRequest api, IdentitiesService identities, string? pageSizeText, string? token)
    {
        ArgumentNullException.ThrowIfNull(api);
        var list = await identities.ListAsync(api.Caller, api.Region, api.Aborted);
        if (!list.IsSuccess)
        {
            return api.Error(list.Error);
        }

        var page = SesApiPaging.Page(list.Value, pageSizeText, token, "PageSize");
        if (!page.IsSuccess)
        {
            return api.Error(page.Error);
        }

        return Results.Json(new
        {
            page.Value.NextToken,
            EmailIdentities = page.Value.Items.Select(i => new
            {
                IdentityType = i.Type == SendingIdentityType.Domain ? "DOMAIN" : "EMAIL_ADDRESS",
                IdentityName = i.Name,
                SendingEnabled = i.CanSend,
                VerificationStatus = V2Status(i.Status),
            }),
        }, Json);
    }

    /// <summary>
    /// SES's DkimAttributes, with <c>SigningHostedZone</c> (the zone Easy DKIM's CNAMEs point into; null in TXT mode and
    /// for BYODKIM) and our extension <c>DnsRecords</c>: the DKIM records to publish, in either mode, as the identity page
    /// lists them (<c>docs/identities.md</c>, "The records through the API").
    /// </summary>
    private static object? DkimAttributes(DnsRecordOptions dns, IdentityDetails d) => d.Identity.Type != SendingIdentityType.Domain ? null : new
    {
        SigningEnabled = d.Identity.DkimSigningEnabled,
        Status = V2Status(d.Identity.DkimStatus),
        Tokens = d.DkimSelectors,
        SigningHostedZone = d.DkimOrigin == Data.Entities.DkimOrigin.EasyDkim ? dns.CnameZone : null,
        SigningAttributesOrigin = d.DkimOrigin == Data.Entities.DkimOrigin.External ? "EXTERNAL" : "AWS_SES",
        CurrentSigningKeyLength = d.DkimKeyLength == 1024 ? "RSA_1024_BIT" : "RSA_2048_BIT",
        DnsRecords = d.Records.Where(r => r.Purpose == IdentitiesService.DkimRecordPurpose).Select(r => new { r.Type, r.Name, r.Value }),
    };

    private static string V2Status(VerificationStatus status) => status switch
    {
        VerificationStatus.Success => "SUCCESS",
        VerificationStatus.Pending => "PENDING",
        VerificationStatus.Failed => "FAILED",
        VerificationStatus.TemporaryFailure => "TEMPORARY_FAILURE",
        _ => "NOT_STARTED",
    };
}
