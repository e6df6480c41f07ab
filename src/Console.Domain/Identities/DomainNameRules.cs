using System.Globalization;
using SesConsole.Domain.Primitives;

namespace SesConsole.Domain.Identities;

/// <summary>
/// DNS name rules shared by domain identities, the domain part of address identities, MAIL FROM domains and DKIM
/// selectors: labels of 1 to 63 letters, digits and hyphens that neither start nor end with a hyphen, at least two
/// labels, at most 255 characters, ASCII only (an internationalized name is converted to punycode first).
/// </summary>
internal static class DomainNameRules
{
    public const int MaxNameLength = 255;
    public const int MaxLabelLength = 63;

    private static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = true };

    /// <summary>
    /// Validates <paramref name="text"/> as a domain name and returns its ASCII form. An ASCII name keeps its case; a
    /// unicode name is converted with IDNA (which lower-cases it). A single trailing dot (the root) is dropped.
    /// </summary>
    public static Result<string> ToAscii(string text, string what)
    {
        var name = text.EndsWith('.') ? text[..^1] : text;
        if (name.Length == 0)
        {
            return Invalid($"The {what} is empty.");
        }

        if (!name.All(char.IsAscii))
        {
            try
            {
                name = Idn.GetAscii(name);
            }
            catch (ArgumentException)
            {
                return Invalid($"'{text}' is not a valid {what}: it contains characters that cannot be converted to an ASCII (punycode) name.");
            }
        }

        if (name.Length > MaxNameLength)
        {
            return Invalid($"'{text}' is not a valid {what}: a domain name can be at most {MaxNameLength} characters long (this one is {name.Length}).");
        }

        var labels = name.Split('.');
        if (labels.Length < 2)
        {
            return Invalid($"'{text}' is not a valid {what}: a domain needs at least two labels, for example example.com.");
        }

        foreach (var label in labels)
        {
            var labelError = CheckLabel(label);
            if (labelError is not null)
            {
                return Invalid($"'{text}' is not a valid {what}: {labelError}");
            }
        }

        return name;
    }

    /// <summary>Why <paramref name="label"/> is not a DNS label, or <see langword="null"/> when it is one.</summary>
    public static string? CheckLabel(string label)
    {
        if (label.Length == 0)
        {
            return "it has an empty label (two dots in a row, or a leading dot).";
        }

        if (label.Length > MaxLabelLength)
        {
            return $"the label '{label}' is {label.Length} characters long; a label can be at most {MaxLabelLength}.";
        }

        if (label[0] == '-' || label[^1] == '-')
        {
            return $"the label '{label}' starts or ends with a hyphen.";
        }

        foreach (var c in label)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return $"the label '{label}' contains '{c}'; use letters, digits and hyphens only.";
            }
        }

        return null;
    }

    private static Error Invalid(string message) => new("identity.invalid_name", message);
}
