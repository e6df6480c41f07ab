using System.Security;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Primitives;
using SesConsole.Web.Features.Accounts;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Sending;

namespace SesConsole.Web.Features.Api;

/// <summary>
/// The SES-compatible HTTP API that the real AWS SDKs call (endpoint = this console's URL, signing name <c>ses</c>,
/// region = one of <c>Console:Regions</c>, credentials = a console access key): v2 REST-JSON under <c>/v2/email/</c> and
/// v1 awsQuery as <c>POST /</c> with <c>Action=…</c>. Identity and account operations are here; sending is added by the
/// send pipeline.
/// </summary>
public static class SesApiEndpoints
{
    private static readonly JsonSerializerOptions Json = new();

    public static IEndpointRouteBuilder MapSesApi(this IEndpointRouteBuilder endpoints)
    {
        var v2 = endpoints.MapGroup("/v2/email").DisableAntiforgery();
        v2.MapGet("/account", Handler(c => V2Async(c, GetAccountAsync)));
        v2.MapGet("/identities", Handler(c => V2Async(c, ListIdentitiesAsync)));
        v2.MapPost("/list-identities", Handler(c => V2Async(c, ListIdentitiesAsync))); // how @aws-sdk/client-sesv2 3.11xx sends ListEmailIdentities
        v2.MapPost("/identities", Handler(c => V2Async(c, CreateIdentityAsync)));
        v2.MapGet("/identities/{identity}", Handler(c => V2Async(c, (ctx, api, body) => GetIdentityAsync(ctx, api, RouteValue(ctx, "identity")))));
        v2.MapGet("/identities/{identity}/policies", Handler(c => V2Async(c, (ctx, api, body) => SesApiPolicyEndpoints.V2GetAsync(ctx, api, RouteValue(ctx, "identity")))));
        v2.MapPost("/identities/{identity}/policies/{policy}", Handler(c => V2Async(c, (ctx, api, body) =>
            SesApiPolicyEndpoints.V2PutAsync(ctx, api, body, RouteValue(ctx, "identity"), RouteValue(ctx, "policy"), create: true))));
        v2.MapPut("/identities/{identity}/policies/{policy}", Handler(c => V2Async(c, (ctx, api, body) =>
            SesApiPolicyEndpoints.V2PutAsync(ctx, api, body, RouteValue(ctx, "identity"), RouteValue(ctx, "policy"), create: false))));
        v2.MapPut("/identities/{identity}/dkim", Handler(c => V2Async(c, (ctx, api, body) =>
            SesApiIdentitySettingsEndpoints.V2PutDkimAsync(ctx, api, body, RouteValue(ctx, "identity")))));
        v2.MapPut("/identities/{identity}/mail-from", Handler(c => V2Async(c, (ctx, api, body) =>
            SesApiIdentitySettingsEndpoints.V2PutMailFromAsync(ctx, api, body, RouteValue(ctx, "identity")))));
        v2.MapDelete("/identities/{identity}/policies/{policy}", Handler(c => V2Async(c, (ctx, api, body) =>
            SesApiPolicyEndpoints.V2DeleteAsync(ctx, api, RouteValue(ctx, "identity"), RouteValue(ctx, "policy")))));
        v2.MapPut("/suppression/addresses", Handler(c => V2Async(c, PutSuppressedAsync)));
        v2.MapGet("/suppression/addresses", Handler(c => V2Async(c, ListSuppressedAsync)));
        v2.MapGet("/suppression/addresses/{address}", Handler(c => V2Async(c, (ctx, api, body) => GetSuppressedAsync(ctx, api, RouteValue(ctx, "address")))));
        v2.MapDelete("/suppression/addresses/{address}", Handler(c => V2Async(c, (ctx, api, body) => DeleteSuppressedAsync(ctx, api, RouteValue(ctx, "address")))));
        v2.MapPost("/outbound-emails", Handler(c => V2Async(c, SesApiSendEndpoints.V2SendEmailAsync)));
        v2.MapDelete("/identities/{identity}", Handler(c => V2Async(c, (ctx, api, body) => DeleteIdentityAsync(ctx, api, RouteValue(ctx, "identity")))));

        // v1 (Query): POST / with a form body. Ordered before the Razor page at "/" so a signed API call never reaches it.
        // The STS Query API shares this path; a signature scoped to the service "sts" goes there (docs/sts.md).
        endpoints.MapPost("/", Handler(c => Sts.StsEndpoints.IsStsRequest(c.Request) ? Sts.StsEndpoints.HandleAsync(c) : V1Async(c)))
            .DisableAntiforgery().WithOrder(-1);
        return endpoints;
    }

