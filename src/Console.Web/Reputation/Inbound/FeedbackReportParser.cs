using System.Text.RegularExpressions;
using MimeKit;
using MimeKit.Utils;
using SesConsole.Data.Entities;
using SesConsole.Domain.Sending.Events;

namespace SesConsole.Web.Reputation.Inbound;

/// <summary>One failed recipient read from a DSN, classified as SES would (docs/reputation.md#inbound-feedback).</summary>
public sealed record DsnFailure(string BounceType, string BounceSubType, BouncedRecipient Recipient);

/// <summary>An abuse report read from an ARF message.</summary>
public sealed record ArfComplaint(IReadOnlyList<string> Recipients, string? FeedbackType, string? UserAgent, DateTimeOffset? ArrivalDate);

/// <summary>
/// What an inbound feedback message was found to be, about one message: the kind, a one-line summary, and what counts
/// (failed recipients of a DSN, or a complaint). Only recipients of the message are ever named here.
/// </summary>
public sealed record ParsedFeedback(InboundFeedbackKind Kind, string Summary)
{
    public IReadOnlyList<DsnFailure> Failures { get; init; } = [];

    public string? ReportingMta { get; init; }

    public string? RemoteMtaIp { get; init; }

    public ArfComplaint? Complaint { get; init; }
}

/// <summary>
/// Reads an inbound feedback message with MimeKit (docs/reputation.md#inbound-feedback): an RFC 3464 delivery status
/// notification (<c>multipart/report; report-type=delivery-status</c>), an RFC 5965 abuse report
/// (<c>report-type=feedback-report</c>, whose <c>message/feedback-report</c> part is read as header fields), an RFC 3834
/// auto-reply, or something else. Pure: it sees the report and the message it was addressed about, nothing else, and
/// never throws on bad input.
/// </summary>
public static partial class FeedbackReportParser
{
    /// <param name="mime">The report as received.</param>
    /// <param name="messageId">The SES message ID the return address belongs to.</param>
    /// <param name="recipients">The message's recipients (<c>mail.destination</c>).</param>
    public static ParsedFeedback Parse(byte[] mime, string messageId, IReadOnlyList<string> recipients)
    {
        ArgumentNullException.ThrowIfNull(mime);
        ArgumentNullException.ThrowIfNull(messageId);
        ArgumentNullException.ThrowIfNull(recipients);
        MimeMessage message;
        try
        {
            using var stream = new MemoryStream(mime, writable: false);
            message = MimeMessage.Load(stream);
        }
        catch (Exception ex) when (ex is FormatException or ParseException or IOException or ArgumentException)
        {
            return new ParsedFeedback(InboundFeedbackKind.Unparsed, $"Not a MIME message ({ex.Message}).");
        }

        try
        {
            var reports = Reports(message.Body).ToList();
            if (reports.FirstOrDefault(r => string.Equals(r.ReportType, "delivery-status", StringComparison.OrdinalIgnoreCase)) is { } dsn)
            {
                return ReadDsn(dsn, recipients);
            }

            if (reports.FirstOrDefault(r => string.Equals(r.ReportType, "feedback-report", StringComparison.OrdinalIgnoreCase)) is { } arf)
            {
                return ReadArf(arf, messageId, recipients);
            }

            if (IsAutoReply(message))
            {
                return new ParsedFeedback(InboundFeedbackKind.AutoReply, $"An automatic reply (\"{Cut(message.Subject ?? "", 120)}\"); kept, not counted.");
            }

            return new ParsedFeedback(InboundFeedbackKind.Unparsed,
                $"Neither a delivery status notification, an abuse report nor an auto-reply ({message.Body?.ContentType.MimeType ?? "no body"}, \"{Cut(message.Subject ?? "", 120)}\"); kept, not counted.");
        }
        catch (Exception ex) when (ex is FormatException or ParseException or InvalidOperationException or ArgumentException or IOException)
        {
            return new ParsedFeedback(InboundFeedbackKind.Unparsed, $"Could not read the report ({ex.Message}); kept, not counted.");
        }
    }

    /// <summary>Every <c>multipart/report</c> in the body, outermost first (some MTAs wrap the report in a multipart/mixed).</summary>
    private static IEnumerable<MultipartReport> Reports(MimeEntity? body)
    {
        switch (body)
        {
            case MultipartReport report:
                yield return report;
                break;
            case Multipart multipart:
                foreach (var part in multipart)
                {
                    if (part is MultipartReport nested)
                    {
                        yield return nested;
                    }
                }

                break;
            default:
                break;
        }
    }

