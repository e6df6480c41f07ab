using SesConsole.Data.Entities;
using SesConsole.Domain.Reputation;

namespace SesConsole.Web.Features.Reputation;

/// <summary>
/// The counts of one period (an hour or a UTC day) and, for daily points, the rates over the window that ends with it
/// (what enforcement would have seen that day).
/// </summary>
/// <param name="Start">The period's start (UTC).</param>
/// <param name="Period">The counts of the period alone.</param>
/// <param name="Window">The counts of the window ending with the period (for hourly points, the period alone).</param>
public sealed record ReputationPoint(DateTimeOffset Start, ReputationFigures Period, ReputationFigures Window);

/// <summary>A row of the admin's account list: state, volume and rates over the window, and a daily trend.</summary>
/// <param name="Real">Real traffic over the window (from <see cref="AccountEntity.ReputationSince"/> when later).</param>
/// <param name="TestSent">Mailbox-simulator recipients over the window (never counted).</param>
/// <param name="Daily">One point per UTC day of the window, oldest first (for the sparkline).</param>
public sealed record AccountReputationRow(string AccountId, EnforcementStatus Status, ReputationFigures Real, long TestSent, IReadOnlyList<ReputationPoint> Daily);

/// <summary>One enforcement change as shown in the history.</summary>
public sealed record EnforcementChangeRow(
    DateTimeOffset At, EnforcementStatus From, EnforcementStatus To, string Cause, string? Reason, string? ChangedBy,
    long Volume, long Bounces, long Complaints, double BounceRate, double ComplaintRate);

/// <summary>The figures of one identity (sent as) or one delegate account (sending as the owner's identities) over the window.</summary>
/// <param name="Key">The identity ARN, or the delegate's account ID.</param>
public sealed record ReputationShare(string Key, ReputationFigures Figures);

/// <summary>Bounces and complaints of one recipient domain among the account's feedback in the window.</summary>
public sealed record RecipientDomainCount(string Domain, int Bounces, int Complaints);

/// <summary>A bounced or complained recipient of one message, with what the DSN or ARF report said.</summary>
/// <param name="Kind">Bounce or Complaint.</param>
/// <param name="Detail">"Permanent / General", or the complaint's feedback type ("abuse").</param>
/// <param name="Counts">Whether it counts toward the reputation (a hard bounce or a complaint, not simulator, not account-suppressed).</param>
public sealed record FeedbackRow(
    DateTimeOffset At, string MessageId, string Recipient, string Kind, string Detail, string? Status, string? DiagnosticCode, string? ReportingMta,
    bool Counts, string SourceArn);

/// <summary>What one part of the traffic (real, or mailbox-simulator test traffic) looks like over the window.</summary>
/// <param name="Figures">The counts over the window.</param>
/// <param name="Daily">One point per UTC day of the chart period, oldest first, with the rates over the window ending that day.</param>
/// <param name="Hourly">One point per hour of the last 48 hours, oldest first.</param>
/// <param name="TopIdentities">The identities this account sent as, most mail first.</param>
/// <param name="TopRecipientDomains">Recipient domains of the bounces and complaints (most first).</param>
/// <param name="Feedback">The latest bounced and complained recipients, newest first.</param>
public sealed record TrafficReputation(
    ReputationFigures Figures, IReadOnlyList<ReputationPoint> Daily, IReadOnlyList<ReputationPoint> Hourly,
    IReadOnlyList<ReputationShare> TopIdentities, IReadOnlyList<RecipientDomainCount> TopRecipientDomains, IReadOnlyList<FeedbackRow> Feedback);

/// <summary>One account's reputation page (docs/reputation.md#dashboards).</summary>
/// <param name="CountingSince">When the window starts (later than now − window when an admin resumed the account).</param>
/// <param name="TopDelegates">Other accounts that sent as this account's identities (it is their owner), most mail first.</param>
/// <param name="FeedbackLimit">How many of the latest bounces and complaints the drill-down and the domain table look at.</param>
public sealed record AccountReputationReport(
    string AccountId, string DisplayName, EnforcementStatus Status, bool SendingEnabled, TimeSpan Window, DateTimeOffset CountingSince, DateTimeOffset Now,
    ReputationThresholds Thresholds, TrafficReputation Real, TrafficReputation Test,
    IReadOnlyList<EnforcementChangeRow> History, IReadOnlyList<ReputationShare> TopDelegates, int FeedbackLimit)
{
    public EnforcementChangeRow? Latest => History.Count > 0 ? History[0] : null;

    /// <summary>The display names of the accounts in <see cref="TopDelegates"/>, where known.</summary>
    public IReadOnlyDictionary<string, string> AccountNames { get; init; } = new Dictionary<string, string>();

    /// <summary>"Name (ID)" for an account of <see cref="TopDelegates"/>, or the ID alone.</summary>
    public string Label(string accountId) => AccountNames.TryGetValue(accountId, out var name) ? $"{name} ({accountId})" : accountId;
}

/// <summary>Per sending account (the owner itself and each delegate), what was sent as one identity over the window.</summary>
public sealed record IdentityDelegatesReputation(string IdentityArn, string OwnerAccountId, TimeSpan Window, ReputationThresholds Thresholds, IReadOnlyList<ReputationShare> Senders, long TestSent)
{
    /// <summary>The display names of the sending accounts, where known.</summary>
    public IReadOnlyDictionary<string, string> AccountNames { get; init; } = new Dictionary<string, string>();

    /// <summary>"Name (ID)" for a sending account, or the ID alone.</summary>
    public string Label(string accountId) => AccountNames.TryGetValue(accountId, out var name) ? $"{name} ({accountId})" : accountId;
}

/// <summary>
/// A report the inbound feedback listener kept for one of the account's messages (docs/reputation.md#inbound-feedback):
/// a counted bounce or complaint, or a delay notice, auto-reply or unreadable report kept for inspection only.
/// </summary>
public sealed record InboundReportRow(
    Guid Id, DateTimeOffset ReceivedAt, InboundFeedbackKind Kind, bool Recorded, string MessageId, string? SourceArn, string EnvelopeFrom, string? RemoteIp,
    string Summary, int Bytes);
