using System.Globalization;
using System.Text;
using MimeKit;
using MimeKit.Utils;
using SesConsole.Data.Entities;
using SesConsole.Domain.Sending.Events;

namespace SesConsole.Web.Notifications.Feedback;

/// <summary>
/// The bounce and complaint notices SES mails to a message's feedback address (docs/notifications.md#feedback-email): a
/// bounce as an RFC 3464 <c>multipart/report; report-type=delivery-status</c> from <c>MAILER-DAEMON@DOMAIN</c>, a
/// complaint as an RFC 5965 <c>multipart/report; report-type=feedback-report</c> from <c>complaints@DOMAIN</c>, each
/// with the original headers (<c>text/rfc822-headers</c>). They are outbox rows of their own, delivered by the worker
/// like any mail, and are no SES message: they get no events, so feedback about a feedback notice cannot happen.
/// </summary>
public static class FeedbackMail
{
    /// <summary>The prefix of a notice's outbox MessageId (SES message IDs start with hex digits).</summary>
    public const string Prefix = "feedback.";

    /// <summary>Whether an outbox row is a feedback notice (not an SES message: it gets no events).</summary>
    public static bool IsFeedback(string outboxMessageId) => outboxMessageId.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The outbox row mailing <paramref name="e"/> (a Bounce or Complaint) to <paramref name="to"/>.</summary>
    /// <param name="e">The event.</param>
    /// <param name="to">The feedback address.</param>
    /// <param name="domain">The installation's mail domain (the sender of the notices).</param>
    /// <param name="sourceArn">The identity the original was sent as.</param>
    /// <param name="originalMime">The original message, for its header block; null when it is not at hand.</param>
    /// <param name="now">When the notice is made.</param>
    public static OutboxMessageEntity For(SendEvent e, string to, string domain, string sourceArn, byte[]? originalMime, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(e);
        var id = Guid.CreateVersion7(now);
        var complaint = e.Type == SendEventType.Complaint;
        var from = complaint ? $"complaints@{domain}" : $"MAILER-DAEMON@{domain}";
        var notice = new MimeMessage
        {
            Subject = complaint ? "Complaint about your message" : "Delivery Status Notification (Failure)",
            MessageId = $"{Prefix}{id:N}@{domain}",
            Date = now,
        };
        notice.From.Add(new MailboxAddress(complaint ? "Complaints" : "Mail Delivery Subsystem", from));
        notice.To.Add(MailboxAddress.Parse(to));
        notice.Headers.Add("Auto-Submitted", "auto-replied");
        notice.Headers.Add("X-SES-Feedback-Type", e.Type.JsonName());

        var report = new MultipartReport(complaint ? "feedback-report" : "delivery-status");
        report.Add(new TextPart("plain") { Text = complaint ? ComplaintText(e) : BounceText(e) });
        report.Add(Part(complaint ? "feedback-report" : "delivery-status", complaint ? FeedbackReport(e) : DeliveryStatus(e)));
        var headers = originalMime is null ? MinimalHeaders(e) : OriginalHeaders.Block(originalMime);
        report.Add(new MimePart("text", "rfc822-headers") { Content = new MimeContent(new MemoryStream(headers)) });
        notice.Body = report;

        using var output = new MemoryStream();
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        notice.WriteTo(format, output);
        return new OutboxMessageEntity
        {
            Id = id, MessageId = $"{Prefix}{id:N}", AccountId = e.Mail.SendingAccountId, SourceArn = sourceArn,
            EnvelopeFrom = from, Recipients = to, Mime = output.ToArray(), CreatedAt = now, NextAttemptAt = now,
        };
    }

    private static MimePart Part(string subtype, string text) =>
        new("message", subtype) { Content = new MimeContent(new MemoryStream(Encoding.ASCII.GetBytes(text))), ContentTransferEncoding = ContentEncoding.SevenBit };

    private static string BounceText(SendEvent e)
    {
        var b = e.Bounce!;
        var text = new StringBuilder()
            .Append("An error occurred while trying to deliver the mail to the following recipients:\r\n");
        foreach (var r in b.BouncedRecipients)
        {
            text.Append(r.EmailAddress).Append("\r\n");
        }

        return text.Append(CultureInfo.InvariantCulture, $"\r\nMessage ID: {e.Mail.MessageId}\r\nBounce type: {b.BounceType}/{b.BounceSubType}\r\n").ToString();
    }

    private static string ComplaintText(SendEvent e) =>
        string.Create(CultureInfo.InvariantCulture,
            $"A recipient of your message {e.Mail.MessageId} from {e.Mail.Source} reported it as unwanted ({e.Complaint!.ComplaintFeedbackType ?? "abuse"}).\r\n"
            + $"Recipients: {string.Join(", ", e.Complaint.ComplainedRecipients)}\r\n");

    private static string DeliveryStatus(SendEvent e)
    {
        var b = e.Bounce!;
        var text = new StringBuilder()
            .Append("Reporting-MTA: ").Append(b.ReportingMta ?? "dns; sesconsole").Append("\r\n")
            .Append("Arrival-Date: ").Append(DateUtils.FormatDate(e.Mail.Timestamp)).Append("\r\n");
        foreach (var r in b.BouncedRecipients)
        {
            text.Append("\r\nFinal-Recipient: rfc822; ").Append(r.EmailAddress).Append("\r\n")
                .Append("Action: ").Append(r.Action ?? "failed").Append("\r\n")
                .Append("Status: ").Append(r.Status ?? "5.0.0").Append("\r\n");
            if (r.DiagnosticCode is { } diagnostic)
            {
                text.Append("Diagnostic-Code: ").Append(diagnostic.StartsWith("smtp;", StringComparison.Ordinal) ? diagnostic : "smtp; " + diagnostic).Append("\r\n");
            }

            text.Append("Last-Attempt-Date: ").Append(DateUtils.FormatDate(b.Timestamp)).Append("\r\n");
        }

        return Ascii(text.ToString());
    }

    private static string FeedbackReport(SendEvent e)
    {
        var c = e.Complaint!;
        var text = new StringBuilder()
            .Append("Feedback-Type: ").Append(c.ComplaintFeedbackType ?? "abuse").Append("\r\n")
            .Append("User-Agent: ").Append(c.UserAgent ?? "SesConsole").Append("\r\n")
            .Append("Version: 1\r\n")
            .Append("Original-Mail-From: <").Append(e.Mail.Source).Append(">\r\n");
        foreach (var r in c.ComplainedRecipients)
        {
            text.Append("Original-Rcpt-To: <").Append(r).Append(">\r\n");
        }

        text.Append("Arrival-Date: ").Append(DateUtils.FormatDate(c.ArrivalDate ?? e.Mail.Timestamp)).Append("\r\n");
        return Ascii(text.ToString());
    }

    private static byte[] MinimalHeaders(SendEvent e) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"From: {e.Mail.Source}\r\nTo: {string.Join(", ", e.Mail.Destination)}\r\nDate: {DateUtils.FormatDate(e.Mail.Timestamp)}\r\n\r\n"));

    /// <summary>Report fields are 7-bit; an address with other characters is shown with them replaced.</summary>
    private static string Ascii(string text) => string.Concat(text.Select(ch => ch < 128 ? ch : '?'));
}
