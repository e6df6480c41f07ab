using System.Security;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Sending;
using SesConsole.Web.Features.Accounts;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Sending;

namespace SesConsole.Web.Features.Api;

/// <summary>
/// The SES-compatible HTTP API that the real AWS SDKs call (endpoint = this console's URL, signing name <c>ses</c>,
/// region = one of <c>Console:Regions</c>, credentials = a console access key): v2 REST-JSON under <c>/v2/email/</c> and
/// v1 awsQuery as <c>POST /</c> with <c>Action=…</c>. Every request goes through <see cref="Run"/> (SES's
/// <c>InternalFailure</c> instead of an exception page), is authenticated for the signing name of its API, and v2 bodies
/// are bound once by <see cref="SesApiJson"/>. Any other path under <c>/v2/</c> is SES's <c>UnknownOperationException</c>.
/// </summary>
public static class SesApiEndpoints
{
    /// <summary>The SigV4 signing name of both SES APIs (the SDKs sign v1 and v2 for <c>ses</c>).</summary>
    public const string SigningName = "ses";

    private static readonly JsonSerializerOptions Json = new();

    public static IEndpointRouteBuilder MapSesApi(this IEndpointRouteBuilder endpoints)
    {
        var v2 = endpoints.MapGroup("/v2/email").DisableAntiforgery();
        v2.MapGet("/account", V2(GetAccountAsync));
        v2.MapGet("/identities", V2((ctx, api) => ListIdentitiesAsync(ctx, api, Query(ctx, "PageSize"), Query(ctx, "NextToken"))));
        // How @aws-sdk/client-sesv2 3.11xx sends ListEmailIdentities.
        v2.MapPost("/list-identities", V2<ListRequest>((ctx, api, r) => ListIdentitiesAsync(ctx, api, Text(r.PageSize), r.NextToken)));
        v2.MapPost("/identities", V2<CreateEmailIdentityRequest>(CreateIdentityAsync));
        v2.MapGet("/identities/{identity}", V2((ctx, api) => GetIdentityAsync(ctx, api, RouteValue(ctx, "identity"))));
        v2.MapGet("/identities/{identity}/policies", V2((ctx, api) => SesApiPolicyEndpoints.V2GetAsync(ctx, api, RouteValue(ctx, "identity"))));
        v2.MapPost("/identities/{identity}/policies/{policy}", V2<PolicyRequest>((ctx, api, r) =>
            SesApiPolicyEndpoints.V2PutAsync(ctx, api, r, RouteValue(ctx, "identity"), RouteValue(ctx, "policy"), create: true)));
        v2.MapPut("/identities/{identity}/policies/{policy}", V2<PolicyRequest>((ctx, api, r) =>
            SesApiPolicyEndpoints.V2PutAsync(ctx, api, r, RouteValue(ctx, "identity"), RouteValue(ctx, "policy"), create: false)));
        v2.MapPut("/identities/{identity}/dkim", V2<PutDkimAttributesRequest>((ctx, api, r) =>
            SesApiIdentitySettingsEndpoints.V2PutDkimAsync(ctx, api, r, RouteValue(ctx, "identity"))));
        v2.MapPut("/identities/{identity}/mail-from", V2<PutMailFromAttributesRequest>((ctx, api, r) =>
            SesApiIdentitySettingsEndpoints.V2PutMailFromAsync(ctx, api, r, RouteValue(ctx, "identity"))));
        v2.MapDelete("/identities/{identity}/policies/{policy}", V2((ctx, api) =>
            SesApiPolicyEndpoints.V2DeleteAsync(ctx, api, RouteValue(ctx, "identity"), RouteValue(ctx, "policy"))));
        v2.MapPut("/suppression/addresses", V2<PutSuppressedDestinationRequest>(PutSuppressedAsync));
        v2.MapGet("/suppression/addresses", V2(ListSuppressedAsync));
        v2.MapGet("/suppression/addresses/{address}", V2((ctx, api) => GetSuppressedAsync(ctx, api, RouteValue(ctx, "address"))));
        v2.MapDelete("/suppression/addresses/{address}", V2((ctx, api) => DeleteSuppressedAsync(ctx, api, RouteValue(ctx, "address"))));
        v2.MapPost("/outbound-emails", V2<SendEmailRequest>(SesApiSendEndpoints.V2SendEmailAsync));
        v2.MapDelete("/identities/{identity}", V2((ctx, api) => DeleteIdentityAsync(ctx, api, RouteValue(ctx, "identity"))));
        v2.MapPost("/configuration-sets", V2<CreateConfigurationSetRequest>(SesApiConfigurationSetEndpoints.V2CreateAsync));
        v2.MapGet("/configuration-sets", V2((ctx, api) => SesApiConfigurationSetEndpoints.V2ListAsync(ctx, api, Query(ctx, "PageSize"), Query(ctx, "NextToken"))));
        // How current @aws-sdk/client-sesv2 sends ListConfigurationSets.
        v2.MapPost("/list-configuration-sets", V2<ListRequest>((ctx, api, r) => SesApiConfigurationSetEndpoints.V2ListAsync(ctx, api, Text(r.PageSize), r.NextToken)));
        v2.MapGet("/configuration-sets/{name}", V2((ctx, api) => SesApiConfigurationSetEndpoints.V2GetAsync(ctx, api, RouteValue(ctx, "name"))));
        v2.MapDelete("/configuration-sets/{name}", V2((ctx, api) => SesApiConfigurationSetEndpoints.V2DeleteAsync(ctx, api, RouteValue(ctx, "name"))));

        // Any other method or path under /v2/ is an operation the console does not implement: SES's v2 error, not the
        // console's HTML "not found" page. The catch-all ranks below every route above.
        endpoints.Map("/v2/{**operation}", Run(ErrorDialect.V2, UnknownOperationAsync)).DisableAntiforgery();

        // v1 (Query): POST / with a form body. Ordered before the Razor page at "/" so a signed API call never reaches it.
        // The STS Query API shares this path; a signature scoped to the service "sts" goes there (docs/sts.md).
        endpoints.MapPost("/", Run(ErrorDialect.V1, c => Sts.StsEndpoints.IsStsRequest(c.Request) ? Sts.StsEndpoints.HandleAsync(c) : V1Async(c)))
            .DisableAntiforgery().WithOrder(-1);
        return endpoints;
    }

