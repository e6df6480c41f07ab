using System.Security.Cryptography;
using System.Text;
using SesConsole.Domain.Primitives;

namespace SesConsole.Domain.Identities;

/// <summary>An RSA DKIM key pair: the private key as PKCS#8 PEM and the public key as base64 SubjectPublicKeyInfo (the <c>p=</c> value).</summary>
/// <remarks>The private key is a secret: protect it before storing it and never show it again.</remarks>
public sealed record DkimKeyPair(string PrivateKeyPem, string PublicKey, int KeyLength)
{
    /// <summary>The DKIM TXT record value to publish: <c>v=DKIM1; k=rsa; p=PUBLICKEY</c>.</summary>
    public string TxtValue => DkimRecord.TxtValue(PublicKey);

    // Keep the private key out of logs and exception messages.
    public override string ToString() => $"RSA-{KeyLength} DKIM key, p={PublicKey}";
}

/// <summary>Easy DKIM key generation.</summary>
public static class DkimKeyGenerator
{
    /// <summary>SES's default (RSA_2048_BIT).</summary>
    public const int DefaultKeyLength = 2048;

    /// <summary>The lengths Easy DKIM offers: RSA_1024_BIT and RSA_2048_BIT.</summary>
    public static readonly IReadOnlyList<int> AllowedKeyLengths = [1024, 2048];

    /// <summary>A fresh RSA key pair of <paramref name="bits"/> (1024 or 2048), or <c>dkim.invalid_key_length</c>.</summary>
    public static Result<DkimKeyPair> Generate(int bits = DefaultKeyLength)
    {
        if (!AllowedKeyLengths.Contains(bits))
        {
            return new Error("dkim.invalid_key_length", $"Easy DKIM keys are 1024 or 2048 bits long, not {bits}.");
        }

        using var rsa = RSA.Create(bits);
        return DkimKeys.ToPair(rsa);
    }
}

/// <summary>Bring your own DKIM (BYODKIM, SES origin <c>EXTERNAL</c>): the owner supplies selector and private key.</summary>
public static class Byodkim
{
    public const int MinKeyLength = 1024;
    public const int MaxKeyLength = 2048;

    /// <summary>
    /// Parses an RSA private key given as SES asks (base64 body with the BEGIN/END lines and line breaks removed) or as a
    /// whole PEM (PKCS#8 <c>PRIVATE KEY</c> or PKCS#1 <c>RSA PRIVATE KEY</c>). The key must be 1024 to 2048 bits.
    /// Errors have code <c>dkim.invalid_private_key</c> and say what is wrong.
    /// </summary>
    public static Result<DkimKeyPair> Parse(string? privateKeyText)
    {
        var text = privateKeyText?.Trim() ?? "";
        if (text.Length == 0)
        {
            return Invalid("The private key is empty. Paste the base64 key (with or without the BEGIN/END lines).");
        }

        if (text.Contains("ENCRYPTED", StringComparison.OrdinalIgnoreCase))
        {
            return Invalid("The private key is encrypted. Paste an unencrypted RSA key.");
        }

        if (text.Contains("PUBLIC KEY", StringComparison.OrdinalIgnoreCase))
        {
            return Invalid("This is a public key. Paste the private key; the public key is derived from it.");
        }

        var body = new StringBuilder(text.Length);
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith("-----", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var c in trimmed)
            {
                if (!char.IsWhiteSpace(c))
                {
                    body.Append(c);
                }
            }
        }

        byte[] der;
        try
        {
            der = Convert.FromBase64String(body.ToString());
        }
        catch (FormatException)
        {
            return Invalid("The private key is not valid base64. Paste the key body exactly as the key file has it.");
        }

        using var rsa = RSA.Create();
        if (!TryImport(rsa, der))
        {
            return Invalid("The text is base64 but not an RSA private key (PKCS#8 or PKCS#1). DKIM keys must be RSA.");
        }

        if (rsa.KeySize is < MinKeyLength or > MaxKeyLength)
        {
            return Invalid($"The key is {rsa.KeySize} bits long; SES accepts RSA keys of {MinKeyLength} to {MaxKeyLength} bits.");
        }

