namespace SesConsole.Domain.Sending.Events;

/// <summary>One header of the original message, as <c>mail.headers</c> lists it.</summary>
public sealed record MailHeader(string Name, string Value);

/// <summary>
/// <c>mail.commonHeaders</c>: the original message's commonly used headers, address lists as their mailbox strings
/// (<c>"Jane Doe &lt;jane@example.com&gt;"</c>), absent ones left out.
/// </summary>
public sealed record CommonHeaders(
    string? ReturnPath,
    IReadOnlyList<string> From,
    string? Date,
    IReadOnlyList<string> To,
    IReadOnlyList<string> Cc,
    IReadOnlyList<string> ReplyTo,
    string? MessageId,
    string? Subject);

/// <summary>
/// The header part of a notification's <c>mail</c> object (docs/notifications.md#notification-json): <see cref="Common"/>
/// always, <see cref="All"/> (as <c>headers</c>, with <c>headersTruncated</c>) only when the identity asked for the original headers
/// of that type, and always in event publishing.
/// </summary>
public sealed record MessageHeaders(CommonHeaders Common, IReadOnlyList<MailHeader> All)
{
    /// <summary>SES truncates the header list at 10 KB.</summary>
    public const int MaxHeaderBytes = 10 * 1024;

    /// <summary>
    /// The headers that fit in <see cref="MaxHeaderBytes"/> (name, ": ", value and CRLF counted, in order) and whether
    /// some were left out.
    /// </summary>
    public (IReadOnlyList<MailHeader> Headers, bool Truncated) Limited()
    {
        var kept = new List<MailHeader>(All.Count);
        var size = 0;
        foreach (var header in All)
        {
            size += System.Text.Encoding.UTF8.GetByteCount(header.Name) + System.Text.Encoding.UTF8.GetByteCount(header.Value) + 4;
            if (size > MaxHeaderBytes)
            {
                return (kept, true);
            }

            kept.Add(header);
        }

        return (kept, false);
    }
}
