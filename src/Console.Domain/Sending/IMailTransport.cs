using SesConsole.Domain.Primitives;

namespace SesConsole.Domain.Sending;

/// <summary>
/// A message ready to leave the console: the SMTP envelope plus the whole MIME message as bytes. The envelope is what
/// delivery uses; the message's own From/To/Cc headers are not consulted (as in SES <c>SendRawEmail</c>, where
/// <c>Destinations</c> and the source override the headers).
/// </summary>
/// <param name="AccountId">The account the message belongs to (the sender, or the owner of the identity being verified); <see langword="null"/> for platform mail only admins see.</param>
/// <param name="EnvelopeFrom">The SMTP <c>MAIL FROM</c> address.</param>
/// <param name="Recipients">The SMTP <c>RCPT TO</c> addresses; at least one.</param>
/// <param name="Mime">The RFC 5322 message, exactly as it is to be delivered.</param>
public sealed record OutboundMessage(string? AccountId, string EnvelopeFrom, IReadOnlyList<string> Recipients, byte[] Mime);

/// <summary>
/// Where outgoing mail goes: the embedded local sink, or an SMTP relay. The send pipeline's last step hands accepted
/// messages to it; verification mail uses it directly.
/// </summary>
public interface IMailTransport
{
    /// <summary>
    /// Delivers <paramref name="message"/> and returns its RFC 5322 Message-ID (without angle brackets). Delivery failures a
    /// user or an operator can cause come back as an <see cref="Error"/> with one of the <see cref="MailTransportErrors"/>
    /// codes, never as an exception.
    /// </summary>
    Task<Result<string>> SendAsync(OutboundMessage message, CancellationToken cancellationToken);
}

/// <summary>The error codes of <see cref="IMailTransport.SendAsync"/>: what the delivery worker does next depends on them.</summary>
public static class MailTransportErrors
{
    /// <summary>Worth retrying (relay down, timeout, authentication refused, a 4xx reply): retried with backoff.</summary>
    public const string RelayFailed = "mail.relay_failed";

    /// <summary>
    /// The receiving server refused one recipient for good (a 5xx reply to <c>RCPT TO</c>): a hard bounce for the address
    /// in <see cref="Error.Location"/>; the other recipients are still delivered.
    /// </summary>
    public const string RecipientRejected = "mail.recipient_rejected";

    /// <summary>The receiving server refused the message itself for good (a 5xx reply to <c>DATA</c>): a content-rejected bounce.</summary>
    public const string ContentRejected = "mail.content_rejected";
}
