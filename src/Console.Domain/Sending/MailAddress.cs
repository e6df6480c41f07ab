using System.Globalization;
using SesConsole.Domain.Primitives;

namespace SesConsole.Domain.Sending;

/// <summary>
/// A mailbox as SES accepts it: <c>addr</c>, <c>Name &lt;addr&gt;</c> or <c>"Name" &lt;addr&gt;</c>. The address must be
/// 7-bit ASCII; a Unicode domain is converted to punycode (SES has no SMTPUTF8, docs/ses-behaviour.md#message-limits); a non-ASCII local part is refused.
/// </summary>
/// <remarks>Equality is ordinal on <see cref="Address"/> and <see cref="DisplayName"/>.</remarks>
public sealed record MailAddress(string Address, string? DisplayName)
{
    private static readonly IdnMapping Idn = new();

    /// <summary>Parses one mailbox; errors have code <c>message.invalid_address</c>.</summary>
    public static Result<MailAddress> Parse(string? text)
    {
        var value = text?.Trim() ?? "";
        string? display = null;
        var address = value;
        var open = value.LastIndexOf('<');
        if (open >= 0)
        {
            if (!value.EndsWith('>'))
            {
                return Invalid(text, "the angle brackets are not closed");
            }

            display = value[..open].Trim();
            if (display.Length >= 2 && display[0] == '"' && display[^1] == '"')
            {
                display = display[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal);
            }

            display = display.Length == 0 ? null : display;
            address = value[(open + 1)..^1].Trim();
        }

        var normalized = NormalizeAddress(address, text);
        return normalized.TryGetValue(out var bare) ? new MailAddress(bare, display) : normalized.Error!;
    }

    /// <summary>Validates a bare address and returns it with a punycode domain.</summary>
    public static Result<string> NormalizeAddress(string? address, string? original = null)
    {
        var value = address?.Trim() ?? "";
        var at = value.LastIndexOf('@');
        if (at <= 0 || at == value.Length - 1)
        {
            return Invalid(original ?? address, "an address needs a local part, one @ and a domain");
        }

        var local = value[..at];
        var domain = value[(at + 1)..];
        foreach (var c in local)
        {
            if (c > 127)
            {
                return Invalid(original ?? address, "the local part must be 7-bit ASCII (SMTPUTF8 is not supported)");
            }

            if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or ',')
            {
                return Invalid(original ?? address, "the local part contains a space, a control character or a delimiter");
            }
        }

        if (local.Length > 64)
        {
            return Invalid(original ?? address, "the local part is longer than 64 characters");
        }

        if (!domain.All(char.IsAscii))
        {
            try
            {
                domain = Idn.GetAscii(domain);
            }
            catch (ArgumentException)
            {
                return Invalid(original ?? address, "the domain is not a valid internationalized domain name");
            }
        }

        if (domain.Length > 253 || domain.StartsWith('.') || domain.Contains("..", StringComparison.Ordinal) ||
            !domain.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.') || !domain.Contains('.', StringComparison.Ordinal))
        {
            return Invalid(original ?? address, "the domain is not a valid domain name");
        }

        return $"{local}@{domain}";
    }

    /// <inheritdoc />
    public override string ToString() => DisplayName is null ? Address : $"{DisplayName} <{Address}>";

    private static Error Invalid(string? text, string why) =>
        new("message.invalid_address", $"Illegal address '{text}': {why}.");
}