    private delegate Task<IResult> V2Handler(HttpContext context, ApiCaller caller, byte[] body);

    /// <summary>A route handler (not a RequestDelegate), so the returned <see cref="IResult"/> is written.</summary>
    private static Delegate Handler(Func<HttpContext, Task<IResult>> handler) => handler;

    private static string RouteValue(HttpContext context, string name) => Uri.UnescapeDataString(context.GetRouteValue(name)?.ToString() ?? "");

    private static async Task<IResult> V2Async(HttpContext context, V2Handler handler)
    {
        var body = await ReadBodyAsync(context);
        var auth = await context.RequestServices.GetRequiredService<SesApiAuthentication>().AuthenticateAsync(context, body, context.RequestAborted);
        if (!auth.IsSuccess)
        {
            return SesApiErrors.V2(context, auth.Error);
        }

        context.Response.Headers["x-amzn-RequestId"] = SesApiErrors.RequestId(context);
        return await handler(context, auth.Value, body);
    }

    private static async Task<IResult> GetAccountAsync(HttpContext context, ApiCaller api, byte[] body)
    {
        var account = await context.RequestServices.GetRequiredService<AccountsService>().GetOwnAsync(api.Caller, context.RequestAborted);
        if (!account.IsSuccess)
        {
            return SesApiErrors.V2(context, account.Error);
        }

        var a = account.Value;
        return Results.Json(new
        {
            SendQuota = new { a.Max24HourSend, a.MaxSendRate, SentLast24Hours = (double)a.SentLast24Hours },
            a.SendingEnabled,
            ProductionAccessEnabled = !a.Sandbox,
            EnforcementStatus = a.Reputation.Status switch { "At risk" => "PROBATION", "Under review" => "PROBATION", _ => "HEALTHY" },
            DedicatedIpAutoWarmupEnabled = false,
        }, Json);
    }

