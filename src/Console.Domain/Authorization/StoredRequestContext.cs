using System.Buffers;
using System.Text;
using System.Text.Json;

using SesConsole.Domain.Primitives;

namespace SesConsole.Domain.Authorization;

/// <summary>
/// The compact form of a send's <see cref="RequestContext"/> kept on its attempt (<c>SendAttempts.ReplayContext</c>), so the
/// impact preview can replay it against a draft policy (docs/policy-editor.md#impact-preview). An accepted attempt already
/// holds its From address (column), its recipients and source IP (its <c>mail</c> object), so only the rest is written;
/// a rejected attempt has no <c>mail</c>, so everything is. Keys are one or two letters and defaults are left out: a v2
/// send over TLS without a display name or Return-Path is stored as <c>{}</c> (docs/storage-and-retention.md#attempts).
/// <c>aws:UserAgent</c> is not kept (it is long and policies rarely test it); the replay treats it as absent.
/// </summary>
public static class StoredRequestContext
{
    /// <summary>At most this many recipients of a rejected attempt are kept; the rest are dropped (flag <c>"x":1</c>).</summary>
    public const int MaxRecipients = 100;

    /// <summary>The stored text of <paramref name="context"/>; <paramref name="accepted"/> leaves out what the <c>mail</c> object holds.</summary>
    public static string Serialize(RequestContext context, bool accepted)
    {
        ArgumentNullException.ThrowIfNull(context);
        return JsonText.Write((context, accepted), static (w, state) =>
        {
            var (context, accepted) = state;
            w.WriteStartObject();
            if (!accepted)
            {
                Write(w, "f", context.FromAddress);
                if (context.Recipients is { } recipients)
                {
                    w.WriteStartArray("to");
                    foreach (var r in recipients.Take(MaxRecipients))
                    {
                        w.WriteStringValue(r);
                    }

                    w.WriteEndArray();
                    if (recipients.Count > MaxRecipients)
                    {
                        w.WriteNumber("x", 1);
                    }
                }

                Write(w, "ip", context.SourceIp);
            }

            Write(w, "n", context.FromDisplayName);
            Write(w, "r", context.FeedbackAddress);
            if (context.ApiVersion is { } version && version != "2")
            {
                w.WriteString("v", version);
            }

            if (context.SecureTransport is false)
            {
                w.WriteNumber("s", 0);
            }

            Write(w, "sa", context.SourceAccount);
            Write(w, "sn", context.SourceArn);
            w.WriteEndObject();
        });
    }

    /// <summary>
    /// The request context of a stored attempt: <paramref name="stored"/> (from <see cref="Serialize"/>) completed by the
    /// row's time and From address and, for an accepted attempt, its <c>mail</c> object's recipients and source IP.
    /// Null when <paramref name="stored"/> is null or unreadable (rows written before the column existed).
    /// </summary>
    public static RequestContext? Read(string? stored, DateTimeOffset at, string? fromAddress, string? mailJson)
    {
        if (string.IsNullOrEmpty(stored))
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(stored));
            string? from = fromAddress, name = null, feedback = null, version = "2", ip = null, sourceAccount = null, sourceArn = null;
            List<string>? recipients = null;
            var secure = true;
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.GetString();
                reader.Read();
                switch (key)
                {
                    case "f": from = reader.GetString(); break;
                    case "n": name = reader.GetString(); break;
                    case "r": feedback = reader.GetString(); break;
                    case "v": version = reader.GetString(); break;
                    case "ip": ip = reader.GetString(); break;
                    case "s": secure = reader.GetInt32() != 0; break;
                    case "sa": sourceAccount = reader.GetString(); break;
                    case "sn": sourceArn = reader.GetString(); break;
                    case "to": recipients = ReadArray(ref reader); break;
                    default: reader.Skip(); break;
                }
            }

            if (mailJson is not null)
            {
                ReadMail(mailJson, ref recipients, ref ip);
            }

            return new RequestContext
            {
                FromAddress = from,
                FromDisplayName = name,
                FeedbackAddress = feedback,
                Recipients = recipients ?? [],
                ApiVersion = version,
                CurrentTime = at,
                SecureTransport = secure,
                SourceIp = ip,
                SourceAccount = sourceAccount,
                SourceArn = sourceArn,
            };
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary><c>destination</c> and <c>sourceIp</c> of a stored <c>mail</c> object, read without building it.</summary>
    private static void ReadMail(string mailJson, ref List<string>? recipients, ref string? ip)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(mailJson));
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("destination"u8))
            {
                reader.Read();
                recipients = ReadArray(ref reader);
            }
            else if (reader.ValueTextEquals("sourceIp"u8))
            {
                reader.Read();
                ip = reader.GetString();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static List<string> ReadArray(ref Utf8JsonReader reader)
    {
        var list = new List<string>();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return list;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.String)
        {
            list.Add(reader.GetString()!);
        }

        return list;
    }

    private static void Write(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }
}
