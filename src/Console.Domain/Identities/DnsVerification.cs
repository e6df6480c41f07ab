namespace SesConsole.Domain.Identities;

/// <summary>
/// The status machine SES runs for DNS-verified things (the domain's TXT record, its DKIM records, a custom MAIL FROM
/// domain). Pure: the caller passes the current state, what DNS showed and the current instant.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Pending → Success when the record is found; Pending → Failed once it has been missing for 72 h.</item>
/// <item>Success stays Success while found; Success → TemporaryFailure when the record disappears.</item>
/// <item>TemporaryFailure → Success when it returns; → Failed after 72 h more without it.</item>
/// <item>Failed and NotStarted never change here: verification must be (re)started.</item>
/// <item>A failed lookup (<see cref="DnsCheck.LookupFailed"/>) changes nothing, not even an expired deadline: an outage of
/// our resolver is not evidence that the owner removed a record. Our choice; SES does not document it.</item>
/// </list>
/// A changed status carries <c>now</c> as its new <see cref="VerificationState.Since"/>; an unchanged status keeps its own.
/// See <c>verify-addresses-and-domains</c> and <c>mail-from</c> in the SES developer guide.
/// </remarks>
public static class DnsVerification
{
    /// <summary>How long SES searches for a record (Pending) or waits for it to return (TemporaryFailure).</summary>
    public static readonly TimeSpan SearchWindow = TimeSpan.FromHours(72);

    public static VerificationState Next(VerificationState current, DnsCheck check, DateTimeOffset now)
    {
        if (check == DnsCheck.LookupFailed)
        {
            return current;
        }

        var found = check == DnsCheck.Found;
        return current.Status switch
        {
            VerificationStatus.Pending when found => new(VerificationStatus.Success, now),
            VerificationStatus.Pending when now - current.Since >= SearchWindow => new(VerificationStatus.Failed, now),
            VerificationStatus.Success when !found => new(VerificationStatus.TemporaryFailure, now),
            VerificationStatus.TemporaryFailure when found => new(VerificationStatus.Success, now),
            VerificationStatus.TemporaryFailure when now - current.Since >= SearchWindow => new(VerificationStatus.Failed, now),
            _ => current,
        };
    }
}

/// <summary>Domain verification (TXT <c>_amazonses.DOMAIN</c>, or the DKIM records): see <see cref="DnsVerification"/>.</summary>
public static class DomainVerification
{
    public static VerificationState Next(VerificationStatus currentStatus, DateTimeOffset statusSince, DnsCheck check, DateTimeOffset now) =>
        DnsVerification.Next(new VerificationState(currentStatus, statusSince), check, now);

    public static VerificationState Next(VerificationStatus currentStatus, DateTimeOffset statusSince, bool recordFound, DateTimeOffset now) =>
        Next(currentStatus, statusSince, recordFound ? DnsCheck.Found : DnsCheck.NotFound, now);
}

/// <summary>DKIM status (all of the domain's DKIM records found = found): see <see cref="DnsVerification"/>.</summary>
public static class DkimVerification
{
    public static VerificationState Next(VerificationStatus currentStatus, DateTimeOffset statusSince, DnsCheck allRecords, DateTimeOffset now) =>
        DnsVerification.Next(new VerificationState(currentStatus, statusSince), allRecords, now);
}

/// <summary>Custom MAIL FROM status (exactly one MX and an SPF TXT record = found): see <see cref="DnsVerification"/>.</summary>
public static class MailFromVerification
{
    public static VerificationState Next(VerificationStatus currentStatus, DateTimeOffset statusSince, DnsCheck records, DateTimeOffset now) =>
        DnsVerification.Next(new VerificationState(currentStatus, statusSince), records, now);
}

/// <summary>
/// Email address verification: the link is valid for 24 h from <see cref="VerificationState.Since"/>; after that the
/// status is Failed and verification must start over.
/// </summary>
public static class EmailVerification
{
    public static readonly TimeSpan LinkLifetime = TimeSpan.FromHours(24);

    /// <summary>Pending becomes Failed once 24 h have passed; every other state is kept.</summary>
    public static VerificationState Next(VerificationStatus currentStatus, DateTimeOffset statusSince, DateTimeOffset now) =>
        currentStatus == VerificationStatus.Pending && now - statusSince >= LinkLifetime
            ? new VerificationState(VerificationStatus.Failed, now)
            : new VerificationState(currentStatus, statusSince);

    /// <summary>The owner clicked the link: Success when Pending and within 24 h, else an error saying why.</summary>
    public static Primitives.Result<VerificationState> Confirm(VerificationStatus currentStatus, DateTimeOffset statusSince, DateTimeOffset now)
    {
        if (currentStatus == VerificationStatus.Success)
        {
            return new VerificationState(currentStatus, statusSince);
        }

        if (currentStatus != VerificationStatus.Pending || now - statusSince >= LinkLifetime)
        {
            return new Primitives.Error("identity.verification_link_expired",
                "This verification link has expired (links are valid for 24 hours). Send a new verification email.");
        }

        return new VerificationState(VerificationStatus.Success, now);
    }
}
