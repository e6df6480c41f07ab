using SesConsole.Domain.Identities;

namespace SesConsole.Domain.Tests.Identities;

public sealed class DnsRecordSetTests
{
    private static readonly DomainIdentitySnapshot Identity = new()
    {
        Domain = "example.com",
        Region = "eu-west-1",
        VerificationToken = "tok3n",
        DkimOrigin = DkimKeyOrigin.EasyDkim,
        DkimKeys = [new("sel1", "KEY1"), new("sel2", "KEY2"), new("sel3", "KEY3")],
        MailFromDomain = "bounce.example.com",
    };

    [Fact]
    public void Cname_mode_is_the_default()
    {
        Assert.Equal(DkimRecordMode.Cname, new DnsRecordOptions().DkimMode);
        Assert.Equal("dkim.sesconsole.example", new DnsRecordOptions { DkimZone = " dkim.sesconsole.example. " }.CnameZone);
    }

    [Theory]
    [InlineData(DkimRecordMode.Cname, null)]
    [InlineData(DkimRecordMode.Cname, "  ")]
    [InlineData(DkimRecordMode.Txt, null)]
    [InlineData(DkimRecordMode.Txt, "dkim.sesconsole.example")]
    public void Easy_dkim_asks_for_txt_records_in_txt_mode_and_in_cname_mode_without_a_zone(DkimRecordMode mode, string? zone)
    {
        var options = new DnsRecordOptions { DkimMode = mode, DkimZone = zone };

        var set = DnsRecordSet.For(Identity, options);

        Assert.Null(options.CnameZone);
        Assert.Equal(
        [
            new DnsRecord(DnsRecordType.Txt, "_amazonses.example.com", "tok3n", DnsRecordPurpose.Verification),
            new DnsRecord(DnsRecordType.Txt, "sel1._domainkey.example.com", "v=DKIM1; k=rsa; p=KEY1", DnsRecordPurpose.Dkim),
            new DnsRecord(DnsRecordType.Txt, "sel2._domainkey.example.com", "v=DKIM1; k=rsa; p=KEY2", DnsRecordPurpose.Dkim),
            new DnsRecord(DnsRecordType.Txt, "sel3._domainkey.example.com", "v=DKIM1; k=rsa; p=KEY3", DnsRecordPurpose.Dkim),
            new DnsRecord(DnsRecordType.Mx, "bounce.example.com", "10 feedback-smtp.eu-west-1.amazonses.com", DnsRecordPurpose.MailFromMx),
            new DnsRecord(DnsRecordType.Txt, "bounce.example.com", "\"v=spf1 include:amazonses.com ~all\"", DnsRecordPurpose.MailFromSpf),
        ], set.Records);
        Assert.Empty(set.PlatformRecords);
        Assert.Equal("MX", set.Records[4].TypeName);
    }

    [Fact]
    public void Easy_dkim_in_cname_mode_asks_for_cnames_and_lists_the_platform_txt_records()
    {
        var options = new DnsRecordOptions
        {
            DkimMode = DkimRecordMode.Cname,
            DkimZone = "dkim.sesconsole.example.",
            MailFromMxHost = "bounces.{region}.sesconsole.example",
            SpfInclude = "spf.sesconsole.example",
        };

        var set = DnsRecordSet.For(Identity, options);

        Assert.Equal(
            ["sel1.dkim.sesconsole.example", "sel2.dkim.sesconsole.example", "sel3.dkim.sesconsole.example"],
            set.Records.Where(r => r.Type == DnsRecordType.Cname).Select(r => r.Value));
        Assert.Equal("sel1._domainkey.example.com", set.Records.First(r => r.Type == DnsRecordType.Cname).Name);
        Assert.Equal(
            [
                new DnsRecord(DnsRecordType.Txt, "sel1.dkim.sesconsole.example", "v=DKIM1; k=rsa; p=KEY1", DnsRecordPurpose.Dkim),
                new DnsRecord(DnsRecordType.Txt, "sel2.dkim.sesconsole.example", "v=DKIM1; k=rsa; p=KEY2", DnsRecordPurpose.Dkim),
                new DnsRecord(DnsRecordType.Txt, "sel3.dkim.sesconsole.example", "v=DKIM1; k=rsa; p=KEY3", DnsRecordPurpose.Dkim),
            ],
            set.PlatformRecords);
        Assert.DoesNotContain(set.Records, r => r.Purpose == DnsRecordPurpose.Dkim && r.Type == DnsRecordType.Txt);
        Assert.Contains(set.Records, r => r == new DnsRecord(DnsRecordType.Txt, "_amazonses.example.com", "tok3n", DnsRecordPurpose.Verification));
        Assert.Contains(set.Records, r => r.Value == "10 bounces.eu-west-1.sesconsole.example");
        Assert.Contains(set.Records, r => r.Value == "\"v=spf1 include:spf.sesconsole.example ~all\"");
    }

    [Fact]
    public void Byodkim_asks_for_a_txt_record_even_with_a_platform_zone()
    {
        var byodkim = Identity with { DkimOrigin = DkimKeyOrigin.External, DkimKeys = [new("mail2026", "PUB")], MailFromDomain = null };

        var set = DnsRecordSet.For(byodkim, new DnsRecordOptions { DkimZone = "dkim.sesconsole.example" });

        Assert.Equal(
            [
                new DnsRecord(DnsRecordType.Txt, "_amazonses.example.com", "tok3n", DnsRecordPurpose.Verification),
                new DnsRecord(DnsRecordType.Txt, "mail2026._domainkey.example.com", "v=DKIM1; k=rsa; p=PUB", DnsRecordPurpose.Dkim),
            ],
            set.Records);
        Assert.Empty(set.PlatformRecords);
    }

    [Fact]
    public void Domain_without_token_dkim_or_mail_from_has_no_records()
    {
        var bare = new DomainIdentitySnapshot { Domain = "example.com", Region = "us-east-1" };

        Assert.Empty(DnsRecordSet.For(bare, new DnsRecordOptions()).Records);
    }
}
