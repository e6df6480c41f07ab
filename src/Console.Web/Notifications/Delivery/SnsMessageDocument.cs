using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using SesConsole.Data.Entities;

namespace SesConsole.Web.Notifications.Delivery;

/// <summary>
/// One SNS message as a subscriber receives it over HTTP/S or email-json (docs/notifications.md#delivery): the JSON
/// document with SNS's fields in SNS's order, signed over SNS's canonical string (docs/notifications.md#signing).
/// </summary>
public sealed record SnsMessageDocument(
    string Type,
    string MessageId,
    string TopicArn,
    string? Subject,
    string Message,
    string Timestamp,
    string? Token,
    string? SubscribeUrl,
    string? UnsubscribeUrl,
    string? MessageAttributes)
{
    /// <summary>The keys signed for a Notification, in the order they are signed.</summary>
    public static readonly string[] NotificationKeys = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"];

    /// <summary>
    /// The keys signed for a SubscriptionConfirmation and an UnsubscribeConfirmation, in the order they are signed (AWS's
    /// list; sns-validator 0.3.5 checks UnsubscribeConfirmation with the notification list, without Token, so it rejects them).
    /// </summary>
    public static readonly string[] ConfirmationKeys = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"];

    private static readonly JsonWriterOptions Writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The document of <paramref name="message"/> for <paramref name="subscription"/>.</summary>
    public static SnsMessageDocument For(SnsMessageEntity message, SnsSubscriptionEntity subscription, string publicBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(subscription);
        var timestamp = message.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        if (message.Type == SnsMessageType.Notification)
        {
            return new SnsMessageDocument("Notification", message.MessageId, message.TopicArn, message.Subject, message.Message, timestamp,
                null, null, SnsUrls.UnsubscribeUrl(publicBaseUrl, subscription.Arn), message.MessageAttributes);
        }

        // A confirmation carries the subscription's token; an UnsubscribeConfirmation's link subscribes again.
        var token = subscription.ConfirmationToken ?? TokenOf(message);
        return new SnsMessageDocument(message.Type.ToString(), message.MessageId, message.TopicArn, null, message.Message, timestamp,
            token, SnsUrls.SubscribeUrl(publicBaseUrl, message.TopicArn, token), null, null);
    }

    /// <summary>The string SNS signs: <c>KEY\nVALUE\n</c> for each key of the type's list that the message has.</summary>
    public string StringToSign()
    {
        var builder = new StringBuilder();
        foreach (var key in Type == "Notification" ? NotificationKeys : ConfirmationKeys)
        {
            if (ValueOf(key) is { } value)
            {
                builder.Append(key).Append('\n').Append(value).Append('\n');
            }
        }

        return builder.ToString();
    }

    /// <summary>The base64 signature: version 1 is RSA with SHA1, version 2 RSA with SHA256 (PKCS#1 v1.5 both).</summary>
    public string Sign(RSA key, int signatureVersion)
    {
        ArgumentNullException.ThrowIfNull(key);
        var data = Encoding.UTF8.GetBytes(StringToSign());
        var hash = signatureVersion == 1 ? HashAlgorithmName.SHA1 : HashAlgorithmName.SHA256;
        byte[] signature;
        lock (key)
        {
            signature = key.SignData(data, hash, RSASignaturePadding.Pkcs1);
        }

        return Convert.ToBase64String(signature);
    }

    /// <summary>The JSON body, signed with <paramref name="key"/>; its certificate is at <paramref name="signingCertUrl"/>.</summary>
    public byte[] ToJson(RSA key, int signatureVersion, string signingCertUrl)
    {
        var version = signatureVersion == 1 ? 1 : 2;
        var signature = Sign(key, version);
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, Writer))
        {
            json.WriteStartObject();
            json.WriteString(nameof(Type), Type);
            json.WriteString(nameof(MessageId), MessageId);
            if (Token is not null)
            {
                json.WriteString(nameof(Token), Token);
            }

            json.WriteString(nameof(TopicArn), TopicArn);
            if (Subject is not null)
            {
                json.WriteString(nameof(Subject), Subject);
            }

            json.WriteString(nameof(Message), Message);
            if (SubscribeUrl is not null)
            {
                json.WriteString("SubscribeURL", SubscribeUrl);
            }

            json.WriteString(nameof(Timestamp), Timestamp);
            json.WriteString("SignatureVersion", version.ToString(CultureInfo.InvariantCulture));
            json.WriteString("Signature", signature);
            json.WriteString("SigningCertURL", signingCertUrl);
            if (UnsubscribeUrl is not null)
            {
                json.WriteString("UnsubscribeURL", UnsubscribeUrl);
            }

            if (MessageAttributes is not null && ReadAttributes(MessageAttributes) is { } attributes)
            {
                json.WritePropertyName(nameof(MessageAttributes));
                attributes.WriteTo(json);
            }

            json.WriteEndObject();
        }

        return stream.ToArray();
    }

    private string? ValueOf(string key) => key switch
    {
        "Message" => Message,
        "MessageId" => MessageId,
        "Subject" => Subject,
        "SubscribeURL" => SubscribeUrl,
        "Timestamp" => Timestamp,
        "Token" => Token,
        "TopicArn" => TopicArn,
        "Type" => Type,
        _ => null,
    };

    /// <summary>A token for a confirmation whose subscription has none left (derived from the message, so a retry sends the same).</summary>
    private static string TokenOf(SnsMessageEntity message) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("sns-token:" + message.MessageId)));

    private static JsonElement? ReadAttributes(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
