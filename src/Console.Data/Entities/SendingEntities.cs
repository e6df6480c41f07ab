namespace SesConsole.Data.Entities;

/// <summary>Where an accepted message is on its way out (the outbox).</summary>
public enum OutboxStatus
{
    /// <summary>Accepted and persisted; waiting for the delivery worker.</summary>
    Pending = 1,

    /// <summary>Handed to the transport.</summary>
    Delivered = 2,

    /// <summary>The worker gave up after the configured time; a bounce was recorded.</summary>
    GaveUp = 3,
}

/// <summary>
/// An accepted message waiting for (or done with) delivery. Persisted before the API answers, so a crash loses nothing;
/// the worker delivers each row once (the local sink stores the row's <see cref="MessageId"/>, which it refuses twice).
/// </summary>
public sealed class OutboxMessageEntity
{
    public Guid Id { get; set; }

    /// <summary>The SES message ID returned to the caller.</summary>
    public required string MessageId { get; set; }

    /// <summary>The delegate (sending) account: quota, reputation and billing are charged here.</summary>
    public required string AccountId { get; set; }

    /// <summary>The owner's identity ARN the mail is sent as (<c>mail.sourceArn</c> in notifications).</summary>
    public required string SourceArn { get; set; }

    public required string EnvelopeFrom { get; set; }

    /// <summary>Envelope recipients to deliver to, comma-separated (suppressed and simulator recipients are not here).</summary>
    public required string Recipients { get; set; }

    /// <summary>The final MIME (X-SES-* stripped, Message-ID and Date set, DKIM-signed when the owner enabled it).</summary>
    public required byte[] Mime { get; set; }

    public OutboxStatus Status { get; set; } = OutboxStatus.Pending;

    /// <summary>The sender's configuration set named in the send (or the identity's default for the owner's own sends), for event publishing after delivery.</summary>
    public string? ConfigurationSetName { get; set; }

    /// <summary>
    /// Where bounce and complaint feedback mail goes (the Return-Path, else the Source; docs/notifications.md#feedback-email):
    /// <see cref="EnvelopeFrom"/> is SES's rewritten bounce address, not this. Null on rows written before it existed
    /// and on the console's own mail (simulator auto-replies, feedback notices), which get no feedback.
    /// </summary>
    public string? FeedbackAddress { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    public string? LastError { get; set; }
}

/// <summary>
/// One send attempt through the pipeline, accepted or rejected, with the step that stopped it and the statements that
/// decided it, stored compactly (docs/storage-and-retention.md#attempts). Read by the sending account and by the owner
/// of the identity it was sent as.
/// </summary>
public sealed class SendAttemptEntity
{
    public Guid Id { get; set; }

    /// <summary>The caller's (delegate's) account.</summary>
    public required string AccountId { get; set; }

    /// <summary>The caller's principal ARN or service name.</summary>
    public required string CallerArn { get; set; }

    /// <summary>The identity the mail was sent as (From), when it was resolved; lets owners see delegates' activity.</summary>
    public string? IdentityArn { get; set; }

    /// <summary>The owner account of <see cref="IdentityArn"/>.</summary>
    public string? OwnerAccountId { get; set; }

    /// <summary>SendEmail, SendRawEmail, SMTP, TestSend …</summary>
    public required string Api { get; set; }

    public bool Accepted { get; set; }

    /// <summary>The step that stopped a rejected attempt.</summary>
    public string? Step { get; set; }

    public string? ErrorCode { get; set; }

    public string? ErrorMessage { get; set; }

    public string? MessageId { get; set; }

    public string? FromAddress { get; set; }

    public int RecipientCount { get; set; }

    /// <summary>
    /// The authorization decision of each check in one line ("ses:SendEmail: owner Allow by AllowAgency, caller Allow"),
    /// naming a statement only where every reader of the row may see it.
    /// </summary>
    public string? Decision { get; set; }

    /// <summary>
    /// The step-by-step trace as JSON, kept only for test sends and rejected attempts, in the sending account's view
    /// (another account's statements by Sid only, and only those that name the caller); shown to the sending account only.
    /// </summary>
    public string? Explanation { get; set; }

    /// <summary>
    /// An accepted message's <c>mail</c> object, stored once per message and without what this row already holds (time,
    /// message ID, sending account; source and source ARN when they are the From address and identity): its Send event is
    /// this row, and its other events are stored without <c>mail</c> and shown with this one.
    /// </summary>
    public string? Mail { get; set; }

    /// <summary>
    /// The condition-key values the authorization checks were evaluated with, in <c>StoredRequestContext</c>'s compact form
    /// (what <see cref="Mail"/> and the columns do not already hold); null when the attempt stopped before the checks, or
    /// for rows written before the impact preview (docs/policy-editor.md#impact-preview).
    /// </summary>
    public string? ReplayContext { get; set; }

    /// <summary>
    /// An accepted message's configuration set (the one named in the send, or the identity's default): feedback that
    /// arrives after the message's outbox row is gone is published by it (docs/storage-and-retention.md#outbox-rows).
    /// </summary>
    public string? ConfigurationSetName { get; set; }

