using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;

namespace SesConsole.Web.Features.Identities;

/// <summary>A row of the identities list.</summary>
/// <param name="Status">The verification status as the clock sees it now (<see cref="VerificationState.AsOf"/>: a
/// TemporaryFailure past its 72 h window is Failed), as the API and the console report it.</param>
/// <param name="CanSend">Whether it can send now (<see cref="VerificationState.CanSendAt"/>, the rule the send pipeline uses):
/// v2 <c>VerifiedForSendingStatus</c> and <c>SendingEnabled</c>.</param>
public sealed record IdentityRow(
    string Name, string Arn, SendingIdentityType Type, string Region, VerificationStatus Status, VerificationStatus DkimStatus,
    bool DkimSigningEnabled, int Policies, DateTimeOffset CreatedAt, bool CanSend = false);

/// <summary>One DNS record the owner must publish.</summary>
/// <param name="Found">What the last check found: true, false, or null when it has not been checked since the console started.</param>
public sealed record DnsRecordView(string Purpose, string Type, string Name, string Value, bool? Found, string? Detail);

/// <summary>An identity with everything its page shows.</summary>
public sealed record IdentityDetails(
    IdentityRow Identity,
    DateTimeOffset StatusSince,
    DateTimeOffset? VerifiedAt,
    DateTimeOffset? LastCheckedAt,
    DkimOrigin? DkimOrigin,
    int DkimKeyLength,
    IReadOnlyList<string> DkimSelectors,
    string? MailFromDomain,
    VerificationStatus MailFromStatus,
    MailFromBehavior MailFromBehavior,
    IReadOnlyList<DnsRecordView> Records)
{
    /// <summary>The identity's default configuration set (docs/configuration-sets.md#default-configuration-set), if any.</summary>
    public string? DefaultConfigurationSetName { get; init; }
}

/// <summary>What the owner asks for when verifying a domain.</summary>
public sealed class NewDomainIdentity
{
    /// <summary>Easy DKIM key length: 2048 (default) or 1024.</summary>
    public int DkimKeyLength { get; set; } = 2048;

    /// <summary>BYODKIM: when set with <see cref="PrivateKey"/>, the owner's key is used instead of Easy DKIM.</summary>
    public string? Selector { get; set; }

    public string? PrivateKey { get; set; }
}

/// <summary>
/// One TXT record the platform operator publishes in its DKIM zone (CNAME mode, <c>Dns:DkimMode</c>) so that an
/// owner's CNAME <c>SELECTOR._domainkey.DOMAIN</c> → <see cref="Name"/> resolves to the identity's public key.
/// </summary>
public sealed record PlatformDkimRecord(string AccountId, string Region, string Identity, VerificationStatus DkimStatus, string Type, string Name, string Value)
{
    /// <summary>The longest character-string one TXT string may hold (RFC 1035); longer values are split.</summary>
    public const int MaxTxtStringLength = 255;

    /// <summary>
    /// The record as a zone-file line: absolute name, class, type and the value as quoted strings of at most 255
    /// characters (a 2048-bit key does not fit one string). DKIM values hold no quotes or backslashes.
    /// </summary>
    public string ZoneFileLine()
    {
        var chunks = Value.Chunk(MaxTxtStringLength).Select(c => $"\"{new string(c)}\"");
        return $"{Name}. IN {Type} {string.Join(' ', chunks)}";
    }
}

/// <summary>The platform DKIM zone and the records to publish in it; <see cref="Zone"/> is null when owners publish TXT records.</summary>
public sealed record PlatformDkimZone(string? Zone, IReadOnlyList<PlatformDkimRecord> Records);
