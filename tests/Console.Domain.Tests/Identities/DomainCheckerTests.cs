using SesConsole.Domain.Identities;

namespace SesConsole.Domain.Tests.Identities;

public sealed class DomainCheckerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    private sealed class FakeDns : IDnsLookup
    {
        public Dictionary<string, DnsLookupResult<string>> Txt { get; } = new(StringComparer.OrdinalIgnoreCase);

        public DnsLookupResult<string>? Everything { get; set; }

        public int Queries { get; private set; }

        public Task<DnsLookupResult<string>> TxtAsync(string name, CancellationToken cancellationToken)
        {
            Queries++;
            return Task.FromResult(Everything ?? Txt.GetValueOrDefault(name) ?? DnsLookupResult<string>.NotFound("NXDOMAIN"));
        }

        public Dictionary<string, DnsLookupResult<string>> Cname { get; } = new(StringComparer.OrdinalIgnoreCase);

        public Task<DnsLookupResult<string>> CnameAsync(string name, CancellationToken cancellationToken)
        {
            Queries++;
            return Task.FromResult(Everything ?? Cname.GetValueOrDefault(name) ?? DnsLookupResult<string>.NotFound("NXDOMAIN"));
        }

        public Task<DnsLookupResult<MxRecord>> MxAsync(string name, CancellationToken cancellationToken)
        {
            Queries++;
            return Task.FromResult(Everything is null ? DnsLookupResult<MxRecord>.NotFound("NXDOMAIN") : DnsLookupResult<MxRecord>.Failed("timeout"));
        }
    }

    private static DomainIdentitySnapshot Pending(string? mailFrom = null) => new()
    {
        Domain = "example.com",
        Region = "us-east-1",
        VerificationToken = "tok",
        Verification = VerificationState.Pending(T0),
        MailFromDomain = mailFrom,
        MailFrom = mailFrom is null ? default : VerificationState.Pending(T0),
    };

    [Fact]
    public async Task Lookup_failure_keeps_pending_even_past_72_hours()
    {
        var dns = new FakeDns { Everything = DnsLookupResult<string>.Failed("timeout") };

        var result = await new DomainChecker(dns, new DnsRecordOptions()).CheckAsync(Pending("bounce.example.com"), T0.AddDays(5), TestContext.Current.CancellationToken);

        Assert.Equal(VerificationState.Pending(T0), result.Verification);
        Assert.Equal(VerificationState.Pending(T0), result.MailFrom);
        Assert.All(result.Records, r => Assert.Equal(DnsCheck.LookupFailed, r.Check));
    }

    [Fact]
    public async Task Token_is_compared_exactly_and_quotes_around_it_are_ignored()
    {
        var dns = new FakeDns();
        dns.Txt["_amazonses.example.com"] = DnsLookupResult<string>.Found(["other", "\"tok\""]);

        var result = await new DomainChecker(dns, new DnsRecordOptions()).CheckAsync(Pending(), T0.AddHours(1), TestContext.Current.CancellationToken);

        Assert.Equal(new VerificationState(VerificationStatus.Success, T0.AddHours(1)), result.Verification);
    }

    [Fact]
    public async Task Dkim_not_started_and_mail_from_not_set_are_not_looked_up()
    {
        var dns = new FakeDns();

        var result = await new DomainChecker(dns, new DnsRecordOptions()).CheckAsync(Pending(), T0.AddHours(1), TestContext.Current.CancellationToken);

        Assert.Equal(1, dns.Queries);
        Assert.Equal(VerificationStatus.NotStarted, result.Dkim.Status);
        Assert.Equal(VerificationStatus.NotStarted, result.MailFrom.Status);
    }

    [Fact]
    public async Task Cname_mode_a_failed_lookup_of_the_key_behind_a_right_cname_keeps_the_dkim_status()
    {
        var dns = new FakeDns();
        var identity = Pending() with
        {
            DkimOrigin = DkimKeyOrigin.EasyDkim,
            DkimKeys = [new("sel", "KEY")],
            Dkim = VerificationState.Pending(T0),
        };
        dns.Cname["sel._domainkey.example.com"] = DnsLookupResult<string>.Found(["SEL.dkim.platform.example."]);
        dns.Txt["sel.dkim.platform.example"] = DnsLookupResult<string>.Failed("SERVFAIL");

        var result = await new DomainChecker(dns, new DnsRecordOptions { DkimZone = "dkim.platform.example" })
            .CheckAsync(identity, T0.AddDays(4), TestContext.Current.CancellationToken);

        Assert.Equal(VerificationState.Pending(T0), result.Dkim);
        var dkim = Assert.Single(result.Records, r => r.Record.Purpose == DnsRecordPurpose.Dkim);
        Assert.Equal((DnsRecordType.Cname, DnsCheck.LookupFailed), (dkim.Record.Type, dkim.Check));
        Assert.Contains("the CNAME is right", dkim.Detail, StringComparison.Ordinal);
    }
}
