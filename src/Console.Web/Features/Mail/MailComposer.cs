using MimeKit;
using MimeKit.Utils;
using SesConsole.Domain.Sending;

namespace SesConsole.Web.Features.Mail;

/// <summary>A product mail to compose: one recipient, a subject, a plain-text body and optionally an HTML alternative.</summary>
/// <param name="AccountId">The account the message belongs to (whose Mailbox shows it); <see langword="null"/> for admin-only mail.</param>
public sealed record ProductMail(string? AccountId, string To, string Subject, string TextBody, string? HtmlBody = null);

/// <summary>
/// Builds the console's own mail (verification links and the like) as MIME with MimeKit: From <c>Mail:From</c>, a Date
/// from the <see cref="TimeProvider"/>, a fresh Message-ID, text plus an HTML alternative.
/// </summary>
public sealed class MailComposer(MailOptions options, TimeProvider time)
{
    // RFC 5322 line endings on every platform.
    private static readonly FormatOptions Wire = CreateWireFormat();

    private readonly MailboxAddress _from = MailboxAddress.Parse(options.From);

    public OutboundMessage Compose(ProductMail mail)
    {
        ArgumentNullException.ThrowIfNull(mail);
        var message = new MimeMessage
        {
            Date = time.GetUtcNow(),
            MessageId = MimeUtils.GenerateMessageId(_from.Domain.Length > 0 ? _from.Domain : "localhost"),
            Subject = mail.Subject,
            Body = new BodyBuilder { TextBody = mail.TextBody, HtmlBody = mail.HtmlBody }.ToMessageBody(),
        };
        message.From.Add(_from);
        message.To.Add(MailboxAddress.Parse(mail.To));
        using var stream = new MemoryStream();
        message.WriteTo(Wire, stream);
        return new OutboundMessage(mail.AccountId, _from.Address, [MailboxAddress.Parse(mail.To).Address], stream.ToArray());
    }

    private static FormatOptions CreateWireFormat()
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        return format;
    }
}
