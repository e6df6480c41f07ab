using System.Globalization;
using System.Text;
using System.Text.Json;

using SesConsole.Domain.Primitives;

namespace SesConsole.Domain.Sending.Events;

/// <summary>Which top-level field names the type: identity notifications use <c>notificationType</c>, event publishing <c>eventType</c> (docs/ses-behaviour.md#notification-json).</summary>
public enum NotificationFormat
{
    IdentityNotification,
    EventPublishing,
}

/// <summary>
/// Serializes a <see cref="SendEvent"/> to SES's notification JSON (docs/ses-behaviour.md#notification-json, docs/ses-behaviour.md#event-types). Timestamps are ISO 8601 UTC with
/// milliseconds (<c>2016-01-27T14:59:38.237Z</c>); absent optional fields are omitted.
/// </summary>
public static class SesNotificationJson
{
    public static string Serialize(SendEvent notification, NotificationFormat format = NotificationFormat.IdentityNotification) =>
        Serialize(notification, format, withMail: true, headers: null, withAllHeaders: false);

    /// <summary>
    /// The notification as it is published (docs/notifications.md#notification-json): the <c>mail</c> object carries
    /// <c>commonHeaders</c> from <paramref name="headers"/>, and <c>headersTruncated</c> / <c>headers</c> only when
    /// <paramref name="withAllHeaders"/>.
    /// </summary>
    public static string Serialize(SendEvent notification, NotificationFormat format, MessageHeaders? headers, bool withAllHeaders) =>
        Serialize(notification, format, withMail: true, headers, withAllHeaders);

    /// <summary>
    /// The notification without its <c>mail</c> object, as the console stores an event: the message's <c>mail</c> is stored
    /// once (docs/storage-and-retention.md#events) and put back by <see cref="WithMail"/>, which gives exactly
    /// <see cref="Serialize(SendEvent, NotificationFormat)"/>'s text again.
    /// </summary>
    public static string SerializeWithoutMail(SendEvent notification, NotificationFormat format = NotificationFormat.IdentityNotification) =>
        Serialize(notification, format, withMail: false, headers: null, withAllHeaders: false);

    /// <summary>The <c>mail</c> object alone, as <see cref="Serialize(SendEvent, NotificationFormat)"/> writes it.</summary>
    public static string SerializeMail(MailInfo mail)
    {
        ArgumentNullException.ThrowIfNull(mail);
        return JsonText.Write(mail, static (w, mail) => WriteMail(w, mail, asProperty: false));
    }

    /// <summary>
    /// The <c>mail</c> object as the console stores it beside the record that knows the rest
    /// (docs/storage-and-retention.md#events): without <c>timestamp</c>, <c>messageId</c> and <c>sendingAccountId</c>, and
    /// without <c>source</c> / <c>sourceArn</c> when they equal <paramref name="knownSource"/> / <paramref name="knownSourceArn"/>.
    /// <see cref="ReadStoredMail"/> gives the whole <see cref="MailInfo"/> back.
    /// </summary>
    public static string SerializeStoredMail(MailInfo mail, string? knownSource, string? knownSourceArn)
    {
        ArgumentNullException.ThrowIfNull(mail);
        return JsonText.Write((mail, knownSource, knownSourceArn), static (w, state) =>
        {
            var (mail, knownSource, knownSourceArn) = state;
            w.WriteStartObject();
            if (!string.Equals(mail.Source, knownSource, StringComparison.Ordinal))
            {
                w.WriteString("source", mail.Source);
            }

            if (!string.Equals(mail.SourceArn, knownSourceArn, StringComparison.Ordinal))
            {
                w.WriteString("sourceArn", mail.SourceArn);
            }

            if (mail.SourceIp is not null)
            {
                w.WriteString("sourceIp", mail.SourceIp);
            }

            WriteMailTail(w, mail);
        });
    }

    /// <summary>The <see cref="MailInfo"/> that <see cref="SerializeStoredMail"/> stored, with the fields it left out.</summary>
    public static MailInfo ReadStoredMail(string stored, DateTimeOffset timestamp, string messageId, string sendingAccountId, string? knownSource, string? knownSourceArn)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var mail = ReadMail(string.Concat("{\"mail\":{\"timestamp\":\"", Timestamp(timestamp), "\",", stored[1..], "}"))!;
        return mail with
        {
            Timestamp = timestamp,
            MessageId = messageId,
            SendingAccountId = sendingAccountId,
            Source = Has(stored, "source") ? mail.Source : knownSource ?? "",
            SourceArn = Has(stored, "sourceArn") ? mail.SourceArn : knownSourceArn ?? "",
        };

