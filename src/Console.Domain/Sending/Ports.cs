using SesConsole.Domain.Authorization;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Policies;

namespace SesConsole.Domain.Sending;

/// <summary>What to do when the custom MAIL FROM domain is not verified (SES <c>BehaviorOnMXFailure</c>).</summary>
public enum MailFromFailureBehavior
{
    /// <summary>Send with the default MAIL FROM (<c>UseDefaultValue</c>).</summary>
    UseDefaultValue,

    /// <summary>Reject the send with <c>MailFromDomainNotVerified</c> (<c>RejectMessage</c>).</summary>
    RejectMessage,
}

/// <summary>An identity's custom MAIL FROM setting.</summary>
public sealed record MailFromSetting(string Domain, VerificationStatus Status, MailFromFailureBehavior BehaviorOnMxFailure);

/// <summary>A domain's verified DKIM key, by reference: the web layer loads the private key by identity and selector.</summary>
public sealed record DkimKeyReference(string SigningDomain, string Selector);

/// <summary>
/// One sending identity as the pipeline sees it: name, ARN, status, compiled sending authorization policies and the
/// identity-level settings the owner controls (DKIM, MAIL FROM).
/// </summary>
/// <param name="Arn">The identity ARN (owner account, region, name).</param>
/// <param name="Name">The identity's name.</param>
/// <param name="Status">Its stored verification status (since <see cref="StatusSince"/>); whether it can send is
/// <see cref="CanSendAt"/>.</param>
/// <param name="Policies">Its compiled sending authorization policies (possibly empty).</param>
/// <param name="DkimSigningEnabled">The owner's DKIM signing switch for this identity.</param>
/// <param name="DkimKey">For a domain whose DKIM setup is verified, its key; otherwise null.</param>
/// <param name="MailFrom">The custom MAIL FROM setting, if any.</param>
public sealed record SendingIdentity(
    IdentityArn Arn,
    SendingIdentityName Name,
    VerificationStatus Status,
    CompiledPolicySet Policies,
    bool DkimSigningEnabled = false,
    DkimKeyReference? DkimKey = null,
    MailFromSetting? MailFrom = null)
{
    /// <summary>When <see cref="Status"/> began (a TemporaryFailure's 72 h window starts here).</summary>
    public DateTimeOffset StatusSince { get; init; }

    /// <summary>Whether it can send at <paramref name="now"/>: <see cref="VerificationState.CanSendAt"/>, the rule the API and the console report.</summary>
    public bool CanSendAt(DateTimeOffset now) => new VerificationState(Status, StatusSince).CanSendAt(now);
}

/// <summary>
/// Port: the sending identities of an account in a region. Implemented over EF by the data layer (cache compiled policies).
/// </summary>
public interface ISendingIdentityDirectory
{
    /// <summary>Every identity of <paramref name="account"/> in <paramref name="region"/> (any status; the pipeline filters).</summary>
    ValueTask<IReadOnlyList<SendingIdentity>> GetIdentitiesAsync(string account, string region, CancellationToken cancellationToken);
}

/// <summary>Port: the identity-based (IAM) policies of a caller.</summary>
public interface ICallerPolicyStore
{
    /// <summary>
    /// The compiled identity-based policies of <paramref name="principal"/> (an IAM user, or for an assumed-role session the
    /// role). Never called for an account root or a service principal.
    /// </summary>
    ValueTask<CompiledPolicySet> GetIdentityPoliciesAsync(RequestPrincipal principal, CancellationToken cancellationToken);
}

/// <summary>An account's sending status (v2 <c>SendingEnabled</c> + <c>EnforcementStatus</c>).</summary>
public enum AccountSendingStatus
{
    /// <summary>Sending enabled, healthy or under review.</summary>
    Enabled,

    /// <summary>Sending disabled or paused (<c>UpdateAccountSendingEnabled false</c>, or paused by review).</summary>
    Paused,

    /// <summary>Shut down by enforcement.</summary>
    Suspended,
}

/// <summary>What the pipeline needs to know about an account in a region.</summary>
public sealed record SendingAccount(string AccountId, bool Sandbox, AccountSendingStatus Status);

/// <summary>Port: account state.</summary>
public interface ISendingAccountDirectory
{
    /// <summary>The account in the region, or null when it does not exist.</summary>
    ValueTask<SendingAccount?> GetAsync(string account, string region, CancellationToken cancellationToken);
}

