namespace SesConsole.Data.Entities;

/// <summary>
/// An account's enforcement state (docs/reputation.md#enforcement); v2 <c>EnforcementStatus</c> HEALTHY, PROBATION, SHUTDOWN.
/// </summary>
public enum EnforcementStatus
{
    Healthy = 0,

    /// <summary>Under review: a rate reached the review threshold (5 % bounces or 0.1 % complaints). Sending goes on.</summary>
    UnderReview = 1,

    /// <summary>Sending paused: a rate reached the pause threshold (10 % or 0.5 %), or an admin paused the account.</summary>
    Paused = 2,
}

/// <summary>One change of an account's enforcement state, automatic or manual, with the figures it was decided on.</summary>
public sealed class EnforcementChangeEntity
{
    public long Id { get; set; }

    public required string AccountId { get; set; }

    public DateTimeOffset At { get; set; }

    public EnforcementStatus From { get; set; }

    public EnforcementStatus To { get; set; }

    /// <summary><c>Automatic</c> (the evaluator), <c>Admin</c> (a platform admin) or <c>Api</c>.</summary>
    public required string Cause { get; set; }

    /// <summary>Why: the admin's reason, or the evaluator's sentence ("bounce rate 11.2 % ≥ 10 % over 250 messages").</summary>
    public string? Reason { get; set; }

    /// <summary>Who made a manual change (the admin's email); null for automatic ones.</summary>
    public string? ChangedBy { get; set; }

    /// <summary>Recipients counted in the window when the change was made.</summary>
    public long Volume { get; set; }

    public long Bounces { get; set; }

    public long Complaints { get; set; }

    public double BounceRate { get; set; }

    public double ComplaintRate { get; set; }
}

/// <summary>
/// The reputation rollup (docs/reputation.md#rollups): per sending account, identity (and its owner), hour and kind of
/// traffic, the counts the rates, charts and enforcement are computed from, added to as events are written (in the same
/// transaction) so that no dashboard has to aggregate raw events.
/// </summary>
public sealed class ReputationBucketEntity
{
    /// <summary>The sending (delegate) account: reputation is charged here.</summary>
    public required string AccountId { get; set; }

    /// <summary>The owner account of <see cref="SourceArn"/>; empty when none.</summary>
    public required string OwnerAccountId { get; set; }

    /// <summary>The identity ARN the mail was sent as; empty when none.</summary>
    public required string SourceArn { get; set; }

    /// <summary>The hour's start (UTC).</summary>
    public DateTimeOffset Hour { get; set; }

    /// <summary>Mailbox-simulator traffic: shown apart, never counted toward reputation.</summary>
    public bool Test { get; set; }

    /// <summary>Recipients the mail was handed over for (delivered or bounced at delivery); suppressed ones are not here.</summary>
    public long Sent { get; set; }

    public long Delivered { get; set; }

    /// <summary>Permanent bounces that count toward the bounce rate.</summary>
    public long HardBounces { get; set; }

    /// <summary>Transient and undetermined bounces (shown, never counted).</summary>
    public long SoftBounces { get; set; }

    /// <summary>Complaints that count toward the complaint rate.</summary>
    public long Complaints { get; set; }

    /// <summary>Delivered recipients at receivers that send complaint feedback: the complaint rate's denominator.</summary>
    public long ComplaintEligible { get; set; }

    /// <summary>Recipients not sent because they were on the sender's suppression list.</summary>
    public long Suppressed { get; set; }
}

/// <summary>
/// The account-level reputation rollup (docs/reputation.md#rollups): the same counts as <see cref="ReputationBucketEntity"/>
/// summed over identities, per sending account, hour and kind of traffic — what the admin list, an account's charts and
/// the enforcement evaluator read (a few hundred rows per account and window, however many identities it sends as).
/// Written by the same upserts as the fine-grained buckets, in the same transaction.
/// </summary>
public sealed class AccountReputationBucketEntity
{
    public required string AccountId { get; set; }

    public DateTimeOffset Hour { get; set; }

    /// <summary>The start of <see cref="Hour"/>'s UTC day, so daily series group in SQL on any provider.</summary>
    public DateTimeOffset Day { get; set; }

    public bool Test { get; set; }

    public long Sent { get; set; }

    public long Delivered { get; set; }

    public long HardBounces { get; set; }

    public long SoftBounces { get; set; }

    public long Complaints { get; set; }

    public long ComplaintEligible { get; set; }

    public long Suppressed { get; set; }
}

/// <summary>What an inbound feedback message was found to be (docs/reputation.md#inbound-feedback).</summary>
public enum InboundFeedbackKind
{
    /// <summary>An RFC 3464 delivery status notification with at least one failed recipient of the message.</summary>
    Bounce = 1,

    /// <summary>An RFC 3464 notification with only delayed/relayed/delivered actions: kept, not counted.</summary>
    DelayNotice = 2,

    /// <summary>An RFC 5965 abuse report matched to the message.</summary>
    Complaint = 3,

    /// <summary>An RFC 3834 auto-reply (vacation, out of office): kept, never counted.</summary>
    AutoReply = 4,

    /// <summary>Could not be read as a report, or names nothing of the message: kept for inspection, never counted.</summary>
    Unparsed = 5,
}

/// <summary>
/// A message that arrived at the inbound feedback listener, kept as received (bounded size) with what was made of it.
/// Only the sending account of the message it was addressed to (and admins) may read it.
/// </summary>
public sealed class InboundFeedbackEntity
{
    public Guid Id { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>The SMTP <c>MAIL FROM</c> of the report (often empty for DSNs).</summary>
    public required string EnvelopeFrom { get; set; }

    /// <summary>The return address it was sent to (a VERP address).</summary>
    public required string EnvelopeTo { get; set; }

    public string? RemoteIp { get; set; }

    /// <summary>The SES message ID the return address belongs to.</summary>
    public required string MessageId { get; set; }

    /// <summary>The message's sending (delegate) account.</summary>
    public required string AccountId { get; set; }

    /// <summary>The message's identity ARN.</summary>
    public string? SourceArn { get; set; }

    public InboundFeedbackKind Kind { get; set; }

    /// <summary>Whether events were recorded from it (a bounce or complaint of the message's recipients).</summary>
    public bool Recorded { get; set; }

    /// <summary>What was read from it, or why it was not counted, in one or two sentences.</summary>
    public required string Summary { get; set; }

    /// <summary>The report as received (cut at the listener's size limit).</summary>
    public required byte[] Mime { get; set; }
}

/// <summary>A named installation secret (for example the VERP signing key), encrypted with ASP.NET Data Protection.</summary>
public sealed class InstallationSecretEntity
{
    public required string Name { get; set; }

    /// <summary>The secret, protected with Data Protection (never stored in the clear).</summary>
    public required string ProtectedValue { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
