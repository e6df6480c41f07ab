namespace SesConsole.Domain.Sending.Events;

/// <summary>The event types we store and publish (docs/ses-behaviour.md#event-types; the JSON spelling is <see cref="SendEventTypes.JsonName"/>).</summary>
public enum SendEventType
{
    Send,
    Reject,
    Delivery,
    Bounce,
    Complaint,
    DeliveryDelay,

    /// <summary>A templated message was accepted but its template could not be rendered: no mail (docs/templates.md#rendering-failures).</summary>
    RenderingFailure,
}

public static class SendEventTypes
{
    /// <summary>The <c>notificationType</c>/<c>eventType</c> string.</summary>
    public static string JsonName(this SendEventType type) => type switch
    {
        SendEventType.Send => "Send",
        SendEventType.Reject => "Reject",
        SendEventType.Delivery => "Delivery",
        SendEventType.Bounce => "Bounce",
        SendEventType.Complaint => "Complaint",
        SendEventType.DeliveryDelay => "DeliveryDelay",
        SendEventType.RenderingFailure => "Rendering Failure",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>
    /// The event types of a destination's <c>MatchingEventTypes</c> (JSON names joined by commas, any case; v2's
    /// <c>DELIVERY_DELAY</c> spelling too); names of types the console never raises (Open, Click …) are left out.
    /// </summary>
    public static IReadOnlySet<SendEventType> ParseList(string? names)
    {
        var types = new HashSet<SendEventType>();
        foreach (var name in (names ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var key = name.Replace("_", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
            foreach (var type in Enum.GetValues<SendEventType>())
            {
                if (string.Equals(type.ToString(), key, StringComparison.OrdinalIgnoreCase))
                {
                    types.Add(type);
                }
            }
        }

        return types;
    }
}

/// <summary>
/// The notification's <c>mail</c> object (docs/ses-behaviour.md#notification-json): under delegation <see cref="SourceArn"/> is the <em>owner's</em> identity and
/// <see cref="SendingAccountId"/> the <em>delegate</em>. <see cref="Source"/> is the sender's Source address as given (SES's
/// examples show <c>john@example.com</c>, not the rewritten <c>…@amazonses.com</c> envelope).
/// </summary>
public sealed record MailInfo(
    DateTimeOffset Timestamp,
    string MessageId,
    string Source,
    string SourceArn,
    string? SourceIp,
    string SendingAccountId,
    string CallerIdentity,
    IReadOnlyList<string> Destination)
{
    /// <summary><c>mail.tags</c>: tag name → values.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? Tags { get; init; }

    /// <summary>The owner of <see cref="SourceArn"/> (not in the JSON; for routing and storage).</summary>
    public string? IdentityOwnerAccountId { get; init; }

    /// <summary>Builds the <c>mail</c> object of an accepted message.</summary>
    public static MailInfo From(AcceptedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new MailInfo(message.Timestamp, message.MessageId, message.Source.Address, message.SourceArn, message.SourceIp,
            message.SendingAccountId, message.CallerIdentity, message.Destination)
        {
            Tags = message.Tags?.ToDictionary(t => t.Key, t => (IReadOnlyList<string>)[t.Value], StringComparer.Ordinal),
            IdentityOwnerAccountId = message.IdentityOwnerAccountId,
        };
    }
}

/// <summary>One recipient of a bounce.</summary>
public sealed record BouncedRecipient(string EmailAddress, string? Action = null, string? Status = null, string? DiagnosticCode = null);

/// <summary>The <c>bounce</c> object.</summary>
public sealed record BounceDetail(
    string BounceType,
    string BounceSubType,
    IReadOnlyList<BouncedRecipient> BouncedRecipients,
    DateTimeOffset Timestamp,
    string FeedbackId,
    string? ReportingMta = null,
    string? RemoteMtaIp = null);

/// <summary>The <c>complaint</c> object.</summary>
public sealed record ComplaintDetail(
    IReadOnlyList<string> ComplainedRecipients,
    DateTimeOffset Timestamp,
    string FeedbackId,
    string? ComplaintSubType = null,
    string? ComplaintFeedbackType = null,
    string? UserAgent = null,
    DateTimeOffset? ArrivalDate = null);

/// <summary>The <c>delivery</c> object.</summary>
public sealed record DeliveryDetail(
    DateTimeOffset Timestamp,
    long ProcessingTimeMillis,
    IReadOnlyList<string> Recipients,
    string SmtpResponse,
    string? ReportingMta = null,
    string? RemoteMtaIp = null);

/// <summary>One delayed recipient.</summary>
public sealed record DelayedRecipient(string EmailAddress, string? Status = null, string? DiagnosticCode = null);

/// <summary>The <c>deliveryDelay</c> object.</summary>
public sealed record DeliveryDelayDetail(
    string DelayType,
    IReadOnlyList<DelayedRecipient> DelayedRecipients,
    DateTimeOffset? ExpirationTime,
    DateTimeOffset Timestamp,
    string? ReportingMta = null);

/// <summary>The <c>failure</c> object of a Rendering Failure event.</summary>
public sealed record RenderingFailureDetail(string TemplateName, string ErrorMessage);

/// <summary>The <c>reject</c> object (SES rejects only for bad content: the reason is always "Bad content").</summary>
public sealed record RejectDetail(string Reason = "Bad content");

/// <summary>
/// One event about one message (and, except Send, some of its recipients), with the SES notification fields. Exactly one
/// detail matches <see cref="Type"/> (none for Send).
/// </summary>
public sealed record SendEvent(SendEventType Type, MailInfo Mail)
{
    public BounceDetail? Bounce { get; init; }

    public ComplaintDetail? Complaint { get; init; }

    public DeliveryDetail? Delivery { get; init; }

    public DeliveryDelayDetail? DeliveryDelay { get; init; }

    public RejectDetail? Reject { get; init; }

    public RenderingFailureDetail? Failure { get; init; }

    /// <summary>When the event happened (the detail's timestamp; the mail's for Send and Reject).</summary>
    public DateTimeOffset Timestamp => Bounce?.Timestamp ?? Complaint?.Timestamp ?? Delivery?.Timestamp ?? DeliveryDelay?.Timestamp ?? Mail.Timestamp;

    /// <summary>The recipients this event is about.</summary>
    public IReadOnlyList<string> Recipients => Type switch
    {
        SendEventType.Bounce => [.. Bounce!.BouncedRecipients.Select(r => r.EmailAddress)],
        SendEventType.Complaint => Complaint!.ComplainedRecipients,
        SendEventType.Delivery => Delivery!.Recipients,
        SendEventType.DeliveryDelay => [.. DeliveryDelay!.DelayedRecipients.Select(r => r.EmailAddress)],
        _ => Mail.Destination,
    };

    /// <summary>
    /// Whether this event counts toward the sending account's bounce or complaint rate (docs/ses-behaviour.md#reputation, docs/ses-behaviour.md#suppression): hard bounces and
    /// complaints, except account-suppressed ones and the mailbox simulator. (SES also excludes hard bounces to the sender's
    /// own verified domains; the reputation counter applies that rule, it needs the account's identities.)
    /// </summary>
    public bool CountsTowardReputation => Type switch
    {
        SendEventType.Bounce => Bounce!.BounceType == "Permanent" && Bounce.BounceSubType != "OnAccountSuppressionList"
                                && !Bounce.BouncedRecipients.Any(r => MailboxSimulator.IsSimulator(r.EmailAddress)),
        SendEventType.Complaint => Complaint!.ComplaintSubType is null && !Complaint.ComplainedRecipients.Any(MailboxSimulator.IsSimulator),
        _ => false,
    };

    /// <summary>Whether this event feeds the sending account's suppression list (hard bounces and complaints, not simulator or already-suppressed).</summary>
    public bool FeedsSuppressionList => Type switch
    {
        SendEventType.Bounce => Bounce!.BounceType == "Permanent" && Bounce.BounceSubType is not ("OnAccountSuppressionList" or "Suppressed")
                                && !Bounce.BouncedRecipients.Any(r => MailboxSimulator.IsSimulator(r.EmailAddress)),
        SendEventType.Complaint => Complaint!.ComplaintSubType is null && !Complaint.ComplainedRecipients.Any(MailboxSimulator.IsSimulator),
        _ => false,
    };
}