/// <summary>How many recipients a message charges: the daily quota excludes simulator recipients, the rate includes them (docs/ses-behaviour.md#quotas, docs/ses-behaviour.md#mailbox-simulator).</summary>
public readonly record struct QuotaCharge(int DailyRecipients, int RateRecipients);

/// <summary>The quota's answer.</summary>
public enum QuotaVerdict
{
    Reserved,
    DailyQuotaExceeded,
    MaxSendRateExceeded,
}

/// <summary>
/// The answer of <see cref="ISendingQuota"/>: the verdict, the numbers to show, and a token to release a reservation a later
/// step turned into a rejection.
/// </summary>
/// <param name="Verdict">The verdict.</param>
/// <param name="Max24HourSend">The account's daily quota (−1 = unlimited).</param>
/// <param name="SentLast24Hours">Recipients charged in the last 24 hours, this charge included when reserved.</param>
/// <param name="MaxSendRate">Recipients per second.</param>
/// <param name="ReservationId">Identifies the reservation (for <see cref="ISendingQuota.ReleaseAsync"/>); null when nothing was reserved.</param>
public sealed record QuotaResult(QuotaVerdict Verdict, double Max24HourSend, double SentLast24Hours, double MaxSendRate, string? ReservationId = null);

/// <summary>
/// Port: the sending account's quota and rate. <see cref="TryReserveAsync"/> must be atomic: with a quota of 100, 1,000
/// concurrent reservations of one recipient reserve exactly 100. <see cref="SendQuotaMath"/> holds the arithmetic.
/// </summary>
public interface ISendingQuota
{
    /// <summary>Checks daily quota (rolling 24 h, in recipients) then rate (token bucket), and reserves both if both pass.</summary>
    ValueTask<QuotaResult> TryReserveAsync(string account, string region, QuotaCharge charge, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The same checks without reserving anything (dry run).</summary>
    ValueTask<QuotaResult> PeekAsync(string account, string region, QuotaCharge charge, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Gives back a reservation when a later step rejected the send (a failed send is not charged, docs/ses-behaviour.md#quotas).</summary>
    ValueTask ReleaseAsync(string reservationId, CancellationToken cancellationToken);
}

/// <summary>Why an address is on the account-level suppression list.</summary>
public enum SuppressionReason
{
    Bounce,
    Complaint,
}

/// <summary>Port: the sending account's account-level suppression list (docs/ses-behaviour.md#suppression: the delegate's list applies).</summary>
public interface ISuppressionList
{
    /// <summary>Which of <paramref name="addresses"/> are suppressed for <paramref name="account"/> in <paramref name="region"/>, with the reason.</summary>
    ValueTask<IReadOnlyDictionary<string, SuppressionReason>> FindAsync(string account, string region, IReadOnlyList<string> addresses, CancellationToken cancellationToken);
}

/// <summary>
/// Port: the configuration sets of an account in a region. A send names one of the <em>sending</em> (delegate) account's
/// own sets, never the identity owner's (docs/configuration-sets.md).
/// </summary>
public interface IConfigurationSetDirectory
{
    /// <summary>Whether <paramref name="account"/> has a configuration set named <paramref name="name"/> (exact, case-sensitive) in <paramref name="region"/>.</summary>
    ValueTask<bool> ExistsAsync(string account, string region, string name, CancellationToken cancellationToken);

    /// <summary>
    /// The default configuration sets of <paramref name="account"/>'s identities in <paramref name="region"/> (v2
    /// <c>PutEmailIdentityConfigurationSetAttributes</c>): identity name → set name, only identities that have one.
    /// </summary>
    ValueTask<IReadOnlyDictionary<string, string>> GetIdentityDefaultsAsync(string account, string region, CancellationToken cancellationToken);
}

/// <summary>A directory with no configuration sets: every name a send gives is unknown.</summary>
public sealed class NoConfigurationSets : IConfigurationSetDirectory
{
    public static readonly NoConfigurationSets Instance = new();

    public ValueTask<bool> ExistsAsync(string account, string region, string name, CancellationToken cancellationToken) => ValueTask.FromResult(false);

    public ValueTask<IReadOnlyDictionary<string, string>> GetIdentityDefaultsAsync(string account, string region, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>());
}