    /// <summary>
    /// The last-resort handler of the API: runs <paramref name="handler"/> and writes its result; an exception (a bug or
    /// a failed database) is logged and answered with SES's <c>InternalFailure</c> (500) in the API's shape — never the
    /// console's error page or a stack trace. A request Kestrel refuses to read (too large, malformed) is a client error.
    /// </summary>
    public static RequestDelegate Run(ErrorDialect dialect, Func<HttpContext, Task<IResult>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return context => RunAsync(context, dialect, handler);
    }

    private static async Task RunAsync(HttpContext context, ErrorDialect dialect, Func<HttpContext, Task<IResult>> handler)
    {
        IResult result;
        try
        {
            result = await handler(context);
        }
        catch (Exception ex) when (!Aborted(context, ex))
        {
            result = Failure(context, dialect, ex);
        }

        try
        {
            await result.ExecuteAsync(context);
        }
        catch (Exception ex) when (!Aborted(context, ex) && !context.Response.HasStarted)
        {
            context.Response.Clear();
            await Failure(context, dialect, ex).ExecuteAsync(context);
        }
    }

    private static bool Aborted(HttpContext context, Exception ex) => ex is OperationCanceledException && context.RequestAborted.IsCancellationRequested;

    private static IResult Failure(HttpContext context, ErrorDialect dialect, Exception ex)
    {
        if (ex is BadHttpRequestException bad)
        {
            var error = new Error("InvalidParameterValue", bad.Message);
            return dialect == ErrorDialect.V1 ? SesApiErrors.V1(context, error) : SesApiErrors.V2(context, error);
        }

        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SesApiEndpoints))
            .LogError(ex, "SES API {Method} {Path} failed (request {RequestId}); answered InternalFailure", context.Request.Method, context.Request.Path, SesApiErrors.RequestId(context));
        return SesApiErrors.InternalFailure(context, dialect);
    }

    private static Task<IResult> UnknownOperationAsync(HttpContext context) =>
        Task.FromResult(SesApiErrors.V2(context, new Error("InvalidAction",
            $"Unknown operation: {context.Request.Method} {context.Request.Path} is not an SES v2 operation this console implements.")));

    /// <summary>A v2 operation without a body: authenticate, then <paramref name="handler"/>.</summary>
    private static RequestDelegate V2(Func<HttpContext, ApiCaller, Task<IResult>> handler) =>
        Run(ErrorDialect.V2, async context =>
        {
            var (caller, failed, _) = await AuthenticateV2Async(context);
            return failed ?? await handler(context, caller!);
        });

    /// <summary>A v2 operation with a JSON body: authenticate, bind the body to <typeparamref name="TRequest"/>, then <paramref name="handler"/>.</summary>
    private static RequestDelegate V2<TRequest>(Func<HttpContext, ApiCaller, TRequest, Task<IResult>> handler) where TRequest : class, new() =>
        Run(ErrorDialect.V2, async context =>
        {
            var (caller, failed, body) = await AuthenticateV2Async(context);
            if (failed is not null)
            {
                return failed;
            }

            var request = SesApiJson.Bind<TRequest>(body);
            return request.IsSuccess ? await handler(context, caller!, request.Value) : SesApiErrors.V2(context, request.Error);
        });

    private static async Task<(ApiCaller? Caller, IResult? Failed, byte[] Body)> AuthenticateV2Async(HttpContext context)
    {
        var body = await ReadBodyAsync(context);
        var auth = await context.RequestServices.GetRequiredService<SesApiAuthentication>().AuthenticateAsync(context, body, SigningName, context.RequestAborted);
        if (!auth.IsSuccess)
        {
            return (null, SesApiErrors.V2(context, auth.Error), body);
        }

        context.Response.Headers["x-amzn-RequestId"] = SesApiErrors.RequestId(context);
        return (auth.Value, null, body);
    }

    private static string RouteValue(HttpContext context, string name) => Uri.UnescapeDataString(context.GetRouteValue(name)?.ToString() ?? "");

    private static string? Query(HttpContext context, string name) => context.Request.Query[name].FirstOrDefault();

    private static string? Text(int? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<IResult> GetAccountAsync(HttpContext context, ApiCaller api)
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
    private static async Task<IResult> ListIdentitiesAsync(HttpContext context, ApiCaller api, string? pageSizeText, string? token)
    {
        var list = await context.RequestServices.GetRequiredService<IdentitiesService>().ListAsync(api.Caller, api.Region, context.RequestAborted);
        if (!list.IsSuccess)
        {
            return SesApiErrors.V2(context, list.Error);
        }

        var page = SesApiPaging.Page(list.Value, pageSizeText, token, "PageSize");
        if (!page.IsSuccess)
        {
            return SesApiErrors.V2(context, page.Error);
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

    private static async Task<IResult> CreateIdentityAsync(HttpContext context, ApiCaller api, CreateEmailIdentityRequest request)
    {
        var name = request.EmailIdentity;
        if (string.IsNullOrWhiteSpace(name))
        {
            return SesApiErrors.V2(context, new Error("InvalidParameterValue", "EmailIdentity is required."));
        }

        var identities = context.RequestServices.GetRequiredService<IdentitiesService>();
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

    private static async Task<IResult> PutSuppressedAsync(HttpContext context, ApiCaller api, PutSuppressedDestinationRequest request)
    {
        var put = await context.RequestServices.GetRequiredService<SuppressionService>().PutAsync(api.Caller,
            request.EmailAddress ?? "", request.Reason ?? "", context.RequestAborted);
        return put.IsSuccess ? Results.Json(new { }, Json) : SesApiErrors.V2(context, put.Error!);
    }

    private static async Task<IResult> ListSuppressedAsync(HttpContext context, ApiCaller api)
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
            ? SesApiErrors.V2(context, new Error("suppression.not_found", $"Email address {address} does not exist on your suppression list."))
            : Results.Json(new { SuppressedDestination = new { EmailAddress = row.Address, row.Reason, LastUpdateTime = row.At.ToUnixTimeSeconds() } }, Json);
    }

    private static async Task<IResult> DeleteSuppressedAsync(HttpContext context, ApiCaller api, string address)
    {
        var deleted = await context.RequestServices.GetRequiredService<SuppressionService>().DeleteAsync(api.Caller, address, context.RequestAborted);
        return deleted.IsSuccess ? Results.Json(new { }, Json)
            : SesApiErrors.V2(context, deleted.Error!);
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
        var auth = await context.RequestServices.GetRequiredService<SesApiAuthentication>().AuthenticateAsync(context, body, SigningName, context.RequestAborted);
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

        if (await SesApiConfigurationSetEndpoints.V1Async(context, api, action, form) is { } configurationSetResult)
        {
            return configurationSetResult;
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
                    return SesApiErrors.V1(context, new Error("InvalidParameterValue", $"Invalid IdentityType '{type}': use EmailAddress or Domain."));
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
                    return SesApiErrors.V1(context, page.Error);
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
                return SesApiErrors.V1(context, new Error("InvalidAction", $"The action {action} is not valid for this web service."));
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
