using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;

namespace SesConsole.Web.Features.Identities.Dns;

/// <summary>Between the stored <see cref="SendingIdentityEntity"/> and the checker's <see cref="DomainIdentitySnapshot"/>.</summary>
public static class DomainIdentityDnsMapping
{
    /// <summary>The DNS-relevant state of a domain identity (its DKIM keys must be loaded).</summary>
    public static DomainIdentitySnapshot ToDnsSnapshot(this SendingIdentityEntity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        if (identity.Type != SendingIdentityType.Domain)
        {
            throw new InvalidOperationException($"'{identity.Name}' is not a domain identity; only domains are checked in DNS.");
        }

        return new DomainIdentitySnapshot
        {
            Domain = identity.Name,
            Region = identity.Region,
            VerificationToken = identity.VerificationToken,
            Verification = new VerificationState(identity.VerificationStatus, identity.VerificationStatusSince),
            DkimOrigin = (DkimKeyOrigin?)identity.DkimOrigin,
            DkimKeys = identity.DkimKeys.OrderBy(k => k.CreatedAt).Select(k => new DkimSelectorKey(k.Selector, k.PublicKey)).ToList(),
            Dkim = new VerificationState(identity.DkimStatus, identity.DkimStatusSince ?? identity.CreatedAt),
            MailFromDomain = identity.MailFromDomain,
            MailFrom = new VerificationState(identity.MailFromStatus, identity.MailFromStatusSince ?? identity.CreatedAt),
        };
    }

    /// <summary>
    /// Writes the checked statuses back (and <c>LastCheckedAt</c>, and <c>VerifiedAt</c> when verification just
    /// succeeded). Returns whether any status changed, so the caller can log or notify.
    /// </summary>
    public static bool ApplyTo(this DomainCheckResult result, SendingIdentityEntity identity, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(identity);
        var changed = identity.VerificationStatus != result.Verification.Status
            || identity.DkimStatus != result.Dkim.Status
            || identity.MailFromStatus != result.MailFrom.Status;

        if (result.Verification.Status == VerificationStatus.Success && identity.VerificationStatus != VerificationStatus.Success)
        {
            identity.VerifiedAt = now;
        }

        identity.VerificationStatus = result.Verification.Status;
        identity.VerificationStatusSince = result.Verification.Since;
        if (identity.DkimStatus != result.Dkim.Status)
        {
            identity.DkimStatus = result.Dkim.Status;
            identity.DkimStatusSince = result.Dkim.Since;
        }

        if (identity.MailFromStatus != result.MailFrom.Status)
        {
            identity.MailFromStatus = result.MailFrom.Status;
            identity.MailFromStatusSince = result.MailFrom.Since;
        }

        identity.LastCheckedAt = now;
        return changed;
    }
}
