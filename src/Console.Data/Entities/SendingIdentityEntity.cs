using SesConsole.Domain.Identities;

namespace SesConsole.Data.Entities;

/// <summary>How a domain's DKIM keys were made.</summary>
public enum DkimOrigin
{
    /// <summary>Easy DKIM: the console generated the key pair (SES <c>AWS_SES</c>).</summary>
    EasyDkim = 1,

    /// <summary>BYODKIM: the owner supplied selector and private key (SES <c>EXTERNAL</c>).</summary>
    External = 2,
}

/// <summary>What to do when the custom MAIL FROM domain's MX record is missing (SES <c>BehaviorOnMXFailure</c>).</summary>
public enum MailFromBehavior
{
    UseDefaultValue = 1,
    RejectMessage = 2,
}

/// <summary>A sending identity (an email address or a domain) of one account in one region.</summary>
public sealed class SendingIdentityEntity
{
    public Guid Id { get; set; }

    public required string AccountId { get; set; }

    public required string Region { get; set; }

    public SendingIdentityType Type { get; set; }

    /// <summary>The identity as SES names it: an email address exactly as entered (case-sensitive), or a lower-case ASCII domain.</summary>
    public required string Name { get; set; }

    public VerificationStatus VerificationStatus { get; set; } = VerificationStatus.Pending;

    /// <summary>When the current verification attempt (or the current TemporaryFailure) began: the 24 h / 72 h clocks start here.</summary>
    public DateTimeOffset VerificationStatusSince { get; set; }

    public DateTimeOffset? VerifiedAt { get; set; }

    public DateTimeOffset? LastCheckedAt { get; set; }

    /// <summary>Domain identities: the token to publish as TXT at <c>_amazonses.DOMAIN</c>.</summary>
    public string? VerificationToken { get; set; }

    /// <summary>Email identities: SHA-256 of the single-use verification link's nonce; cleared when used.</summary>
    public string? EmailLinkNonceHash { get; set; }

    public DkimOrigin? DkimOrigin { get; set; }

    public VerificationStatus DkimStatus { get; set; } = VerificationStatus.NotStarted;

    public DateTimeOffset? DkimStatusSince { get; set; }

    /// <summary>Whether outgoing mail from this identity is DKIM-signed (the owner's switch; on by default once DKIM is set up).</summary>
    public bool DkimSigningEnabled { get; set; }

    public int DkimKeyLength { get; set; }

    public string? MailFromDomain { get; set; }

    public VerificationStatus MailFromStatus { get; set; } = VerificationStatus.NotStarted;

    public DateTimeOffset? MailFromStatusSince { get; set; }

    public MailFromBehavior MailFromBehavior { get; set; } = MailFromBehavior.UseDefaultValue;

    /// <summary>The identity's Bounce notification topic (docs/notifications.md#identity-notifications), if set.</summary>
    public string? BounceTopicArn { get; set; }

    public string? ComplaintTopicArn { get; set; }

    public string? DeliveryTopicArn { get; set; }

    /// <summary>Include the original headers in Bounce notifications.</summary>
    public bool HeadersInBounceNotifications { get; set; }

    public bool HeadersInComplaintNotifications { get; set; }

    public bool HeadersInDeliveryNotifications { get; set; }

    /// <summary>Email feedback forwarding (on by default; off only while Bounce and Complaint have topics).</summary>
    public bool FeedbackForwardingEnabled { get; set; } = true;

    /// <summary>The identity's default configuration set (v2 PutEmailIdentityConfigurationSetAttributes); it applies to the owner's own sends only.</summary>
    public string? DefaultConfigurationSetName { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public Guid Version { get; set; } = Guid.NewGuid();

    public List<DkimKeyEntity> DkimKeys { get; set; } = [];

    public List<IdentityPolicyEntity> Policies { get; set; } = [];

    public string Arn => $"arn:aws:ses:{Region}:{AccountId}:identity/{Name}";
}

/// <summary>One DKIM key pair of a domain identity. The private key is protected with Data Protection.</summary>
public sealed class DkimKeyEntity
{
    public Guid Id { get; set; }

    public Guid IdentityId { get; set; }

    /// <summary>The selector: records live at <c>SELECTOR._domainkey.DOMAIN</c>.</summary>
    public required string Selector { get; set; }

    public required string ProtectedPrivateKey { get; set; }

    /// <summary>Base64 SubjectPublicKeyInfo (the <c>p=</c> value of the DKIM record).</summary>
    public required string PublicKey { get; set; }

    public int KeyLength { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A sending authorization policy attached to an identity (issue 5 edits them; deleting the identity deletes them).</summary>
public sealed class IdentityPolicyEntity
{
    public Guid Id { get; set; }

    public Guid IdentityId { get; set; }

    public required string Name { get; set; }

    public required string Document { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public required string UpdatedBy { get; set; }
}

/// <summary>A message caught by the local mail sink (the embedded default transport), shown on the Mailbox page.</summary>
public sealed class MailboxMessageEntity
{
    public Guid Id { get; set; }

    /// <summary>The account the message belongs to (its sender, or the owner of the identity being verified); null for platform mail only admins see.</summary>
    public string? AccountId { get; set; }

    /// <summary>The RFC 5322 Message-ID.</summary>
    public required string MessageId { get; set; }

    public required string EnvelopeFrom { get; set; }

    /// <summary>Envelope recipients, comma-separated.</summary>
    public required string Recipients { get; set; }

    public required string Subject { get; set; }

    /// <summary>The whole MIME message as sent.</summary>
    public required byte[] Mime { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }
}
