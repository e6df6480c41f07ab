using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Primitives;
using SesConsole.Web.Features.Iam;

namespace SesConsole.Web.Features.Sts;

/// <summary>
/// Finds the secret and the principal behind the access key ID of a SigV4 request, for every API (SES, STS): a console
/// access key (<c>AKIA…</c>, active, without a session token) or temporary STS credentials (<c>ASIA…</c> plus
/// <c>X-Amz-Security-Token</c>, whose role or user must still exist). Errors are AWS's: <c>InvalidClientTokenId</c> or
/// <c>ExpiredToken</c> (docs/sts.md).
/// </summary>
public sealed class SigningCredentials(
    AccessKeysService accessKeys,
    StsSessionTokens tokens,
    IDbContextFactory<ConsoleDbContext> dbFactory,
    TimeProvider time)
{
    public const string SecurityTokenHeader = "X-Amz-Security-Token";

    /// <summary>The session token of a request: the <c>X-Amz-Security-Token</c> header, or the query parameter of that name.</summary>
    public static string? SecurityToken(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers[SecurityTokenHeader].ToString();
        if (header.Length > 0)
        {
            return header;
        }

        var query = request.Query[SecurityTokenHeader].ToString();
        return query.Length > 0 ? query : null;
    }

    /// <summary>The key that signed the request, with its clear secret, or the AWS error to answer.</summary>
    public async Task<Result<AccessKeyOwner>> ResolveAsync(string accessKeyId, string? securityToken, CancellationToken ct)
    {
        if (!StsSessionTokens.IsTemporaryKeyId(accessKeyId))
        {
            var key = await accessKeys.FindForSigningAsync(accessKeyId, ct);
            if (key is null || key.Status != AccessKeyStatus.Active || securityToken is not null)
            {
                return Invalid();
            }

            return key;
        }

        var read = tokens.Read(accessKeyId, securityToken, time.GetUtcNow());
        if (!read.IsSuccess)
        {
            return read.Error;
        }

        var claims = read.Value;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var exists = claims.PrincipalId is { } id
            ? await db.IamPrincipals.AsNoTracking().AnyAsync(p => p.Id == id && p.AccountId == claims.AccountId && p.Name == claims.PrincipalName, ct)
            : await db.Accounts.AsNoTracking().AnyAsync(a => a.Id == claims.AccountId, ct);
        if (!exists)
        {
            return Invalid();
        }

        return new AccessKeyOwner(claims.AccessKeyId, claims.AccountId, claims.PrincipalArn, claims.PrincipalId, claims.SecretAccessKey, AccessKeyStatus.Active)
        {
            IsTemporary = true,
        };
    }

    /// <summary>The request path exactly as it arrived (still percent-encoded), which is what SigV4 signs.</summary>
    public static string RawPath(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (context.Request.PathBase + context.Request.Path).ToString();
        return rawTarget.Split('?', 2)[0];
    }

    private static Result<AccessKeyOwner> Invalid() => Result<AccessKeyOwner>.Failure("InvalidClientTokenId", StsSessionTokens.InvalidToken);
}
