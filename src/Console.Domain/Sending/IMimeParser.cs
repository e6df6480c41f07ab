using SesConsole.Domain.Primitives;

namespace SesConsole.Domain.Sending;

/// <summary>One header of a raw message, in message order, with its unfolded, decoded value.</summary>
public sealed record RawHeader(string Name, string Value);

/// <summary>
/// What step 2 needs from a raw MIME message. The domain never parses MIME itself: the web layer implements
/// <see cref="IMimeParser"/> with MimeKit and fills this record.
/// </summary>
/// <param name="FromAddress">The bare address of the first mailbox of the <c>From:</c> header; null when there is none.</param>
/// <param name="FromDisplayName">Its display name (decoded); null when it has none.</param>
/// <param name="ReturnPath">The bare address of the <c>Return-Path:</c> header, if present.</param>
/// <param name="To">Addresses of the <c>To:</c> header (groups flattened).</param>
/// <param name="Cc">Addresses of <c>Cc:</c>.</param>
/// <param name="Bcc">Addresses of <c>Bcc:</c>.</param>
/// <param name="Headers">All top-level headers in order (the <c>X-SES-*</c> headers are found here; the first occurrence wins).</param>
/// <param name="SizeBytes">The size of the message as received.</param>
public sealed record ParsedRawMessage(
    string? FromAddress,
    string? FromDisplayName,
    string? ReturnPath,
    IReadOnlyList<string> To,
    IReadOnlyList<string> Cc,
    IReadOnlyList<string> Bcc,
    IReadOnlyList<RawHeader> Headers,
    long SizeBytes);

/// <summary>Parses raw MIME for step 2. Implemented in the web layer with MimeKit; must be thread-safe.</summary>
public interface IMimeParser
{
    /// <summary>The parsed message, or an <see cref="Error"/> (code <c>message.malformed</c>) saying what is wrong.</summary>
    Result<ParsedRawMessage> Parse(ReadOnlyMemory<byte> mime);
}
