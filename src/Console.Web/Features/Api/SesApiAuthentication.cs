using Microsoft.Extensions.Options;
using SesConsole.Data.Entities;
using SesConsole.Domain.Authentication;
using SesConsole.Domain.Primitives;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Hosting;

namespace SesConsole.Web.Features.Api;

/// <summary>Who called the SES API: the access key's principal, and the region its signature was scoped to.</summary>
public sealed record ApiCaller(Caller Caller, string AccessKeyId, string Region)
{
    public string AccountId => Caller.AccountId!;
}

/// <summary>
/// Authenticates API requests signed with SigV4 by one of the console's access keys or by temporary STS credentials
/// (docs/sts.md): checks the credential is scoped to the signing name of the API the endpoint serves (<c>ses</c> for
/// both SES APIs; another API passes its own), looks the key up (its secret is decrypted only here), verifies the
/// signature over the buffered body, checks the key is active and the region is served, and records the key's last use.
/// Errors carry AWS's codes and messages. It also tells the scope's audit actor that changes now come through the API.
/// </summary>
public sealed class SesApiAuthentication(
    AccessKeysService accessKeys,
    Sts.SigningCredentials signingCredentials,
    IOptions<ConsoleOptions> options,
    Audit.AuditActor auditActor,
    TimeProvider time)
{
    public const string InvalidToken = "The security token included in the request is invalid.";

    /// <param name="context">The request.</param>
    /// <param name="body">Its body, read in full (SigV4 signs its hash).</param>
    /// <param name="service">The signing name the endpoint serves, e.g. <c>ses</c>; a credential scoped to any other
    /// service is refused as AWS does (<c>SignatureDoesNotMatch</c>, 403), whatever the signature.</param>
    /// <param name="ct">Cancellation.</param>
    public async Task<Result<ApiCaller>> AuthenticateAsync(HttpContext context, byte[] body, string service, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrEmpty(service);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var parsed = SigV4Verifier.ParseAuthorization(headers);
        if (!parsed.IsSuccess)
        {
            return parsed.Error;
        }

        if (!string.Equals(parsed.Value.Credential.Service, service, StringComparison.Ordinal))
        {
            return new Error("SignatureDoesNotMatch", $"Credential should be scoped to correct service: '{service}'.");
        }

        var keyId = parsed.Value.Credential.AccessKeyId;
        // A console key, or temporary STS credentials with their session token (docs/sts.md).
        var resolved = await signingCredentials.ResolveAsync(keyId, Sts.SigningCredentials.SecurityToken(context.Request), ct);
        if (!resolved.IsSuccess)
        {
            return resolved.Error;
        }

        var key = resolved.Value;

        // The path as it arrived (still percent-encoded): Request.Path is decoded, and SigV4 signs the encoded form.
        var rawTarget = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? (context.Request.PathBase + context.Request.Path).ToString();
        var rawPath = rawTarget.Split('?', 2)[0];
        var request = new SignedRequest(context.Request.Method, rawPath,
            context.Request.QueryString.HasValue ? context.Request.QueryString.Value![1..] : "", headers, SigV4Verifier.Sha256Hex(body));
        var verified = SigV4Verifier.Verify(request, parsed.Value, key.Secret, time.GetUtcNow());
        if (!verified.IsSuccess)
        {
            return verified.Error;
        }

        var region = verified.Value.Region;
        if (!options.Value.EffectiveRegions.Contains(region))
        {
            return new Error("InvalidParameterValue",
                $"Region '{region}' is not served by this installation; use one of {string.Join(", ", options.Value.EffectiveRegions)}.");
        }

        await accessKeys.MarkUsedAsync(key, ct);
        auditActor.UseApi(keyId, context.Connection.RemoteIpAddress?.ToString()); // changes made by this request are "api" (docs/audit-log.md#who-and-how)
        return new ApiCaller(key.ToCaller(), keyId, region);
    }
}
