using System.Globalization;

namespace SesConsole.Domain.Sending.Events;

/// <summary>
/// Builds events: the Send event and the synthetic outcomes of an accepted message (suppression list, mailbox simulator),
/// and the factories the delivery worker uses for real Delivery, Bounce and DeliveryDelay events.
/// </summary>
/// <remarks>
/// Pipeline rejections are errors returned to the caller, not events: SES's Reject event means "accepted, then found to carry
/// a virus" (docs/ses-behaviour.md#event-types), which <see cref="Reject"/> models for completeness.
/// </remarks>
public static class SendEvents
{
    /// <summary>The simulator's and the sink's reporting MTA.</summary>
    public const string SimulatorMta = "dns; a8-60.smtp-out.amazonses.com";

    /// <summary>
    /// The events known at acceptance: Send; per suppressed recipient a Permanent/OnAccountSuppressionList bounce; per
    /// simulator recipient its documented outcome (docs/ses-behaviour.md#mailbox-simulator): success → Delivery; bounce → Delivery-less Permanent/General bounce
    /// 550 5.1.1; ooto → Delivery (the auto-reply to the feedback address is enqueued at acceptance by the web layer's
    /// SimulatorAutoReply and delivered by the worker); complaint → Delivery
    /// and an <c>abuse</c> Complaint; suppressionlist → Permanent/Suppressed bounce. Simulated bounces in one message merge.
    /// </summary>
    public static IReadOnlyList<SendEvent> ForAccepted(AcceptedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var mail = MailInfo.From(message);
        var now = message.Timestamp;
        var events = new List<SendEvent> { new(SendEventType.Send, mail) };
        if (message.Content is SimpleContent { RenderingFailure: { } failure } content)
        {
            // Accepted, then not rendered: SES sends nothing, so no recipient has any other outcome (docs/templates.md#rendering-failures).
            events.Add(new SendEvent(SendEventType.RenderingFailure, mail) { Failure = new RenderingFailureDetail(content.TemplateName ?? "", failure) });
            return events;
        }

        var suppressed = message.Recipients.Where(r => r.Outcome == RecipientOutcome.SuppressedOnAccount).ToArray();
        if (suppressed.Length > 0)
        {
            events.Add(Bounce(mail, "Permanent", "OnAccountSuppressionList",
                [.. suppressed.Select(r => new BouncedRecipient(r.Address, "failed", "5.1.1", "Amazon SES did not send the message to this address because it is on the suppression list for your account."))],
                now, reportingMta: null));
        }

        var delivered = message.Recipients
            .Where(r => r.Outcome is RecipientOutcome.SimulatedDelivery or RecipientOutcome.SimulatedOutOfOffice or RecipientOutcome.SimulatedComplaint)
            .Select(r => r.Address)
            .ToArray();
        if (delivered.Length > 0)
        {
            events.Add(Delivery(mail, delivered, now, "250 2.6.0 Message received", SimulatorMta));
        }

        var bounced = message.Recipients.Where(r => r.Outcome == RecipientOutcome.SimulatedBounce).ToArray();
        if (bounced.Length > 0)
        {
            events.Add(Bounce(mail, "Permanent", "General",
                [.. bounced.Select(r => new BouncedRecipient(r.Address, "failed", "5.1.1", "smtp; 550 5.1.1 user unknown"))], now, SimulatorMta));
        }

        var globallySuppressed = message.Recipients.Where(r => r.Outcome == RecipientOutcome.SimulatedSuppressed).ToArray();
        if (globallySuppressed.Length > 0)
        {
            events.Add(Bounce(mail, "Permanent", "Suppressed",
                [.. globallySuppressed.Select(r => new BouncedRecipient(r.Address, "failed", "5.1.1", "Amazon SES has suppressed sending to this address because it has a recent history of bouncing as an invalid address."))],
                now, reportingMta: null));
        }

        var complained = message.Recipients.Where(r => r.Outcome == RecipientOutcome.SimulatedComplaint).Select(r => r.Address).ToArray();
        if (complained.Length > 0)
        {
            events.Add(new SendEvent(SendEventType.Complaint, mail)
            {
                Complaint = new ComplaintDetail(complained, now, FeedbackId(mail.MessageId, "complaint"), null, "abuse", "Amazon SES Mailbox Simulator", now),
            });
        }

        return events;
    }

    public static SendEvent Delivery(MailInfo mail, IReadOnlyList<string> recipients, DateTimeOffset at, string smtpResponse, string? reportingMta = null, string? remoteMtaIp = null) =>
        new(SendEventType.Delivery, mail)
        {
            Delivery = new DeliveryDetail(at, (long)Math.Max(0, (at - mail.Timestamp).TotalMilliseconds), recipients, smtpResponse, reportingMta, remoteMtaIp),
        };

    public static SendEvent Bounce(MailInfo mail, string bounceType, string bounceSubType, IReadOnlyList<BouncedRecipient> recipients, DateTimeOffset at, string? reportingMta = null) =>
        new(SendEventType.Bounce, mail)
        {
            Bounce = new BounceDetail(bounceType, bounceSubType, recipients, at, FeedbackId(mail.MessageId, "bounce-" + bounceSubType), reportingMta),
        };

    public static SendEvent DeliveryDelay(MailInfo mail, string delayType, IReadOnlyList<DelayedRecipient> recipients, DateTimeOffset at, DateTimeOffset? expires, string? reportingMta = null) =>
        new(SendEventType.DeliveryDelay, mail) { DeliveryDelay = new DeliveryDelayDetail(delayType, recipients, expires, at, reportingMta) };

    public static SendEvent Reject(MailInfo mail) => new(SendEventType.Reject, mail) { Reject = new RejectDetail() };

    /// <summary>A stable feedback ID derived from the message (so re-running the worker yields the same IDs).</summary>
    public static string FeedbackId(string messageId, string kind)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(messageId + "/" + kind));
        return string.Create(CultureInfo.InvariantCulture, $"{Convert.ToHexStringLower(hash.AsSpan(0, 8))}-{messageId}");
    }
}
