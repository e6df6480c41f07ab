namespace SesConsole.Domain.Sending;

/// <summary>
/// The custom headers a structured send may carry (v2 <c>Content.Simple.Headers</c>, <c>Content.Template.Headers</c>,
/// SendBulkEmail's template headers and each entry's <c>ReplacementHeaders</c>): at most 15; a name of 1–126 printable
/// ASCII characters without a colon; a value of at most 870 printable ASCII characters (no CR or LF, so no header can be
/// smuggled in); and none of the headers the console writes itself from the request or on acceptance
/// (docs/ses-behaviour.md#custom-headers).
/// </summary>
public static class MessageHeaderRules
{
    public const int MaxHeaders = 15;
    public const int MaxNameLength = 126;
    public const int MaxValueLength = 870;

    /// <summary>Headers built from the request's fields or set on acceptance; a custom header may not replace them.</summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "From", "Sender", "To", "Cc", "Bcc", "Subject", "Reply-To", "Return-Path", "Message-ID", "Date", "MIME-Version",
        "Content-Type", "Content-Transfer-Encoding", "Content-Disposition", "DKIM-Signature",
    };

    /// <summary>Why <paramref name="headers"/> cannot be sent, or <c>null</c> when they can.</summary>
    public static string? Check(IReadOnlyList<RawHeader> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (headers.Count > MaxHeaders)
        {
            return $"A message can carry at most {MaxHeaders} custom headers, not {headers.Count}.";
        }

        foreach (var (name, value) in headers)
        {
            if (name.Length is 0 or > MaxNameLength || name.Any(c => c is < '!' or > '~' or ':'))
            {
                return $"Header name '{Printable(name)}' is invalid: use 1–{MaxNameLength} printable ASCII characters other than ':'.";
            }

            if (Reserved.Contains(name) || name.StartsWith("X-SES-", StringComparison.OrdinalIgnoreCase))
            {
                return $"Header '{name}' is set by SES and cannot be given as a custom header.";
            }

            if (value.Length > MaxValueLength || value.Any(c => c is < ' ' or > '~'))
            {
                return $"The value of header '{name}' is invalid: use at most {MaxValueLength} printable ASCII characters.";
            }
        }

        return null;
    }

    /// <summary>
    /// A template's headers with an entry's on top: an entry's header replaces the template's headers of the same name,
    /// the template's others stay (SendBulkEmail's <c>ReplacementHeaders</c>).
    /// </summary>
    public static IReadOnlyList<RawHeader> Merge(IReadOnlyList<RawHeader> template, IReadOnlyList<RawHeader> entry)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Count == 0 ? template
            : [.. template.Where(t => !entry.Any(e => string.Equals(e.Name, t.Name, StringComparison.OrdinalIgnoreCase))), .. entry];
    }

    private static string Printable(string name) => new([.. name.Take(40).Select(c => c is < ' ' or > '~' ? '?' : c)]);
}
