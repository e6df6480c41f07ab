namespace SesConsole.Domain.Identities;

/// <summary>How a domain's DKIM keys were made. Values match <c>SesConsole.Data.Entities.DkimOrigin</c>, so a cast converts.</summary>
public enum DkimKeyOrigin
{
    /// <summary>Easy DKIM: the console generated the key pairs (SES <c>AWS_SES</c>).</summary>
    EasyDkim = 1,

    /// <summary>BYODKIM: the owner supplied selector and private key (SES <c>EXTERNAL</c>).</summary>
    External = 2,
}

public enum DnsRecordType
{
    Txt = 1,
    Cname = 2,
    Mx = 3,
}

/// <summary>What a record is for (which status it feeds).</summary>
public enum DnsRecordPurpose
{
    /// <summary>TXT <c>_amazonses.DOMAIN</c> = verification token.</summary>
    Verification = 1,
    Dkim = 2,
    MailFromMx = 3,
    MailFromSpf = 4,
}

/// <summary>One DNS record: type, full name (no trailing dot) and value, exactly as the identity page shows them.</summary>
public sealed record DnsRecord(DnsRecordType Type, string Name, string Value, DnsRecordPurpose Purpose)
{
    /// <summary>The type as DNS writes it: TXT, CNAME, MX.</summary>
    public string TypeName => Type.ToString().ToUpperInvariant();
}

/// <summary>One DKIM key of a domain: its selector and base64 SPKI public key.</summary>
public sealed record DkimSelectorKey(string Selector, string PublicKey);

/// <summary>Which records Easy DKIM asks owners to publish (<c>Dns:DkimMode</c>; <c>docs/identities.md</c>).</summary>
public enum DkimRecordMode
{
    /// <summary>
    /// As SES: the owner publishes CNAME <c>SELECTOR._domainkey.DOMAIN</c> → <c>SELECTOR.ZONE</c> and the installation
    /// publishes the key TXT records in its DKIM zone (SES's <c>dkim.amazonses.com</c>). Without a zone, owners are
    /// asked for TXT records instead (<see cref="DnsRecordOptions.CnameZone"/> is then null).
    /// </summary>
    Cname = 1,

    /// <summary>The owner publishes the key TXT records <c>SELECTOR._domainkey.DOMAIN</c> = <c>v=DKIM1; k=rsa; p=KEY</c>.</summary>
    Txt = 2,
}

/// <summary>
/// Installation-wide settings for the records we ask owners to publish (bound by the web host from configuration).
/// </summary>
public sealed record DnsRecordOptions
{
    /// <summary>Which records Easy DKIM asks for. Defaults to <see cref="DkimRecordMode.Cname"/>, as SES.</summary>
    public DkimRecordMode DkimMode { get; init; } = DkimRecordMode.Cname;

    /// <summary>
    /// The installation's DKIM zone (for example <c>dkim.sesconsole.example</c>) that Easy DKIM's CNAMEs point into in
    /// <see cref="DkimRecordMode.Cname"/> mode. Ignored in <see cref="DkimRecordMode.Txt"/> mode.
    /// </summary>
    public string? DkimZone { get; init; }

    /// <summary>
    /// The zone Easy DKIM's CNAMEs point into (no trailing dot), or <see langword="null"/> when owners publish the key TXT
    /// records themselves: in TXT mode, and in CNAME mode while no zone is set.
    /// </summary>
    public string? CnameZone => DkimMode == DkimRecordMode.Cname && DkimZone?.Trim().TrimEnd('.') is { Length: > 0 } zone ? zone : null;

    /// <summary>The MAIL FROM MX host; <c>{region}</c> is replaced by the identity's region.</summary>
    public string MailFromMxHost { get; init; } = "feedback-smtp.{region}.amazonses.com";

    public int MailFromMxPreference { get; init; } = 10;

    /// <summary>The domain the MAIL FROM SPF record includes.</summary>
    public string SpfInclude { get; init; } = "amazonses.com";

    public string MxHostFor(string region) => MailFromMxHost.Replace("{region}", region, StringComparison.Ordinal).TrimEnd('.');
}

/// <summary>The DNS-relevant state of one domain identity: what the checker and the record set need.</summary>
public sealed record DomainIdentitySnapshot
{
    /// <summary>The domain identity's name (lower-case ASCII).</summary>
    public required string Domain { get; init; }