        return DkimKeys.ToPair(rsa);
    }

    /// <summary>
    /// Whether the published DKIM TXT value carries <paramref name="privateKey"/>'s public key. The value may be pasted
    /// as several quoted strings (<c>"v=DKIM1; " "p=MIIB…"</c>), which are joined; whitespace inside <c>p=</c> is ignored.
    /// </summary>
    public static bool Matches(string? publishedTxtValue, DkimKeyPair privateKey)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        return DkimRecord.PublishesKey(publishedTxtValue, privateKey.PublicKey);
    }

    private static bool TryImport(RSA rsa, byte[] der)
    {
        try
        {
            rsa.ImportPkcs8PrivateKey(der, out var read);
            return read == der.Length;
        }
        catch (CryptographicException)
        {
        }

        try
        {
            rsa.ImportRSAPrivateKey(der, out var read);
            return read == der.Length;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static Error Invalid(string message) => new("dkim.invalid_private_key", message);
}

/// <summary>Reading and writing DKIM key records (RFC 6376, section 3.6.1 tag=value lists).</summary>
public static class DkimRecord
{
    public static string TxtValue(string publicKey) => $"v=DKIM1; k=rsa; p={publicKey}";

    /// <summary>
    /// The <c>p=</c> tag of a DKIM TXT value with whitespace removed, or <see langword="null"/> when it has none.
    /// Quoted strings are unquoted and joined first.
    /// </summary>
    public static string? PublicKeyTag(string? txtValue)
    {
        foreach (var tag in Unquote(txtValue ?? "").Split(';'))
        {
            var eq = tag.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && tag[..eq].Trim() == "p")
            {
                return string.Concat(tag[(eq + 1)..].Where(c => !char.IsWhiteSpace(c)));
            }
        }

        return null;
    }

    /// <summary>
    /// Whether <paramref name="txtValue"/>'s <c>p=</c> is the RSA key <paramref name="publicKey"/> (base64 SPKI). Keys are
    /// compared as keys (modulus and exponent), so a record that publishes the bare PKCS#1 form also matches.
    /// </summary>
    public static bool PublishesKey(string? txtValue, string publicKey)
    {
        var published = PublicKeyTag(txtValue);
        if (string.IsNullOrEmpty(published))
        {
            return false;
        }

        if (string.Equals(published, publicKey, StringComparison.Ordinal))
        {
            return true;
        }

        var a = ReadPublicKey(published);
        var b = ReadPublicKey(publicKey);
        return a is not null && b is not null
            && a.Value.Modulus.AsSpan().SequenceEqual(b.Value.Modulus)
            && a.Value.Exponent.AsSpan().SequenceEqual(b.Value.Exponent);
    }

    /// <summary>Joins the contents of double-quoted strings when the text has any (zone-file style); otherwise returns it as is.</summary>
    internal static string Unquote(string text)
    {
        if (!text.Contains('"', StringComparison.Ordinal))
        {
            return text;
        }

        var joined = new StringBuilder(text.Length);
        var inside = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"')
            {
                inside = !inside;
            }
            else if (inside && c == '\\' && i + 1 < text.Length)
            {
                joined.Append(text[++i]);
            }
            else if (inside)
            {
                joined.Append(c);
            }
        }

        return joined.ToString();
    }

    private static RSAParameters? ReadPublicKey(string base64)
    {
        byte[] der;
        try
        {
            der = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return null;
        }

        using var rsa = RSA.Create();
        try
        {
            rsa.ImportSubjectPublicKeyInfo(der, out _);
            return rsa.ExportParameters(false);
        }
        catch (CryptographicException)
        {
        }

        try
        {
            rsa.ImportRSAPublicKey(der, out _);
            return rsa.ExportParameters(false);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}

internal static class DkimKeys
{
    public static DkimKeyPair ToPair(RSA rsa) =>
        new(rsa.ExportPkcs8PrivateKeyPem(), Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo()), rsa.KeySize);
}

/// <summary>A DKIM selector: one DNS label (records live at <c>SELECTOR._domainkey.DOMAIN</c>).</summary>
/// <remarks>Compared case-insensitively by DNS, kept as entered here. The default value is not a valid selector.</remarks>
public readonly record struct DkimSelector
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    private DkimSelector(string value) => Value = value;

    public string Value { get; }

    /// <summary>Validates a selector (<c>dkim.invalid_selector</c> when it is not a DNS label).</summary>
    public static Result<DkimSelector> Parse(string? text)
    {
        var value = text?.Trim() ?? "";
        var error = DomainNameRules.CheckLabel(value);
        return error is null
            ? new DkimSelector(value)
            : new Error("dkim.invalid_selector", $"'{value}' is not a valid selector: {(value.Length == 0 ? "it is empty." : error)}");
    }

    /// <summary>A random 32-character selector like Easy DKIM's tokens (lower-case base32).</summary>
    public static DkimSelector NewRandom()
    {
        Span<char> chars = stackalloc char[32];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        return new DkimSelector(new string(chars));
    }

    public override string ToString() => Value ?? "";
}
