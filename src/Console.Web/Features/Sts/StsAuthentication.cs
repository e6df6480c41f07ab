using SesConsole.Domain.Authentication;
using SesConsole.Domain.Primitives;
using SesConsole.Web.Features.Iam;

namespace SesConsole.Web.Features.Sts;

/// <summary>
/// Authenticates STS requests: SigV4 with service <c>sts</c>, signed by a console access key or by temporary credentials
/// (<see cref="SigningCredentials"/>). STS is global, so any region in the credential scope is accepted.
/// </summary>
public sealed class StsAuthentication(SigningCredentials signingCredentials, AccessKeysService accessKeys, TimeProvider time)
{
    public async Task<Result<AccessKeyOwner>> AuthenticateAsync(HttpContext context, byte[] body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var parsed = SigV4Verifier.ParseAuthorization(headers);
        if (!parsed.IsSuccess)
        {
            return parsed.Error;
        }

        if (parsed.Value.Credential.Service != StsEndpoints.SigningName)
        {
            return new Error("InvalidClientTokenId", $"Credential should be scoped to correct service: '{StsEndpoints.SigningName}'.");
        }

        var key = await signingCredentials.ResolveAsync(parsed.Value.Credential.AccessKeyId, SigningCredentials.SecurityToken(context.Request), ct);
        if (!key.IsSuccess)
        {
            return key.Error;
        }

        var request = new SignedRequest(context.Request.Method, SigningCredentials.RawPath(context),
            context.Request.QueryString.HasValue ? context.Request.QueryString.Value![1..] : "", headers, SigV4Verifier.Sha256Hex(body));
        var verified = SigV4Verifier.Verify(request, key.Value.Secret, time.GetUtcNow());
        if (!verified.IsSuccess)
        {
            return verified.Error;
        }

        await accessKeys.MarkUsedAsync(key.Value, ct);
        return key.Value;
    }
}
