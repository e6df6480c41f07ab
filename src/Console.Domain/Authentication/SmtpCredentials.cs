using System.Security.Cryptography;
using System.Text;

namespace SesConsole.Domain.Authentication;

/// <summary>
/// SES SMTP credentials: the user name is the access key ID; the password is derived from the secret access key and
/// the region with SES's documented algorithm (SigV4-style HMAC chain over the fixed date <c>11111111</c>, service
/// <c>ses</c>, <c>aws4_request</c>, message <c>SendRawEmail</c>, prefixed with version byte 0x04, base64) — SES developer
/// guide "Obtaining Amazon SES SMTP credentials". The same derivation verifies an SMTP AUTH login.
/// </summary>
public static class SmtpCredentials
{
    private const byte Version = 0x04;

    public static string DerivePassword(string secretAccessKey, string region)
    {
        ArgumentNullException.ThrowIfNull(secretAccessKey);
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), "11111111"u8);
        signature = HMACSHA256.HashData(signature, Encoding.UTF8.GetBytes(region));
        signature = HMACSHA256.HashData(signature, "ses"u8);
        signature = HMACSHA256.HashData(signature, "aws4_request"u8);
        signature = HMACSHA256.HashData(signature, "SendRawEmail"u8);
        return Convert.ToBase64String([Version, .. signature]);
    }

    /// <summary>Whether <paramref name="password"/> is the SMTP password of <paramref name="secretAccessKey"/> in <paramref name="region"/> (constant time).</summary>
    public static bool Matches(string password, string secretAccessKey, string region) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(password ?? ""), Encoding.ASCII.GetBytes(DerivePassword(secretAccessKey, region)));
}
