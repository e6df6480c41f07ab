using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.DataProtection;
using SesConsole.Domain.Primitives;

namespace SesConsole.Web.Features.Sts;

/// <summary>What a set of temporary credentials acts as.</summary>
public enum SessionKind
{
    /// <summary>An assumed-role session (AssumeRole): acts as <c>arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION</c>.</summary>
    AssumedRole,

    /// <summary>A session of the caller itself (GetSessionToken): acts as the IAM user or account root that asked for it.</summary>
    Session,
}

/// <summary>
/// Everything a session token carries. <see cref="PrincipalId"/> is the role (or IAM user) it was issued for; the token is
/// refused once that principal is deleted (a role recreated under the same name has a new ID, as in IAM).
/// </summary>
public sealed record SessionClaims(
    SessionKind Kind,
    string AccessKeyId,
    string SecretAccessKey,
    string AccountId,
    string PrincipalArn,
    Guid? PrincipalId,
    string? PrincipalName,
    DateTimeOffset Expiration,
    string IssuedTo);

/// <summary>Temporary credentials as STS returns them.</summary>
public sealed record TemporaryCredentials(string AccessKeyId, string SecretAccessKey, string SessionToken, DateTimeOffset Expiration);

/// <summary>
/// Issues and reads STS session tokens. A token is self-contained: the claims (account, principal, expiry, the
/// secret of the temporary key) protected with ASP.NET Data Protection, so nothing is stored and every node that shares
/// the key ring accepts it. A forged or altered token fails to unprotect; the access key ID (<c>ASIA…</c>) must be the
/// one inside the token. Expiry is checked against the injected clock (docs/sts.md).
/// </summary>
public sealed class StsSessionTokens(IDataProtectionProvider dataProtection)
{
    public const string TemporaryKeyPrefix = "ASIA";
    public const string InvalidToken = "The security token included in the request is invalid.";
    public const string ExpiredToken = "The security token included in the request is expired";

    private const string Purpose = "SesConsole.Sts.SessionToken.v1";
    private const string KeyIdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private const string SecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private readonly IDataProtector _protector = dataProtection.CreateProtector(Purpose);

    /// <summary>Whether <paramref name="accessKeyId"/> is a temporary key (<c>ASIA…</c>), which needs a session token.</summary>
    public static bool IsTemporaryKeyId(string? accessKeyId) => accessKeyId?.StartsWith(TemporaryKeyPrefix, StringComparison.Ordinal) == true;

    /// <summary>New credentials (fresh key ID and secret) for the given principal, valid until <paramref name="expiration"/>.</summary>
    public TemporaryCredentials Issue(SessionKind kind, string accountId, string principalArn, Guid? principalId, string? principalName,
        DateTimeOffset expiration, string issuedTo)
    {
        var claims = new SessionClaims(kind, TemporaryKeyPrefix + RandomNumberGenerator.GetString(KeyIdAlphabet, 16),
            RandomNumberGenerator.GetString(SecretAlphabet, 40), accountId, principalArn, principalId, principalName, expiration, issuedTo);
        var payload = new Payload(1, (int)kind, claims.AccessKeyId, claims.SecretAccessKey, accountId, principalArn, principalId, principalName,
            expiration.ToUnixTimeSeconds(), issuedTo);
        var token = _protector.Protect(JsonSerializer.Serialize(payload, Json));
        return new TemporaryCredentials(claims.AccessKeyId, claims.SecretAccessKey, token, DateTimeOffset.FromUnixTimeSeconds(payload.Exp));
    }

    /// <summary>
    /// The claims of <paramref name="token"/> for a request signed with <paramref name="accessKeyId"/>, or
    /// <c>InvalidClientTokenId</c> (missing, forged, altered, from another key ring, or for another key ID) or
    /// <c>ExpiredToken</c> (at or past its expiry at <paramref name="now"/>).
    /// </summary>
    public Result<SessionClaims> Read(string accessKeyId, string? token, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(token) || !IsTemporaryKeyId(accessKeyId))
        {
            return Invalid();
        }

        Payload? payload;
        try
        {
            payload = JsonSerializer.Deserialize<Payload>(_protector.Unprotect(token), Json);
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException or FormatException)
        {
            return Invalid();
        }

        if (payload is not { V: 1 } || !Enum.IsDefined((SessionKind)payload.Kind) || !string.Equals(payload.Kid, accessKeyId, StringComparison.Ordinal))
        {
            return Invalid();
        }

        var expiration = DateTimeOffset.FromUnixTimeSeconds(payload.Exp);
        if (now >= expiration)
        {
            return Result<SessionClaims>.Failure("ExpiredToken", ExpiredToken);
        }

        return new SessionClaims((SessionKind)payload.Kind, payload.Kid, payload.Secret, payload.Account, payload.Arn, payload.Pid, payload.Name,
            expiration, payload.By);
    }

    private static Result<SessionClaims> Invalid() => Result<SessionClaims>.Failure("InvalidClientTokenId", InvalidToken);

    /// <summary>The protected JSON; short names keep the token small.</summary>
    private sealed record Payload(int V, int Kind, string Kid, string Secret, string Account, string Arn, Guid? Pid, string? Name, long Exp, string By);
}