    /// <summary>
    /// ListEmailIdentities: <c>GET /v2/email/identities?PageSize=&amp;NextToken=</c> (older SDKs) or
    /// <c>POST /v2/email/list-identities</c> with the same fields in a JSON body (current @aws-sdk/client-sesv2).
    /// </summary>
    private static async Task<IResult> ListIdentitiesAsync(HttpContext context, ApiCaller api, byte[] body)
    {
        string? pageSizeText, token;
        if (HttpMethods.IsPost(context.Request.Method))
        {
            if (!SesApiErrors.TryParseV2Json(context, body, out var json, out var badJson))
            {
                return badJson!;
            }

            var size = json?["PageSize"];
            pageSizeText = size is JsonValue v && v.TryGetValue<int>(out var n) ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : size?.ToJsonString();
            token = json?["NextToken"] is JsonValue t && t.TryGetValue<string>(out var text) ? text : json?["NextToken"]?.ToJsonString();
        }
        else
        {
            pageSizeText = context.Request.Query["PageSize"].FirstOrDefault();
            token = context.Request.Query["NextToken"].FirstOrDefault();
        }

        var list = await context.RequestServices.GetRequiredService<IdentitiesService>().ListAsync(api.Caller, api.Region, context.RequestAborted);
        if (!list.IsSuccess)
        {
            return SesApiErrors.V2(context, list.Error);
        }

        var page = SesApiPaging.Page(list.Value, pageSizeText, token, "PageSize");
        if (!page.IsSuccess)
        {
            return SesApiErrors.V2(context, page.Error, "BadRequestException", 400);
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

    private static async Task<IResult> CreateIdentityAsync(HttpContext context, ApiCaller api, byte[] body)
    {
        if (!SesApiErrors.TryParseV2Json(context, body, out var request, out var badJson))
        {
            return badJson!;
        }

        var name = request?["EmailIdentity"]?.GetValue<string>();
        if (string.IsNullOrWhiteSpace(name))
        {
            return SesApiErrors.V2(context, new Error("InvalidParameterValue", "EmailIdentity is required."), "BadRequestException", 400);
        }

        var identities = context.RequestServices.GetRequiredService<IdentitiesService>();
        var parsed = SendingIdentityName.Parse(name);
        Result<IdentityRow> created;
        if (parsed.IsSuccess && parsed.Value.IsDomain)
        {
            var dkim = request?["DkimSigningAttributes"];
            var input = new NewDomainIdentity
            {
                Selector = dkim?["DomainSigningSelector"]?.GetValue<string>(),
                PrivateKey = dkim?["DomainSigningPrivateKey"]?.GetValue<string>(),
                DkimKeyLength = dkim?["NextSigningKeyLength"]?.GetValue<string>() == "RSA_1024_BIT" ? 1024 : 2048,
            };
            created = await identities.CreateDomainAsync(api.Caller, api.Region, name, input, context.RequestAborted);
        }
        else
        {
            created = await identities.CreateEmailAsync(api.Caller, api.Region, name, BaseUri(context), context.RequestAborted);
        }

        if (!created.IsSuccess)
        {
            return SesApiErrors.V2(context, created.Error);
        }

        var details = (await identities.GetAsync(api.Caller, api.Region, created.Value.Name, context.RequestAborted)).Value!;
        return Results.Json(new
        {
            IdentityType = created.Value.Type == SendingIdentityType.Domain ? "DOMAIN" : "EMAIL_ADDRESS",
            VerifiedForSendingStatus = details.Identity.CanSend,
            DkimAttributes = DkimAttributes(context, details),
        }, Json);
    }

    private static async Task<IResult> GetIdentityAsync(HttpContext context, ApiCaller api, string identity)
    {
        var details = await context.RequestServices.GetRequiredService<IdentitiesService>().GetAsync(api.Caller, api.Region, identity, context.RequestAborted);
        if (!details.IsSuccess)
        {
            return SesApiErrors.V2(context, details.Error);
        }

        var d = details.Value;
        var policies = await context.RequestServices.GetRequiredService<Policies.IdentityPoliciesService>().ListAsync(api.Caller, api.Region, identity, context.RequestAborted);
        return Results.Json(new
        {
            IdentityType = d.Identity.Type == SendingIdentityType.Domain ? "DOMAIN" : "EMAIL_ADDRESS",
            FeedbackForwardingStatus = true,
            VerifiedForSendingStatus = d.Identity.CanSend,
            VerificationStatus = V2Status(d.Identity.Status),
            DkimAttributes = DkimAttributes(context, d),
            MailFromAttributes = d.MailFromDomain is null ? null : new
            {
                MailFromDomain = d.MailFromDomain,
                MailFromDomainStatus = V2Status(d.MailFromStatus),
                BehaviorOnMxFailure = d.MailFromBehavior == Data.Entities.MailFromBehavior.RejectMessage ? "REJECT_MESSAGE" : "USE_DEFAULT_VALUE",
            },
            Policies = policies.IsSuccess ? policies.Value.Policies.ToDictionary(p => p.Name, p => p.Document) : [],
            Tags = Array.Empty<object>(),
        }, Json);
    }

    private static async Task<IResult> DeleteIdentityAsync(HttpContext context, ApiCaller api, string identity)
    {
        var deleted = await context.RequestServices.GetRequiredService<IdentitiesService>().DeleteAsync(api.Caller, api.Region, identity, context.RequestAborted);
        return deleted.IsSuccess ? Results.Json(new { }, Json) : SesApiErrors.V2(context, deleted.Error!);
    }

    private static async Task<IResult> PutSuppressedAsync(HttpContext context, ApiCaller api, byte[] body)
    {
        if (!SesApiErrors.TryParseV2Json(context, body, out var json, out var badJson))
        {
            return badJson!;
        }

        var put = await context.RequestServices.GetRequiredService<SuppressionService>().PutAsync(api.Caller,
            json?["EmailAddress"]?.GetValue<string>() ?? "", json?["Reason"]?.GetValue<string>() ?? "", context.RequestAborted);
        return put.IsSuccess ? Results.Json(new { }, Json) : SesApiErrors.V2(context, put.Error!, put.Error!.Code.StartsWith("auth.", StringComparison.Ordinal) ? null : "BadRequestException", null);
    }

    private static async Task<IResult> ListSuppressedAsync(HttpContext context, ApiCaller api, byte[] body)
    {
        var list = await context.RequestServices.GetRequiredService<SuppressionService>().ListAsync(api.Caller, context.RequestAborted);
        return list.IsSuccess
            ? Results.Json(new { SuppressedDestinationSummaries = list.Value.Select(r => new { EmailAddress = r.Address, r.Reason, LastUpdateTime = r.At.ToUnixTimeSeconds() }) }, Json)
            : SesApiErrors.V2(context, list.Error);
    }

    private static async Task<IResult> GetSuppressedAsync(HttpContext context, ApiCaller api, string address)
    {
        var list = await context.RequestServices.GetRequiredService<SuppressionService>().ListAsync(api.Caller, context.RequestAborted);
        if (!list.IsSuccess)
        {
            return SesApiErrors.V2(context, list.Error);
        }

        var row = list.Value.FirstOrDefault(r => string.Equals(r.Address, address, StringComparison.OrdinalIgnoreCase));
        return row is null
            ? SesApiErrors.V2(context, new Error("suppression.not_found", $"Email address {address} does not exist on your suppression list."), "NotFoundException", 404)
            : Results.Json(new { SuppressedDestination = new { EmailAddress = row.Address, row.Reason, LastUpdateTime = row.At.ToUnixTimeSeconds() } }, Json);
    }

    private static async Task<IResult> DeleteSuppressedAsync(HttpContext context, ApiCaller api, string address)
    {
        var deleted = await context.RequestServices.GetRequiredService<SuppressionService>().DeleteAsync(api.Caller, address, context.RequestAborted);
        return deleted.IsSuccess ? Results.Json(new { }, Json)
            : SesApiErrors.V2(context, deleted.Error!, deleted.Error!.Code == "suppression.not_found" ? "NotFoundException" : null, deleted.Error.Code == "suppression.not_found" ? 404 : null);
    }

    /// <summary>
    /// SES's DkimAttributes, with <c>SigningHostedZone</c> (the zone Easy DKIM's CNAMEs point into; null in TXT mode and
    /// for BYODKIM) and our extension <c>DnsRecords</c>: the DKIM records to publish, in either mode, as the identity page
    /// lists them (<c>docs/identities.md</c>, "The records through the API").
    /// </summary>
    private static object? DkimAttributes(HttpContext context, IdentityDetails d) => d.Identity.Type != SendingIdentityType.Domain ? null : new
    {
        SigningEnabled = d.Identity.DkimSigningEnabled,
        Status = V2Status(d.Identity.DkimStatus),
        Tokens = d.DkimSelectors,
        SigningHostedZone = d.DkimOrigin == Data.Entities.DkimOrigin.EasyDkim ? context.RequestServices.GetRequiredService<DnsRecordOptions>().CnameZone : null,
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

    // ---- v1 (awsQuery) ----

    private static async Task<IResult> V1Async(HttpContext context)
    {
        var body = await ReadBodyAsync(context);
        var parsedForm = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body));
        var form = new Dictionary<string, Microsoft.Extensions.Primitives.StringValues>(parsedForm, StringComparer.Ordinal);
        string Field(string name) => form.TryGetValue(name, out var value) ? value.ToString() : "";
        var action = Field("Action");
        var auth = await context.RequestServices.GetRequiredService<SesApiAuthentication>().AuthenticateAsync(context, body, context.RequestAborted);
        if (!auth.IsSuccess)
        {
            return SesApiErrors.V1(context, auth.Error);
        }

        var api = auth.Value;
        var identities = context.RequestServices.GetRequiredService<IdentitiesService>();
        var ct = context.RequestAborted;
        context.Response.Headers["x-amzn-RequestId"] = SesApiErrors.RequestId(context);
        if (await SesApiSendEndpoints.V1SendAsync(context, api, action, form) is { } sent)
        {
            return sent;
        }

        if (await SesApiPolicyEndpoints.V1Async(context, api, action, form) is { } policyResult)
        {
            return policyResult;
        }

        if (await SesApiIdentitySettingsEndpoints.V1Async(context, api, action, form) is { } settingsResult)
        {
            return settingsResult;
        }

        switch (action)
        {
            case "VerifyEmailIdentity" or "VerifyEmailAddress":
            {
                var address = Field("EmailAddress");
                var created = await identities.CreateEmailAsync(api.Caller, api.Region, address, BaseUri(context), ct);
                if (!created.IsSuccess && created.Error.Code == "identity.exists")
                {
                    // v1 re-sends the verification mail for an address that is already pending.
                    var resent = await identities.ResendVerificationAsync(api.Caller, api.Region, address, BaseUri(context), ct);
                    if (!resent.IsSuccess && resent.Error!.Code != "identity.already_verified")
                    {
                        return SesApiErrors.V1(context, resent.Error);
                    }
                }
                else if (!created.IsSuccess)
                {
                    return SesApiErrors.V1(context, created.Error);
                }

                return SesApiErrors.V1Result(context, action, "");
            }

            case "VerifyDomainIdentity":
            {
                var domain = Field("Domain");
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
                var token = details.Value?.Records.FirstOrDefault(r => r.Name.StartsWith("_amazonses.", StringComparison.Ordinal))?.Value ?? "";
                return SesApiErrors.V1Result(context, action, $"<VerificationToken>{SecurityElement.Escape(token)}</VerificationToken>");
            }

            case "ListIdentities":
            {
                var type = Field("IdentityType");
                if (type is not ("" or "EmailAddress" or "Domain"))
                {
                    return SesApiErrors.V1(context, new Error("InvalidParameterValue", $"Invalid IdentityType '{type}': use EmailAddress or Domain."), "InvalidParameterValue", 400);
                }

                var list = await identities.ListAsync(api.Caller, api.Region, ct);
                if (!list.IsSuccess)
                {
                    return SesApiErrors.V1(context, list.Error);
                }

                var ofType = list.Value.Where(i => type.Length == 0 || (type == "Domain") == (i.Type == SendingIdentityType.Domain)).ToList();
                var page = SesApiPaging.Page(ofType, form.ContainsKey("MaxItems") ? Field("MaxItems") : null, form.ContainsKey("NextToken") ? Field("NextToken") : null, "MaxItems");
                if (!page.IsSuccess)
                {
                    return SesApiErrors.V1(context, page.Error, "InvalidParameterValue", 400);
                }

                var members = page.Value.Items.Select(i => $"<member>{SecurityElement.Escape(i.Name)}</member>");
                var next = page.Value.NextToken is { } nextToken ? $"<NextToken>{SecurityElement.Escape(nextToken)}</NextToken>" : "";
                return SesApiErrors.V1Result(context, action, $"<Identities>{string.Concat(members)}</Identities>{next}");
            }

            case "GetIdentityVerificationAttributes":
            {
                var entries = new StringBuilder();
                foreach (var name in SesApiErrors.Members(form, "Identities").Distinct(StringComparer.Ordinal))
                {
                    var details = await identities.GetAsync(api.Caller, api.Region, name, ct);
                    if (details.Value is not { } d)
                    {
                        continue;
                    }

                    var token = d.Records.FirstOrDefault(r => r.Name.StartsWith("_amazonses.", StringComparison.Ordinal))?.Value;
                    entries.Append(System.Globalization.CultureInfo.InvariantCulture, $"<entry><key>{SecurityElement.Escape(d.Identity.Name)}</key><value><VerificationStatus>{d.Identity.Status}</VerificationStatus>")
                        .Append(token is null ? "" : $"<VerificationToken>{SecurityElement.Escape(token)}</VerificationToken>")
                        .Append("</value></entry>");
                }

                return SesApiErrors.V1Result(context, action, $"<VerificationAttributes>{entries}</VerificationAttributes>");
            }

            case "DeleteIdentity":
            {
                var deleted = await identities.DeleteAsync(api.Caller, api.Region, Field("Identity"), ct);
                if (!deleted.IsSuccess && deleted.Error!.Code != "identity.not_found")
                {
                    return SesApiErrors.V1(context, deleted.Error);
                }

                return SesApiErrors.V1Result(context, action, "");
            }

            case "GetSendQuota":
            {
                var account = await context.RequestServices.GetRequiredService<AccountsService>().GetOwnAsync(api.Caller, ct);
                if (!account.IsSuccess)
                {
                    return SesApiErrors.V1(context, account.Error);
                }

                var q = account.Value;
                return SesApiErrors.V1Result(context, action, FormattableString.Invariant($"<Max24HourSend>{q.Max24HourSend:0.0}</Max24HourSend><MaxSendRate>{q.MaxSendRate:0.0}</MaxSendRate><SentLast24Hours>{q.SentLast24Hours:0.0}</SentLast24Hours>"));
            }

            case "GetSendStatistics":
            {
                var statistics = await context.RequestServices.GetRequiredService<AccountsService>().GetSendStatisticsAsync(api.Caller, ct);
                if (!statistics.IsSuccess)
                {
                    return SesApiErrors.V1(context, statistics.Error);
                }

                var points = new StringBuilder("<SendDataPoints>");
                foreach (var p in statistics.Value)
                {
                    points.Append(System.Globalization.CultureInfo.InvariantCulture,
                        $"<member><Timestamp>{p.Timestamp.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}</Timestamp><DeliveryAttempts>{p.DeliveryAttempts}</DeliveryAttempts><Bounces>{p.Bounces}</Bounces><Complaints>{p.Complaints}</Complaints><Rejects>{p.Rejects}</Rejects></member>");
                }

                return SesApiErrors.V1Result(context, action, points.Append("</SendDataPoints>").ToString());
            }

            default:
                return SesApiErrors.V1(context, new Error("InvalidAction", $"The action {action} is not valid for this web service."), "InvalidAction", 400);
        }
    }


    private static Uri BaseUri(HttpContext context) => new($"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}/");

    private static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        return buffer.ToArray();
    }
}
