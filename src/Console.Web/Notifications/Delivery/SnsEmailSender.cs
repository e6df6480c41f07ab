using System.Text;
using Microsoft.Extensions.Options;
using MimeKit;
using SesConsole.Data.Entities;
using SesConsole.Domain.Sending;
using SesConsole.Web.Features.Mail;

namespace SesConsole.Web.Notifications.Delivery;

/// <summary>
/// Mails SNS messages to <c>email</c> and <c>email-json</c> subscribers through the console's own mail transport, the
/// way the console's other mail goes (so in Development they land in the Mailbox of the subscriber's account):
/// the confirmation with its "Confirm subscription" link, then each notification — the Message as text with the
/// unsubscribe link (<c>email</c>) or the signed JSON document (<c>email-json</c>) (docs/notifications.md#delivery).
/// The mail's Message-ID is the delivery's own, so a retry after a crash is caught once by the local sink.
/// </summary>
public sealed class SnsEmailSender(IMailTransport transport, MailOptions mailOptions, IOptions<NotificationsOptions> options, TimeProvider time)
{
    private static readonly FormatOptions Wire = CreateWireFormat();

    private readonly MailboxAddress _from = MailboxAddress.Parse(mailOptions.From);

    /// <summary>Mails <paramref name="document"/> (already signed into <paramref name="json"/>) to the subscription's address.</summary>
    public async Task<SnsAttemptResult> SendAsync(Guid deliveryId, SnsSubscriptionEntity subscription, SnsTopicEntity topic,
        SnsMessageDocument document, byte[] json, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(document);
        if (!MailboxAddress.TryParse(subscription.Endpoint, out var to))
        {
            return SnsAttemptResult.Failed($"'{subscription.Endpoint}' is not an email address.");
        }

        var (subject, text) = Compose(subscription, topic, document, json);
        var domain = _from.Domain.Length > 0 ? _from.Domain : "localhost";
        var message = new MimeMessage
        {
            Date = time.GetUtcNow(),
            MessageId = $"sns.{deliveryId:N}@{domain}",
            Subject = subject,
            Body = new TextPart("plain") { Text = text },
        };
        message.From.Add(new MailboxAddress(string.IsNullOrWhiteSpace(topic.DisplayName) ? "AWS Notifications" : topic.DisplayName, _from.Address));
        message.To.Add(to);
        using var stream = new MemoryStream();
        message.WriteTo(Wire, stream, ct);
        var outbound = new OutboundMessage(subscription.SubscriberAccountId, _from.Address, [to.Address], stream.ToArray());

        using var timeout = new CancellationTokenSource(options.Value.DeliveryTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            var sent = await transport.SendAsync(outbound, linked.Token);
            return sent.IsSuccess
                ? new SnsAttemptResult(true, false, null, $"Mailed as <{sent.Value}>.")
                : SnsAttemptResult.Failed(sent.Error.Message);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return SnsAttemptResult.Failed($"The mail transport did not answer within {options.Value.DeliveryTimeout.TotalSeconds:0.###} s.");
        }
    }

    /// <summary>The subject and text SNS mails for each kind of message.</summary>
    private static (string Subject, string Text) Compose(SnsSubscriptionEntity subscription, SnsTopicEntity topic, SnsMessageDocument document, byte[] json)
    {
        if (document.Type == nameof(SnsMessageType.SubscriptionConfirmation))
        {
            var name = string.IsNullOrWhiteSpace(topic.DisplayName) ? topic.Name : topic.DisplayName;
            return ("AWS Notification - Subscription Confirmation",
                $"You have chosen to subscribe to the topic: \r\n{topic.Arn}\r\n\r\n"
                + $"To confirm this subscription, click or visit the link below (If this was in error no action is necessary):\r\n"
                + $"Confirm subscription: {document.SubscribeUrl}\r\n\r\n"
                + $"Topic: {name}\r\n\r\nPlease do not reply directly to this email. This mail was sent by SesConsole's notification service.\r\n");
        }

        var subject = document.Subject ?? "AWS Notification Message";
        if (subscription.Protocol == "email-json")
        {
            return (subject, Encoding.UTF8.GetString(json));
        }

        return (subject, document.Message + "\r\n\r\n--\r\n"
            + "If you wish to stop receiving notifications from this topic, please click or visit the link below to unsubscribe:\r\n"
            + document.UnsubscribeUrl + "\r\n\r\nPlease do not reply directly to this email.\r\n");
    }

    private static FormatOptions CreateWireFormat()
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        return format;
    }
}
