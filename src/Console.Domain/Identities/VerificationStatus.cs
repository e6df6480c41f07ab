namespace SesConsole.Domain.Identities;

/// <summary>
/// Verification status of an identity, its DKIM setup or its custom MAIL FROM domain, with SES's values
/// (v1 <c>GetIdentityVerificationAttributes</c>; v2 uses the same names in upper snake case).
/// </summary>
public enum VerificationStatus
{
    /// <summary>Verification never started (for example DKIM on an email-address identity).</summary>
    NotStarted = 0,

    /// <summary>Started, not yet confirmed: the email link is waiting (24 h) or DNS is being searched (72 h).</summary>
    Pending = 1,

    /// <summary>Verified.</summary>
    Success = 2,

    /// <summary>The link expired or the DNS records were not found in time; verification must be restarted.</summary>
    Failed = 3,

    /// <summary>A verified domain's record disappeared; re-checked for 72 h, then Failed (or Success if it returns).</summary>
    TemporaryFailure = 4,
}
