using SesConsole.Domain.Primitives;
using SesConsole.Web.Features.Sts;

namespace SesConsole.Web.Features.Api;

/// <summary>
/// The SES-compatible HTTP API that the real AWS SDKs call (endpoint = this console's URL, signing name <c>ses</c>,
/// region = one of <c>Console:Regions</c>, credentials = a console access key): v2 REST-JSON under <c>/v2/email/</c> and
/// v1 awsQuery as <c>POST /</c> with <c>Action=…</c>. All of it is one route group: <see cref="SesApiErrorFilter"/>
/// (SES's <c>InternalFailure</c> instead of an exception page), then <see cref="SesApiAuthenticationFilter"/> (SigV4), then
/// the v2 route's handler or the v1 dispatcher <see cref="SesApiV1"/> (docs/ses-api.md#the-request-pipeline). Any other
/// path under <c>/v2/</c> is SES's <c>UnknownOperationException</c>; <c>POST /</c> signed for <c>sts</c> is STS's.
/// </summary>
public static class SesApiEndpoints
{
    /// <summary>The SigV4 signing name of both SES APIs (the SDKs sign v1 and v2 for <c>ses</c>).</summary>
    public const string SigningName = "ses";

    public static IEndpointRouteBuilder MapSesApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var ses = endpoints.MapGroup("").DisableAntiforgery()
            .AddEndpointFilter<SesApiErrorFilter>()
            .AddEndpointFilter<SesApiAuthenticationFilter>();

        var v2 = ses.MapGroup("/v2/email").WithMetadata(SesApiDialect.V2);
        v2.MapGet("/account", SesApiAccountEndpoints.V2GetAccountAsync);
        v2.MapPut("/account/sending", SesApiAccountEndpoints.V2PutSendingAttributesAsync);
        v2.MapGet("/identities", SesApiIdentityEndpoints.V2ListAsync);
        // How @aws-sdk/client-sesv2 3.11xx sends ListEmailIdentities.
        v2.MapPost("/list-identities", SesApiIdentityEndpoints.V2ListFromBodyAsync);
        v2.MapPost("/identities", SesApiIdentityEndpoints.V2CreateAsync);
        v2.MapGet("/identities/{identity}", SesApiIdentityEndpoints.V2GetAsync);
        v2.MapDelete("/identities/{identity}", SesApiIdentityEndpoints.V2DeleteAsync);
        v2.MapGet("/identities/{identity}/policies", SesApiPolicyEndpoints.V2GetAsync);
        v2.MapPost("/identities/{identity}/policies/{policy}", SesApiPolicyEndpoints.V2CreateAsync);
        v2.MapPut("/identities/{identity}/policies/{policy}", SesApiPolicyEndpoints.V2UpdateAsync);
        v2.MapDelete("/identities/{identity}/policies/{policy}", SesApiPolicyEndpoints.V2DeleteAsync);
        v2.MapPut("/identities/{identity}/dkim", SesApiIdentitySettingsEndpoints.V2PutDkimAsync);
        v2.MapPut("/identities/{identity}/mail-from", SesApiIdentitySettingsEndpoints.V2PutMailFromAsync);
        v2.MapPut("/identities/{identity}/feedback", SesApiIdentityNotificationEndpoints.V2PutFeedbackAsync);
        v2.MapPut("/suppression/addresses", SesApiAccountEndpoints.V2PutSuppressedAsync);
        v2.MapGet("/suppression/addresses", SesApiAccountEndpoints.V2ListSuppressedAsync);
        v2.MapGet("/suppression/addresses/{address}", SesApiAccountEndpoints.V2GetSuppressedAsync);
        v2.MapDelete("/suppression/addresses/{address}", SesApiAccountEndpoints.V2DeleteSuppressedAsync);
        v2.MapPost("/outbound-emails", SesApiSendEndpoints.V2SendEmailAsync);
        v2.MapPost("/outbound-bulk-emails", SesApiSendEndpoints.V2SendBulkEmailAsync);
        v2.MapPost("/configuration-sets", SesApiConfigurationSetEndpoints.V2CreateAsync);
        v2.MapGet("/configuration-sets", SesApiConfigurationSetEndpoints.V2ListAsync);
        // How current @aws-sdk/client-sesv2 sends ListConfigurationSets.
        v2.MapPost("/list-configuration-sets", SesApiConfigurationSetEndpoints.V2ListFromBodyAsync);
        v2.MapGet("/configuration-sets/{name}", SesApiConfigurationSetEndpoints.V2GetAsync);
        v2.MapDelete("/configuration-sets/{name}", SesApiConfigurationSetEndpoints.V2DeleteAsync);
        v2.MapPost("/configuration-sets/{name}/event-destinations", SesApiEventDestinationEndpoints.V2CreateAsync);
        v2.MapGet("/configuration-sets/{name}/event-destinations", SesApiEventDestinationEndpoints.V2GetAsync);
        v2.MapPut("/configuration-sets/{name}/event-destinations/{destination}", SesApiEventDestinationEndpoints.V2UpdateAsync);
        v2.MapDelete("/configuration-sets/{name}/event-destinations/{destination}", SesApiEventDestinationEndpoints.V2DeleteAsync);
        v2.MapPut("/identities/{identity}/configuration-set", SesApiEventDestinationEndpoints.V2PutIdentityDefaultAsync);

        // v1 (Query): POST / with a form body, ordered before the Razor page at "/" so a signed API call never reaches it.
        var v1 = new SesApiV1(new RequestDelegateFactoryOptions { ServiceProvider = endpoints.ServiceProvider, DisableInferBodyFromParameters = true });
        ses.MapPost("/", v1.DispatchAsync).WithMetadata(SesApiDialect.V1).WithOrder(-1);

        // Any other method or path under /v2/ is an operation the console does not implement, signed or not: SES's v2
        // error, not the console's HTML "not found" page. The catch-all ranks below every route above.
        endpoints.Map("/v2/{**operation}", UnknownOperation).WithMetadata(SesApiDialect.V2).DisableAntiforgery();

        // STS shares POST /: a signature scoped to the service "sts" is routed to it instead (docs/sts.md#the-endpoint).
        endpoints.MapStsApi();
        // So does SNS, for a signature scoped to "sns" (docs/notifications.md#sns-api).
        Sns.SnsEndpoints.MapSnsApi(endpoints);
        return endpoints;
    }

    private static IResult UnknownOperation(HttpContext context) =>
        SesApiErrors.V2(context, new Error("InvalidAction",
            $"Unknown operation: {context.Request.Method} {context.Request.Path} is not an SES v2 operation this console implements."));
}
