using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using SesConsole.Domain.Primitives;

namespace SesConsole.Web.Features.Identities;

/// <summary>
/// Single-use, signed email verification links with a 24 h lifetime (SES's link window). The token carries the identity,
/// a random nonce and the issue time, protected with Data Protection (so it cannot be forged or altered); only the
/// nonce's SHA-256 is stored, and it is cleared when the link is used, which makes the link single-use. Expiry is
/// checked against the injected <see cref="TimeProvider"/>, so tests can move time.
/// </summary>
public sealed class EmailVerificationLinks(IDataProtectionProvider dataProtection, TimeProvider time)
{
    /// <summary>How long a link stays valid.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    private readonly IDataProtector _protector = dataProtection.CreateProtector("SesConsole.Identities.EmailVerificationLink.v1");

    /// <summary>A new token for <paramref name="identityId"/>, and the nonce hash to store on the identity.</summary>
    public (string Token, string NonceHash) Create(Guid identityId)
    {
        var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var issued = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var token = _protector.Protect($"{identityId:N}|{nonce}|{issued}");
        return (token, Hash(nonce));
    }

    /// <summary>The identity a token names, after checking signature and age; the caller still compares <see cref="Hash"/> of the nonce.</summary>
    public Result<(Guid IdentityId, string Nonce, DateTimeOffset IssuedAt)> Read(string? token)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return Invalid();
        }

        string payload;
        try
        {
            payload = _protector.Unprotect(token);
        }
        catch (CryptographicException)
        {
            return Invalid();
        }

        var parts = payload.Split('|');
        if (parts.Length != 3 || !Guid.TryParseExact(parts[0], "N", out var id)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return Invalid();
        }

        var issued = DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (time.GetUtcNow() - issued > Lifetime)
        {
            return Result<(Guid, string, DateTimeOffset)>.Failure("identity.link_expired",
                "This verification link has expired (links are valid for 24 hours). Ask the identity owner to resend the verification email.");
        }

        return (id, parts[1], issued);
    }

    public static string Hash(string nonce) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(nonce)));

    private static Result<(Guid, string, DateTimeOffset)> Invalid() =>
        Result<(Guid, string, DateTimeOffset)>.Failure("identity.link_invalid",
            "This verification link is not valid. Copy the whole link from the email, or ask the identity owner to resend it.");
}
