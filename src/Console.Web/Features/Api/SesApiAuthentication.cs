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
/// Authenticates SES API requests signed with SigV4 by one of the console's access keys or by temporary STS credentials:
/// looks the key up (its secret is decrypted only here), verifies the signature over the buffered body, checks the key is active and the region is
/// served, and records the key's last use. Errors carry AWS's codes and messages.
/// </summary>
public sealed class SesApiAuthentication(
    AccessKeysService accessKeys,
    Sts.SigningCredentials signingCredentials,
    IOptions<ConsoleOptions> options,
    TimeProvider time)
{
    public const string InvalidToken = "The security token included in the request is invalid.";

    public async Task<Result<ApiCaller>> AuthenticateAsync(HttpContext context, byte[] body, CancellationToken ct)
    {
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var parsed = SigV4Verifier.ParseAuthorization(headers);
        if (!parsed.IsSuccess)
        {
            return parsed.Error;
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
        var verified = SigV4Verifier.Verify(request, key.Secret, time.GetUtcNow());
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
        return new ApiCaller(key.ToCaller(), keyId, region);
    }
}