        static bool Has(string json, string name)
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.TryGetProperty(name, out _);
        }
    }

    /// <summary>
    /// Puts <paramref name="mailJson"/> (from <see cref="SerializeMail"/>) back into a notification stored by
    /// <see cref="SerializeWithoutMail"/>, right after its type, where <see cref="Serialize(SendEvent, NotificationFormat)"/>
    /// writes it. A notification that has its <c>mail</c> (stored in full, as before) is returned as it is.
    /// </summary>
    public static string WithMail(string stored, string mailJson)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(mailJson);
        var bytes = Encoding.UTF8.GetBytes(stored);
        var reader = new Utf8JsonReader(bytes);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return stored;
        }

        long afterFirst = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("mail"u8))
            {
                return stored;
            }

            reader.Read();
            reader.Skip();
            if (afterFirst < 0)
            {
                afterFirst = reader.BytesConsumed;
            }
        }

        if (afterFirst < 0)
        {
            return stored;
        }

        var head = Encoding.UTF8.GetString(bytes, 0, (int)afterFirst);
        var tail = Encoding.UTF8.GetString(bytes, (int)afterFirst, bytes.Length - (int)afterFirst);
        return string.Concat(head, ",\"mail\":", mailJson, tail);
    }

    private static string Serialize(SendEvent notification, NotificationFormat format, bool withMail, MessageHeaders? headers, bool withAllHeaders)
    {
        ArgumentNullException.ThrowIfNull(notification);
        return JsonText.Write((notification, format, withMail, headers, withAllHeaders), static (w, state) =>
        {
            var (notification, format, withMail, headers, withAllHeaders) = state;
            w.WriteStartObject();
            w.WriteString(format == NotificationFormat.IdentityNotification ? "notificationType" : "eventType", notification.Type.JsonName());
            if (withMail)
            {
                WriteMail(w, notification.Mail, asProperty: true, headers, withAllHeaders);
            }

            switch (notification.Type)
            {
                case SendEventType.Send:
                    w.WriteStartObject("send");
                    w.WriteEndObject();
                    break;
                case SendEventType.Reject:
                    w.WriteStartObject("reject");
                    w.WriteString("reason", notification.Reject!.Reason);
                    w.WriteEndObject();
                    break;
                case SendEventType.Bounce:
                    WriteBounce(w, notification.Bounce!);
                    break;
                case SendEventType.Complaint:
                    WriteComplaint(w, notification.Complaint!);
                    break;
                case SendEventType.Delivery:
                    WriteDelivery(w, notification.Delivery!);
                    break;
                case SendEventType.DeliveryDelay:
                    WriteDelay(w, notification.DeliveryDelay!);
                    break;
                case SendEventType.RenderingFailure:
                    w.WriteStartObject("failure");
                    w.WriteString("templateName", notification.Failure!.TemplateName);
                    w.WriteString("errorMessage", notification.Failure.ErrorMessage);
                    w.WriteEndObject();
                    break;
            }

            w.WriteEndObject();
        });
    }

    /// <summary>
    /// Reads back the <c>mail</c> object of a notification this class wrote (either format), so that later events of the
    /// message carry exactly the same <c>mail</c> as its Send event; <see langword="null"/> when the JSON has none.
    /// </summary>
    public static MailInfo? ReadMail(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("mail", out var mail) || mail.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        static string[] List(JsonElement e) => e.ValueKind == JsonValueKind.Array ? [.. e.EnumerateArray().Select(v => v.GetString() ?? "")] : [];
        Dictionary<string, IReadOnlyList<string>>? tags = null;
        if (mail.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Object)
        {
            tags = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            foreach (var tag in t.EnumerateObject())
            {
                tags[tag.Name] = List(tag.Value);
            }
        }

        return new MailInfo(
            DateTimeOffset.Parse(Text(mail, "timestamp") ?? "", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
            Text(mail, "messageId") ?? "",
            Text(mail, "source") ?? "",
            Text(mail, "sourceArn") ?? "",
            Text(mail, "sourceIp"),
            Text(mail, "sendingAccountId") ?? "",
            Text(mail, "callerIdentity") ?? "",
            mail.TryGetProperty("destination", out var d) ? List(d) : [])
        {
            Tags = tags,
        };
    }

    /// <summary>The timestamp format SES uses.</summary>
    public static string Timestamp(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static void WriteMail(Utf8JsonWriter w, MailInfo mail, bool asProperty, MessageHeaders? headers = null, bool withAllHeaders = false)
    {
        if (asProperty)
        {
            w.WriteStartObject("mail");
        }
        else
        {
            w.WriteStartObject();
        }

        w.WriteString("timestamp", Timestamp(mail.Timestamp));
        w.WriteString("messageId", mail.MessageId);
        w.WriteString("source", mail.Source);
        w.WriteString("sourceArn", mail.SourceArn);
        if (mail.SourceIp is not null)
        {
            w.WriteString("sourceIp", mail.SourceIp);
        }

        w.WriteString("sendingAccountId", mail.SendingAccountId);
        WriteMailTail(w, mail, headers, withAllHeaders);
    }

    /// <summary>The <c>mail</c> object from <c>callerIdentity</c> on, closing it.</summary>
    private static void WriteMailTail(Utf8JsonWriter w, MailInfo mail, MessageHeaders? headers = null, bool withAllHeaders = false)
    {
        w.WriteString("callerIdentity", mail.CallerIdentity);
        Strings(w, "destination", mail.Destination);
        if (headers is not null)
        {
            WriteHeaders(w, headers, withAllHeaders);
        }

        if (mail.Tags is { Count: > 0 } tags)
        {
            w.WriteStartObject("tags");
            foreach (var (name, values) in tags)
            {
                Strings(w, name, values);
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static void WriteHeaders(Utf8JsonWriter w, MessageHeaders headers, bool withAll)
    {
        if (withAll)
        {
            var (list, truncated) = headers.Limited();
            w.WriteBoolean("headersTruncated", truncated);
            w.WriteStartArray("headers");
            foreach (var header in list)
            {
                w.WriteStartObject();
                w.WriteString("name", header.Name);
                w.WriteString("value", header.Value);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        var c = headers.Common;
        w.WriteStartObject("commonHeaders");
        Optional(w, "returnPath", c.ReturnPath);
        Strings(w, "from", c.From);
        Optional(w, "date", c.Date);
        if (c.To.Count > 0)
        {
            Strings(w, "to", c.To);
        }

        if (c.Cc.Count > 0)
        {
            Strings(w, "cc", c.Cc);
        }

        if (c.ReplyTo.Count > 0)
        {
            Strings(w, "replyTo", c.ReplyTo);
        }

        Optional(w, "messageId", c.MessageId);
        Optional(w, "subject", c.Subject);
        w.WriteEndObject();
    }

    private static void WriteBounce(Utf8JsonWriter w, BounceDetail b)
    {
        w.WriteStartObject("bounce");
        w.WriteString("bounceType", b.BounceType);
        w.WriteString("bounceSubType", b.BounceSubType);
        w.WriteStartArray("bouncedRecipients");
        foreach (var r in b.BouncedRecipients)
        {
            w.WriteStartObject();
            w.WriteString("emailAddress", r.EmailAddress);
            Optional(w, "action", r.Action);
            Optional(w, "status", r.Status);
            Optional(w, "diagnosticCode", r.DiagnosticCode);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteString("timestamp", Timestamp(b.Timestamp));
        w.WriteString("feedbackId", b.FeedbackId);
        Optional(w, "remoteMtaIp", b.RemoteMtaIp);
        Optional(w, "reportingMTA", b.ReportingMta);
        w.WriteEndObject();
    }

    private static void WriteComplaint(Utf8JsonWriter w, ComplaintDetail c)
    {
        w.WriteStartObject("complaint");
        w.WriteStartArray("complainedRecipients");
        foreach (var address in c.ComplainedRecipients)
        {
            w.WriteStartObject();
            w.WriteString("emailAddress", address);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteString("timestamp", Timestamp(c.Timestamp));
        w.WriteString("feedbackId", c.FeedbackId);
        if (c.ComplaintSubType is null)
        {
            w.WriteNull("complaintSubType");
        }
        else
        {
            w.WriteString("complaintSubType", c.ComplaintSubType);
        }

        Optional(w, "userAgent", c.UserAgent);
        Optional(w, "complaintFeedbackType", c.ComplaintFeedbackType);
        if (c.ArrivalDate is { } arrival)
        {
            w.WriteString("arrivalDate", Timestamp(arrival));
        }

        w.WriteEndObject();
    }

    private static void WriteDelivery(Utf8JsonWriter w, DeliveryDetail d)
    {
        w.WriteStartObject("delivery");
        w.WriteString("timestamp", Timestamp(d.Timestamp));
        w.WriteNumber("processingTimeMillis", d.ProcessingTimeMillis);
        Strings(w, "recipients", d.Recipients);
        w.WriteString("smtpResponse", d.SmtpResponse);
        Optional(w, "reportingMTA", d.ReportingMta);
        Optional(w, "remoteMtaIp", d.RemoteMtaIp);
        w.WriteEndObject();
    }

    private static void WriteDelay(Utf8JsonWriter w, DeliveryDelayDetail d)
    {
        w.WriteStartObject("deliveryDelay");
        w.WriteString("timestamp", Timestamp(d.Timestamp));
        w.WriteString("delayType", d.DelayType);
        if (d.ExpirationTime is { } expires)
        {
            w.WriteString("expirationTime", Timestamp(expires));
        }

        Optional(w, "reportingMTA", d.ReportingMta);
        w.WriteStartArray("delayedRecipients");
        foreach (var r in d.DelayedRecipients)
        {
            w.WriteStartObject();
            w.WriteString("emailAddress", r.EmailAddress);
            Optional(w, "status", r.Status);
            Optional(w, "diagnosticCode", r.DiagnosticCode);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    private static void Optional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }
}
