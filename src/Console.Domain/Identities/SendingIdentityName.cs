using SesConsole.Domain.Primitives;

namespace SesConsole.Domain.Identities;

/// <summary>
/// The validated name of a sending identity: an email address or a domain, as SES names it.
/// </summary>
/// <remarks>
/// <para>A domain is stored lower-case ASCII (a unicode domain is converted to punycode and
/// <see cref="ConvertedFrom"/> keeps what was typed). Domains are case-insensitive in SES.</para>
/// <para>An email address is kept exactly as entered: SES treats addresses case-sensitively, so
/// <c>sender@EXAMPLE.com</c> and <c>sender@example.com</c> are different identities. Its domain part is validated
/// like a domain (and converted to punycode when it is unicode) but its case is kept.</para>
/// <para>Equality is ordinal on <see cref="Value"/> and <see cref="Type"/>. The default value is not a valid name.</para>
/// See <c>creating-identities</c> in the SES developer guide.
/// </remarks>
public readonly record struct SendingIdentityName
{
    /// <summary>SES's limit for an address identity (64 for the local part, 255 for the domain, the at sign).</summary>
    public const int MaxAddressLength = 320;

    public const int MaxLocalPartLength = 64;

    private SendingIdentityName(SendingIdentityType type, string value, string? localPart, string domain, string? convertedFrom)
    {
        Type = type;
        Value = value;
        LocalPart = localPart;
        Domain = domain;
        ConvertedFrom = convertedFrom;
    }

    public SendingIdentityType Type { get; }

    /// <summary>The identity's name: the address as entered, or the lower-case ASCII domain.</summary>
    public string Value { get; }

    /// <summary>The part before the at sign of an address identity; <see langword="null"/> for a domain.</summary>
    public string? LocalPart { get; }

    /// <summary>The domain (for an address, its domain part in ASCII with the case as entered).</summary>
    public string Domain { get; }

    /// <summary>The text as typed when an internationalized domain was converted to punycode; otherwise <see langword="null"/>.</summary>
    public string? ConvertedFrom { get; }

    public bool IsDomain => Type == SendingIdentityType.Domain;

    public bool IsEmailAddress => Type == SendingIdentityType.EmailAddress;

    /// <summary>
    /// Parses <paramref name="text"/> (trimmed) as an address identity when it contains an at sign, otherwise as a
    /// domain identity. Errors have code <c>identity.invalid_name</c> and say what is wrong.
    /// </summary>
    public static Result<SendingIdentityName> Parse(string? text)
    {
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            return Invalid("Enter an email address or a domain.");
        }

        return trimmed.Contains('@', StringComparison.Ordinal) ? ParseAddress(trimmed) : ParseDomain(trimmed);
    }

    /// <summary>Parses a domain identity (no at sign allowed).</summary>
    public static Result<SendingIdentityName> ParseDomain(string? text)
    {
        var trimmed = text?.Trim() ?? "";
        var ascii = DomainNameRules.ToAscii(trimmed, "domain");
        if (!ascii.TryGetValue(out var domain))
        {
            return ascii.Error!;
        }

        var lower = domain.ToLowerInvariant();
        var convertedFrom = trimmed.All(char.IsAscii) ? null : trimmed;
        return new SendingIdentityName(SendingIdentityType.Domain, lower, null, lower, convertedFrom);
    }

    /// <summary>Parses an address identity: exactly one at sign, a local part kept as entered, a valid domain part.</summary>
    public static Result<SendingIdentityName> ParseAddress(string? text)
    {
        var trimmed = text?.Trim() ?? "";
        var at = trimmed.IndexOf('@', StringComparison.Ordinal);
        if (at < 0 || at != trimmed.LastIndexOf('@'))
        {
            return Invalid($"'{trimmed}' is not a valid email address: it needs exactly one @.");
        }

        var local = trimmed[..at];
        var localError = CheckLocalPart(local);
        if (localError is not null)
        {
            return Invalid($"'{trimmed}' is not a valid email address: {localError}");
        }

        var domainText = trimmed[(at + 1)..];
        var ascii = DomainNameRules.ToAscii(domainText, "email address domain");
        if (!ascii.TryGetValue(out var domain))
        {
            return ascii.Error!;
        }

        var value = $"{local}@{domain}";
        if (value.Length > MaxAddressLength)
        {
            return Invalid($"'{trimmed}' is not a valid email address: an address can be at most {MaxAddressLength} characters long.");
        }

        var convertedFrom = domainText.All(char.IsAscii) ? null : trimmed;
        return new SendingIdentityName(SendingIdentityType.EmailAddress, value, local, domain, convertedFrom);
    }

    public override string ToString() => Value ?? "";

    private static string? CheckLocalPart(string local)
    {
        if (local.Length == 0)
        {
            return "the part before the @ is empty.";
        }

        if (local.Length > MaxLocalPartLength)
        {
            return $"the part before the @ can be at most {MaxLocalPartLength} characters long.";
        }

        if (local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal))
        {
            return "the part before the @ cannot start or end with a dot or have two dots in a row.";
        }

        foreach (var c in local)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '.' || "!#$%&'*+-/=?^_`{|}~".Contains(c, StringComparison.Ordinal)))
            {
                return $"the part before the @ contains '{c}', which is not allowed (use ASCII letters, digits and . ! # $ % & ' * + - / = ? ^ _ ` {{ | }} ~).";
            }
        }

        return null;
    }

    private static Error Invalid(string message) => new("identity.invalid_name", message);
}
