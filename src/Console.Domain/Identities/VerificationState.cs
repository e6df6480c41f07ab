namespace SesConsole.Domain.Identities;

/// <summary>
/// A verification status and the instant it began (the 24 h and 72 h clocks start at <see cref="Since"/>).
/// </summary>
/// <remarks>Equality is by value. The default value is <see cref="VerificationStatus.NotStarted"/> at the epoch.</remarks>
public readonly record struct VerificationState(VerificationStatus Status, DateTimeOffset Since)
{
    public static VerificationState NotStarted(DateTimeOffset since = default) => new(VerificationStatus.NotStarted, since);

    public static VerificationState Pending(DateTimeOffset since) => new(VerificationStatus.Pending, since);

    /// <summary>
    /// The state as the clock sees it at <paramref name="now"/>: a <see cref="VerificationStatus.TemporaryFailure"/> whose
    /// 72 h window (<see cref="DnsVerification.SearchWindow"/>) has passed is <see cref="VerificationStatus.Failed"/> from
    /// the end of that window, whether or not a re-check has written it yet (SES revokes a domain whose records were
    /// not restored within 72 h). Every other state is returned unchanged. See docs/identities.md, "Can it send?".
    /// </summary>
    public VerificationState AsOf(DateTimeOffset now) =>
        Status == VerificationStatus.TemporaryFailure && now - Since >= DnsVerification.SearchWindow
            ? new VerificationState(VerificationStatus.Failed, Since + DnsVerification.SearchWindow)
            : this;

    /// <summary>
    /// The one rule for "can this identity send now?", used by the send pipeline, the SES API
    /// (<c>VerifiedForSendingStatus</c>, <c>SendingEnabled</c>, v1 <c>VerificationStatus</c>) and the identity page:
    /// <see cref="VerificationStatus.Success"/>, or <see cref="VerificationStatus.TemporaryFailure"/> inside its 72 h
    /// window (SES keeps a verified domain while it waits for its records to return). Pending, Failed, NotStarted and a
    /// TemporaryFailure past its window cannot send.
    /// </summary>
    public bool CanSendAt(DateTimeOffset now) => AsOf(now).Status is VerificationStatus.Success or VerificationStatus.TemporaryFailure;

    public override string ToString() => $"{Status} since {Since:O}";
}

/// <summary>What one DNS check of a required record found.</summary>
public enum DnsCheck
{
    /// <summary>The record is published with the expected value.</summary>
    Found = 1,

    /// <summary>The resolver answered: no such name, no record of that type, or a record with another value.</summary>
    NotFound = 2,

    /// <summary>The resolver did not answer (timeout, server failure, refused). Says nothing about the record.</summary>
    LookupFailed = 3,
}

/// <summary>Combining several record checks into one.</summary>
public static class DnsChecks
{
    /// <summary>
    /// All records must be found: <see cref="DnsCheck.NotFound"/> when any is definitely missing,
    /// <see cref="DnsCheck.LookupFailed"/> when none is missing but some could not be looked up, else
    /// <see cref="DnsCheck.Found"/>. An empty list is <see cref="DnsCheck.NotFound"/>.
    /// </summary>
    public static DnsCheck All(IEnumerable<DnsCheck> checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        var list = checks.ToList();
        if (list.Count == 0 || list.Contains(DnsCheck.NotFound))
        {
            return DnsCheck.NotFound;
        }

        return list.Contains(DnsCheck.LookupFailed) ? DnsCheck.LookupFailed : DnsCheck.Found;
    }

    /// <summary>
    /// Any one record suffices: <see cref="DnsCheck.Found"/> when any is found, <see cref="DnsCheck.LookupFailed"/>
    /// when none is found and some lookup failed, else <see cref="DnsCheck.NotFound"/>.
    /// </summary>
    public static DnsCheck Any(IEnumerable<DnsCheck> checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        var list = checks.ToList();
        if (list.Contains(DnsCheck.Found))
        {
            return DnsCheck.Found;
        }

        return list.Contains(DnsCheck.LookupFailed) ? DnsCheck.LookupFailed : DnsCheck.NotFound;
    }
}
