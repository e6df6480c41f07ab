using MimeKit;
using SesConsole.Domain.Sending.Events;

namespace SesConsole.Web.Notifications.Feedback;

/// <summary>The original message's headers, read from the MIME the writer or the delivery worker holds.</summary>
public static class OriginalHeaders
{
    /// <summary>The header list and <c>commonHeaders</c> of <paramref name="mime"/>; <paramref name="returnPath"/> is <c>commonHeaders.returnPath</c>.</summary>
    public static MessageHeaders? Read(byte[]? mime, string? returnPath)
    {
        if (mime is null)
        {
            return null;
        }

        HeaderList headers;
        try
        {
            using var stream = new MemoryStream(mime, writable: false);
            headers = HeaderList.Load(stream);
        }
        catch (FormatException)
        {
            return null;
        }

        var all = headers.Select(h => new MailHeader(h.Field, h.Value.Trim())).ToList();
        var common = new CommonHeaders(
            returnPath,
            Addresses(headers[HeaderId.From]),
            headers[HeaderId.Date]?.Trim(),
            Addresses(headers[HeaderId.To]),
            Addresses(headers[HeaderId.Cc]),
            Addresses(headers[HeaderId.ReplyTo]),
            headers[HeaderId.MessageId]?.Trim(),
            headers[HeaderId.Subject]);
        return new MessageHeaders(common, all);
    }

    /// <summary>The raw header block of <paramref name="mime"/> (for a feedback notice's <c>text/rfc822-headers</c> part).</summary>
    public static byte[] Block(byte[] mime)
    {
        var span = mime.AsSpan();
        var end = span.IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            end = span.IndexOf("\n\n"u8);
        }

        return end < 0 ? mime : span[..(end + 2)].ToArray();
    }

    private static List<string> Addresses(string? value) =>
        value is not null && InternetAddressList.TryParse(value, out var list) ? [.. list.Select(a => a.ToString())] : [];
}
