using System.Globalization;
using MimeKit;
using SesConsole.Data.Entities;
using SesConsole.Domain.Sending;

namespace SesConsole.Web.Sending.Delivery;

/// <summary>
/// The mailbox simulator's out-of-the-office answer (docs/ses-behaviour.md#mailbox-simulator): a message accepted for <c>ooto@simulator.amazonses.com</c> is
/// "delivered" (a Delivery event at acceptance) and the simulator mails an RFC 3834 auto-reply to the message's
/// feedback address (the Return-Path, else the Source / From). The reply is built at acceptance and enqueued as its own
/// outbox row in the same commit as the message, so the delivery worker takes it to the transport like any other mail:
/// nothing is lost in a crash, and it lands in the local sink once (the sink is idempotent by Message-ID, and the reply's
/// Message-ID is derived from the message's). One reply per message, from its first <c>ooto@</c> recipient.
/// </summary>
public static class SimulatorAutoReply
{
    /// <summary>The prefix of the reply's outbox MessageId and RFC 5322 Message-ID (SES message IDs start with hex digits).</summary>
    public const string Prefix = "ooto.";

    /// <summary>Whether an outbox row is a simulator auto-reply (not an SES message: it gets no events).</summary>
    public static bool IsAutoReply(string outboxMessageId) => outboxMessageId.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The reply's outbox row, or <see langword="null"/> when the message has no <c>ooto@</c> recipient.</summary>
    public static OutboxMessageEntity? For(AcceptedMessage accepted, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(accepted);
        var ooto = accepted.Recipients.FirstOrDefault(r => r.Outcome == RecipientOutcome.SimulatedOutOfOffice)?.Address;
        if (ooto is null)
        {
            return null;
        }

        var original = accepted.RfcMessageId;
        var subject = SubjectOf(accepted.Content);
        var reply = new MimeMessage
        {
            Subject = string.IsNullOrWhiteSpace(subject) ? "Out of the office" : "Auto: " + subject,
            MessageId = $"{Prefix}{accepted.MessageId}@{MailboxSimulator.Domain}",
            Date = accepted.Timestamp,
            InReplyTo = original,
        };
        reply.From.Add(MailboxAddress.Parse(ooto));
        reply.To.Add(MailboxAddress.Parse(accepted.FeedbackForwardingAddress));
        reply.References.Add(original);
        reply.Headers.Add("Auto-Submitted", "auto-replied");
        reply.Body = new TextPart("plain")
        {
            Text = string.Create(CultureInfo.InvariantCulture,
                $"I am out of the office and will reply when I am back.\r\n\r\nThis is an automatic reply (RFC 3834) from the Amazon SES mailbox simulator to message {accepted.MessageId}.\r\n"),
        };

        using var output = new MemoryStream();
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        reply.WriteTo(format, output);
        return new OutboxMessageEntity
        {
            Id = Guid.CreateVersion7(now), MessageId = Prefix + accepted.MessageId, AccountId = accepted.SendingAccountId, SourceArn = accepted.SourceArn,

            // RFC 3834, section 3.3, asks for a null MAIL FROM; the transports need an address, so the simulator mailbox that answers.
            EnvelopeFrom = ooto, Recipients = accepted.FeedbackForwardingAddress, Mime = output.ToArray(),
            CreatedAt = accepted.Timestamp, NextAttemptAt = accepted.Timestamp,
        };
    }

    private static string? SubjectOf(SendContent content)
    {
        if (content is SimpleContent simple)
        {
            return simple.Subject;
        }

        if (content is RawContent raw)
        {
            try
            {
                using var stream = new MemoryStream(raw.Mime.ToArray(), writable: false);
                return HeaderList.Load(stream)[HeaderId.Subject];
            }
            catch (FormatException)
            {
                return null;
            }
        }

        return null;
    }
}