    public required string Region { get; init; }

    /// <summary>The token for TXT <c>_amazonses.DOMAIN</c>; <see langword="null"/> when the domain verifies through DKIM only.</summary>
    public string? VerificationToken { get; init; }

    public VerificationState Verification { get; init; }

    public DkimKeyOrigin? DkimOrigin { get; init; }

    public IReadOnlyList<DkimSelectorKey> DkimKeys { get; init; } = [];

    public VerificationState Dkim { get; init; }

    public string? MailFromDomain { get; init; }

    public VerificationState MailFrom { get; init; }
}

/// <summary>
/// The records an owner publishes for a domain identity, and the records the platform publishes in its DKIM zone.
/// The <see cref="DomainChecker"/> looks for exactly these.
/// </summary>
public sealed record DnsRecordSet(IReadOnlyList<DnsRecord> Records, IReadOnlyList<DnsRecord> PlatformRecords)
{
    /// <summary>
    /// <list type="bullet">
    /// <item>TXT <c>_amazonses.DOMAIN</c> = token (when there is a token);</item>
    /// <item>Easy DKIM: per selector a CNAME <c>SELECTOR._domainkey.DOMAIN</c> → <c>SELECTOR.ZONE</c> when there is a
    /// <see cref="DnsRecordOptions.CnameZone"/> (the key TXT <c>SELECTOR.ZONE</c> goes to <see cref="PlatformRecords"/>),
    /// otherwise TXT <c>SELECTOR._domainkey.DOMAIN</c> = <c>v=DKIM1; k=rsa; p=KEY</c>;</item>
    /// <item>BYODKIM: TXT <c>SELECTOR._domainkey.DOMAIN</c> = <c>v=DKIM1; k=rsa; p=KEY</c>;</item>
    /// <item>custom MAIL FROM: MX <c>10 feedback-smtp.REGION.amazonses.com</c> and TXT <c>"v=spf1 include:amazonses.com ~all"</c>
    /// (quoted, as the SES console shows it).</item>
    /// </list>
    /// </summary>
    public static DnsRecordSet For(DomainIdentitySnapshot identity, DnsRecordOptions options)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(options);
        var records = new List<DnsRecord>();
        var platform = new List<DnsRecord>();
        if (!string.IsNullOrEmpty(identity.VerificationToken))
        {
            records.Add(new DnsRecord(DnsRecordType.Txt, VerificationRecordName(identity.Domain), identity.VerificationToken, DnsRecordPurpose.Verification));
        }

        var zone = options.CnameZone;
        foreach (var key in identity.DkimOrigin is null ? Array.Empty<DkimSelectorKey>() : identity.DkimKeys)
        {
            var name = DkimRecordName(key.Selector, identity.Domain);
            if (identity.DkimOrigin == DkimKeyOrigin.EasyDkim && zone is not null)
            {
                var target = $"{key.Selector}.{zone}";
                records.Add(new DnsRecord(DnsRecordType.Cname, name, target, DnsRecordPurpose.Dkim));
                platform.Add(new DnsRecord(DnsRecordType.Txt, target, DkimRecord.TxtValue(key.PublicKey), DnsRecordPurpose.Dkim));
            }
            else
            {
                records.Add(new DnsRecord(DnsRecordType.Txt, name, DkimRecord.TxtValue(key.PublicKey), DnsRecordPurpose.Dkim));
            }
        }

        if (!string.IsNullOrEmpty(identity.MailFromDomain))
        {
            records.Add(new DnsRecord(DnsRecordType.Mx, identity.MailFromDomain,
                $"{options.MailFromMxPreference} {options.MxHostFor(identity.Region)}", DnsRecordPurpose.MailFromMx));
            records.Add(new DnsRecord(DnsRecordType.Txt, identity.MailFromDomain,
                $"\"v=spf1 include:{options.SpfInclude} ~all\"", DnsRecordPurpose.MailFromSpf));
        }

        return new DnsRecordSet(records, platform);
    }

    public static string VerificationRecordName(string domain) => $"_amazonses.{domain}";

    public static string DkimRecordName(string selector, string domain) => $"{selector}._domainkey.{domain}";
}