    /// <summary>
    /// Where an accepted message's bounce and complaint mail goes when that is not its <c>mail.source</c> (a Return-Path
    /// or v2 feedback forwarding address); null when it is the source (docs/storage-and-retention.md#outbox-rows).
    /// </summary>
    public string? FeedbackAddress { get; set; }

    /// <summary>
    /// The domain of an accepted message's envelope sender (its return address) when that is the identity's custom MAIL
    /// FROM domain; null when it is the installation's bounce domain (docs/storage-and-retention.md#outbox-rows).
    /// </summary>
    public string? MailFromDomain { get; set; }

    /// <summary>When the attempt was made; for an accepted message its <c>mail.timestamp</c> (the outbox row's <c>CreatedAt</c>).</summary>
    public DateTimeOffset At { get; set; }
}

/// <summary>An SES event of a message and recipient: Send, Reject, Delivery, Bounce, Complaint, DeliveryDelay.</summary>
public sealed class SendEventEntity
{
    public Guid Id { get; set; }

    public required string MessageId { get; set; }

    /// <summary>The sending (delegate) account.</summary>
    public required string AccountId { get; set; }

    /// <summary>The identity's owner account (feedback routing).</summary>
    public string? OwnerAccountId { get; set; }

    public required string SourceArn { get; set; }

    public required string Type { get; set; }

    public string? Recipient { get; set; }

    /// <summary>
    /// The notification JSON as SES would publish it, without its <c>mail</c> object, which the message's attempt holds
    /// (<see cref="SendAttemptEntity.Mail"/>; rows written before that have it in full).
    /// </summary>
    public required string Json { get; set; }

    /// <summary>Whether a Bounce or Complaint counts toward the sending account's reputation (hard, not simulator, not account-suppressed).</summary>
    public bool CountsTowardReputation { get; set; }

    public DateTimeOffset At { get; set; }
}

/// <summary>An address on an account's suppression list.</summary>
public sealed class SuppressedDestinationEntity
{
    public required string AccountId { get; set; }

    /// <summary>The address, lower-cased (suppression matching is case-insensitive in SES).</summary>
    public required string Address { get; set; }

    /// <summary>BOUNCE or COMPLAINT.</summary>
    public required string Reason { get; set; }

    public DateTimeOffset At { get; set; }
}

/// <summary>
/// The usage ledger: one row per accepted message, charged to the sending account. The rolling 24 h quota is the sum of
/// <see cref="Recipients"/> over the last 24 h; the send rate is a per-account token bucket in memory (QuotaLedger), not counted from rows.
/// </summary>
public sealed class UsageEntryEntity
{
    public long Id { get; set; }

    public required string AccountId { get; set; }

    public required string MessageId { get; set; }

    /// <summary>
    /// The region the message was sent in: quotas are kept per account and region (docs/send-pipeline.md#quota). Rows
    /// written before regions were recorded hold the empty string and count in every region until they age out.
    /// </summary>
    public string Region { get; set; } = "";

    /// <summary>Recipients charged (simulator recipients are not; suppressed ones are). A negative row gives back a
    /// reservation that was not accepted after all (docs/deployment.md#quotas).</summary>
    public int Recipients { get; set; }

    public DateTimeOffset At { get; set; }
}

/// <summary>
/// What the retention purge keeps of the attempts and events it deletes (docs/storage-and-retention.md#aggregates): per
/// sending account, identity owner and 15-minute interval, the counts that send statistics, reputation and the
/// delegates' totals are computed from. A purged row is added here in the same transaction that deletes it.
/// </summary>
public sealed class SendActivityBucketEntity
{
    /// <summary>The sending (delegate) account.</summary>
    public required string AccountId { get; set; }

    /// <summary>The identity's owner account; empty when the attempt had none.</summary>
    public required string OwnerAccountId { get; set; }

    /// <summary>The interval's start (UTC, a multiple of 15 minutes).</summary>
    public DateTimeOffset Start { get; set; }

    /// <summary>Accepted attempts (messages).</summary>
    public long Accepted { get; set; }

    /// <summary>Rejected attempts.</summary>
    public long Rejected { get; set; }

    /// <summary>Recipients of accepted attempts (GetSendStatistics' DeliveryAttempts).</summary>
    public long Recipients { get; set; }

    /// <summary>Bounced recipients (GetSendStatistics).</summary>
    public long Bounces { get; set; }

    /// <summary>Complaining recipients (GetSendStatistics).</summary>
    public long Complaints { get; set; }

    /// <summary>Reject events (GetSendStatistics).</summary>
    public long Rejects { get; set; }

    /// <summary>Delivery events that count for reputation (no mailbox-simulator traffic).</summary>
    public long ReputationDeliveries { get; set; }

    /// <summary>Bounce events that count toward reputation.</summary>
    public long ReputationBounces { get; set; }

    /// <summary>Complaint events that count toward reputation.</summary>
    public long ReputationComplaints { get; set; }
}
