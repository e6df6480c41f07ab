using System.Globalization;
using System.Security;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using SesConsole.Domain.Authentication;
using SesConsole.Domain.Primitives;
using SesConsole.Web.Features.Api;
using SesConsole.Web.Features.Iam;

namespace SesConsole.Web.Features.Sts;

/// <summary>
/// The STS Query API at the console's endpoint (docs/sts.md): <c>POST /</c> with a form body
/// (<c>Action=…&amp;Version=2011-06-15</c>), SigV4-signed for the service <c>sts</c>. The SES Query API shares the path; the
/// signature's credential scope tells them apart (<see cref="IsStsRequest"/>). Answers and errors are STS's XML.
/// </summary>
public static class StsEndpoints
{
    public const string ApiVersion = "2011-06-15";
    public const string SigningName = "sts";
    public const string Namespace = "https://sts.amazonaws.com/doc/2011-06-15/";

    /// <summary>Parameters of AssumeRole this console does not implement; refused rather than ignored (docs/sts.md).</summary>
    private static readonly string[] UnsupportedAssumeRoleParameters =
        ["Policy", "PolicyArns.", "Tags.", "TransitiveTagKeys.", "SerialNumber", "TokenCode", "SourceIdentity", "ProvidedContexts."];

    /// <summary>
    /// Maps <c>POST /</c> for STS. It ranks before the SES v1 endpoint at the same path, and <see cref="StsRouting"/> keeps it
    /// only for requests signed for <c>sts</c>; everything else at <c>POST /</c> is SES's. Its answers and auth errors are
    /// STS's XML; a failure of its own is answered by <see cref="SesApiErrorFilter"/> as the SES v1 API answers one.
    /// </summary>
    public static IEndpointConventionBuilder MapStsApi(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/", HandleAsync)
            .WithMetadata(new SigningServiceMetadata(SigningName), SesApiDialect.V1)
            .AddEndpointFilter<SesApiErrorFilter>()
            .DisableAntiforgery()
            .WithOrder(-2);

    /// <summary>Whether the request is signed for STS: its <c>Authorization</c> credential scope names the service <c>sts</c>.</summary>
    public static bool IsStsRequest(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var authorization = request.Headers.Authorization.ToString();
        // Most requests at POST / are SES's: they are told apart without parsing the header.
        if (!authorization.Contains("/" + SigningName + "/aws4_request", StringComparison.Ordinal))
        {
            return false;
        }

        var parsed = SigV4Verifier.ParseAuthorization(new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["authorization"] = authorization });
        return parsed.IsSuccess && parsed.Value.Credential.Service == SigningName;
    }

    /// <summary>Handles one STS request (routed here because it is signed for <c>sts</c>).</summary>
    public static async Task<IResult> HandleAsync(HttpContext context, StsAuthentication authentication, StsService sts)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(authentication);
        ArgumentNullException.ThrowIfNull(sts);
        var ct = context.RequestAborted;
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, ct);
        var body = buffer.ToArray();
        var form = new Dictionary<string, StringValues>(QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body)), StringComparer.Ordinal);
        string? Field(string name) => form.TryGetValue(name, out var value) ? value.ToString() : null;
        var action = Field("Action") ?? "";

        var auth = await authentication.AuthenticateAsync(context, body, ct);
        if (!auth.IsSuccess)
        {
            return StsXml.Error(context, auth.Error);
        }

        context.Response.Headers["x-amzn-RequestId"] = SesApiErrors.RequestId(context);
        var version = Field("Version");
        if (version != ApiVersion || action is not ("AssumeRole" or "GetCallerIdentity" or "GetSessionToken"))
        {
            return StsXml.Error(context, new Error("InvalidAction", $"Could not find operation {action} for version {version ?? "(none)"}"));
        }

        var caller = auth.Value;
        switch (action)
        {
            case "GetCallerIdentity":
            {
                var identity = StsService.GetCallerIdentity(caller);
                return StsXml.Result(context, action,
                    $"<Arn>{Escape(identity.Arn)}</Arn><UserId>{Escape(identity.UserId)}</UserId><Account>{Escape(identity.Account)}</Account>");
            }

            case "GetSessionToken":
            {
                if (form.Keys.FirstOrDefault(k => k is "SerialNumber" or "TokenCode") is { } mfa)
                {
                    return StsXml.Error(context, new Error("ValidationError", $"{mfa} is not supported by this console: it has no MFA devices."));
                }

                var issued = await sts.GetSessionTokenAsync(caller, Field("DurationSeconds"), ct);
                return issued.IsSuccess ? StsXml.Result(context, action, Credentials(issued.Value)) : StsXml.Error(context, issued.Error);
            }

            default:
            {
                if (form.Keys.FirstOrDefault(k => UnsupportedAssumeRoleParameters.Any(p => p.EndsWith('.') ? k.StartsWith(p, StringComparison.Ordinal) : k == p)) is { } unsupported)
                {
                    return StsXml.Error(context, new Error("ValidationError",
                        $"{unsupported.Split('.')[0]} is not supported by this console: sessions get exactly the role's identity-based policies (docs/sts.md)."));
                }

                var origin = new StsRequestOrigin(context.Connection.RemoteIpAddress?.ToString(), context.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null,
                    context.Request.IsHttps);
                var assumed = await sts.AssumeRoleAsync(caller, new AssumeRoleInput(Field("RoleArn"), Field("RoleSessionName"), Field("DurationSeconds"), Field("ExternalId")), origin, ct);
                if (!assumed.IsSuccess)
                {
                    return StsXml.Error(context, assumed.Error);
                }

                var a = assumed.Value;
                return StsXml.Result(context, action,
                    $"<AssumedRoleUser><AssumedRoleId>{Escape(a.AssumedRoleId)}</AssumedRoleId><Arn>{Escape(a.Arn)}</Arn></AssumedRoleUser>{Credentials(a.Credentials)}");
            }
        }
    }

    private static string Credentials(TemporaryCredentials c) =>
        $"<Credentials><AccessKeyId>{c.AccessKeyId}</AccessKeyId><SecretAccessKey>{Escape(c.SecretAccessKey)}</SecretAccessKey>" +
        $"<SessionToken>{Escape(c.SessionToken)}</SessionToken><Expiration>{c.Expiration.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}</Expiration></Credentials>";

    private static string Escape(string text) => SecurityElement.Escape(text);
}