    private static ParsedFeedback ReadDsn(MultipartReport report, IReadOnlyList<string> recipients)
    {
        var status = report.OfType<MessageDeliveryStatus>().FirstOrDefault();
        if (status is null || status.StatusGroups.Count < 2)
        {
            return new ParsedFeedback(InboundFeedbackKind.Unparsed, "A delivery-status report without per-recipient fields; kept, not counted.");
        }

        var perMessage = status.StatusGroups[0];
        var reportingMta = perMessage["Reporting-MTA"]?.Trim();
        var failures = new List<DsnFailure>();
        var notOurs = new List<string>();
        var others = new List<string>();
        string? remoteMta = null;
        foreach (var group in status.StatusGroups.Skip(1))
        {
            var action = (group["Action"] ?? "").Trim().ToLowerInvariant();
            var final = Address(group["Final-Recipient"]);
            var original = Address(group["Original-Recipient"]);
            var recipient = recipients.FirstOrDefault(r => r.Equals(final, StringComparison.OrdinalIgnoreCase) || r.Equals(original, StringComparison.OrdinalIgnoreCase));
            if (recipient is null)
            {
                notOurs.Add(final ?? original ?? "(no recipient)");
                continue;
            }

            if (action != "failed")
            {
                others.Add($"{recipient} {(action.Length == 0 ? "(no action)" : action)}");
                continue;
            }

            var diagnostic = group["Diagnostic-Code"]?.Trim();
            var code = StatusCode(group["Status"]) ?? StatusCode(diagnostic);
            var (type, subType) = Classify(code, diagnostic);
            remoteMta ??= group["Remote-MTA"]?.Trim();
            failures.Add(new DsnFailure(type, subType, new BouncedRecipient(recipient, "failed", code, diagnostic)));
        }

        var stranger = notOurs.Count == 0 ? "" : $" It also names {string.Join(", ", notOurs.Take(5))}, not a recipient of the message (not counted).";
        if (failures.Count > 0)
        {
            return new ParsedFeedback(InboundFeedbackKind.Bounce,
                $"Delivery status notification from {reportingMta ?? "an unnamed MTA"}: " +
                string.Join("; ", failures.Select(f => $"{f.Recipient.EmailAddress} {f.BounceType}/{f.BounceSubType} ({f.Recipient.Status ?? "no status"})")) + "." + stranger)
            {
                Failures = failures, ReportingMta = reportingMta, RemoteMtaIp = RemoteIp(remoteMta),
            };
        }

        if (others.Count > 0)
        {
            return new ParsedFeedback(InboundFeedbackKind.DelayNotice,
                $"Delivery status notification from {reportingMta ?? "an unnamed MTA"} without failures: {string.Join("; ", others)}; kept, not counted." + stranger)
            {
                ReportingMta = reportingMta,
            };
        }

        return new ParsedFeedback(InboundFeedbackKind.Unparsed, "A delivery status notification naming no recipient of the message; kept, not counted." + stranger)
        {
            ReportingMta = reportingMta,
        };
    }

    private static ParsedFeedback ReadArf(MultipartReport report, string messageId, IReadOnlyList<string> recipients)
    {
        var fields = report.OfType<MessageFeedbackReport>().FirstOrDefault()?.Fields;
        if (fields is null)
        {
            return new ParsedFeedback(InboundFeedbackKind.Unparsed, "A feedback report without a message/feedback-report part; kept, not counted.");
        }

        var original = report.OfType<MessagePart>().Select(p => p.Message).FirstOrDefault(m => m is not null);
        var originalId = original?.MessageId;
        var feedbackType = fields["Feedback-Type"]?.Trim();
        if (originalId is null)
        {
            return new ParsedFeedback(InboundFeedbackKind.Unparsed, $"A {feedbackType ?? "feedback"} report without the original message's Message-ID; kept, not counted.");
        }

        var at = originalId.IndexOf('@', StringComparison.Ordinal);
        var originalLocal = at < 0 ? originalId : originalId[..at];
        if (!originalLocal.Equals(messageId, StringComparison.OrdinalIgnoreCase))
        {
            return new ParsedFeedback(InboundFeedbackKind.Unparsed,
                $"A {feedbackType ?? "feedback"} report about <{Cut(originalId, 200)}>, another message than the one its return address names; kept, not counted.");
        }

        var named = fields.Where(h => h.Field.Equals("Original-Rcpt-To", StringComparison.OrdinalIgnoreCase))
            .Select(h => Address(h.Value))
            .Select(a => recipients.FirstOrDefault(r => r.Equals(a, StringComparison.OrdinalIgnoreCase)))
            .OfType<string>()
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        IReadOnlyList<string> complained = named.Count > 0 ? named : recipients;
        var userAgent = fields["User-Agent"]?.Trim();
        DateTimeOffset? arrival = DateUtils.TryParse(fields["Arrival-Date"] ?? fields["Received-Date"] ?? "", out var date) ? date.ToUniversalTime() : null;
        return new ParsedFeedback(InboundFeedbackKind.Complaint,
            $"{feedbackType ?? "Feedback"} report from {userAgent ?? "an unnamed reporter"} about {string.Join(", ", complained)}" +
            (named.Count > 0 ? "." : " (the report names no recipient of the message, so all of them are named, as SES does)."))
        {
            Complaint = new ArfComplaint(complained, feedbackType, userAgent, arrival),
        };
    }

    /// <summary>
    /// SES's bounce type and subtype for a failed recipient (docs/reputation.md#inbound-feedback): mailbox full, message
    /// too large and content rejected are Transient whatever the class, as SES classes them; an unknown user is
    /// Permanent/NoEmail; otherwise 5.x.x is Permanent/General, 4.x.x Transient/General, and no status Undetermined.
    /// </summary>
    public static (string BounceType, string BounceSubType) Classify(string? status, string? diagnostic)
    {
        var text = (diagnostic ?? "").ToLowerInvariant();
        bool Says(params string[] words) => words.Any(w => text.Contains(w, StringComparison.Ordinal));
        if (status is "5.2.2" or "4.2.2" || Says("mailbox full", "mailbox is full", "over quota", "quota exceeded", "exceeded storage", "insufficient storage"))
        {
            return ("Transient", "MailboxFull");
        }

        if (status is "5.3.4" or "5.2.3" or "4.3.4" || Says("message too large", "message is too large", "too big", "size exceeds", "message size exceeds"))
        {
            return ("Transient", "MessageTooLarge");
        }

        if (status is "5.1.1" or "5.1.10" or "5.1.0" or "5.1.6" || Says("user unknown", "unknown user", "no such user", "does not exist", "recipient not found", "no mailbox", "invalid recipient", "recipient address rejected"))
        {
            return ("Permanent", "NoEmail");
        }

        if (status is not null && status.StartsWith("5.7.", StringComparison.Ordinal) || Says("spam", "content rejected", "message content", "blocked because"))
        {
            return ("Transient", "ContentRejected");
        }

        return status switch
        {
            ['5', ..] => ("Permanent", "General"),
            ['4', ..] => ("Transient", "General"),
            _ => ("Undetermined", "Undetermined"),
        };
    }

    /// <summary>RFC 3834 and the common vendor markers of automatic replies (vacation, out of office).</summary>
    public static bool IsAutoReply(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var headers = message.Headers;
        var autoSubmitted = headers["Auto-Submitted"]?.Trim().ToLowerInvariant() ?? "";
        if (autoSubmitted.StartsWith("auto-replied", StringComparison.Ordinal) || autoSubmitted.StartsWith("auto-generated", StringComparison.Ordinal))
        {
            return true;
        }

        if (headers.Contains("X-Autoreply") || headers.Contains("X-Autorespond"))
        {
            return true;
        }

        if ((headers["Precedence"]?.Trim() ?? "").Equals("auto_reply", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return VacationSubject().IsMatch(message.Subject ?? "");
    }

    /// <summary>The address of a DSN recipient field (<c>rfc822; user@example.com</c>), or null.</summary>
    private static string? Address(string? field)
    {
        if (string.IsNullOrWhiteSpace(field))
        {
            return null;
        }

        var semicolon = field.IndexOf(';', StringComparison.Ordinal);
        var address = (semicolon < 0 ? field : field[(semicolon + 1)..]).Trim().Trim('<', '>').Trim();
        return address.Length == 0 ? null : address;
    }

    /// <summary>The <c>x.y.z</c> status code in <paramref name="text"/>, or null.</summary>
    private static string? StatusCode(string? text) => text is null ? null : StatusPattern().Match(text) is { Success: true } m ? m.Value : null;

    private static string? RemoteIp(string? remoteMta)
    {
        // "dns; mx.example.net [192.0.2.25]" or "dns; 192.0.2.25"
        var value = Address(remoteMta);
        var bracket = value?.IndexOf('[', StringComparison.Ordinal) ?? -1;
        var candidate = bracket >= 0 ? value![(bracket + 1)..].TrimEnd(']') : value;
        return candidate is not null && System.Net.IPAddress.TryParse(candidate, out _) ? candidate : null;
    }

    private static string Cut(string text, int length) => text.Length <= length ? text : string.Concat(text.AsSpan(0, length), "…");

    [GeneratedRegex(@"\b[245]\.\d{1,3}\.\d{1,3}\b", RegexOptions.CultureInvariant)]
    private static partial Regex StatusPattern();

    [GeneratedRegex(@"^\s*(auto(matic)?[ -]?(reply|response|antwort)|out of (the )?office|abwesenheit|vacation|away from (my|the) (office|desk)|réponse automatique|respuesta automática|auto:)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex VacationSubject();
}
