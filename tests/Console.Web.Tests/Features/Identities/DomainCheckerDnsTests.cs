using Microsoft.Extensions.Time.Testing;
using SesConsole.Domain.Identities;
using SesConsole.Web.Features.Identities.Dns;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Identities;

/// <summary>The domain checker against a real DNS server on loopback, through DnsClient.</summary>
public sealed class DomainCheckerDnsTests : IDisposable
{
    private const string Domain = "example.com";
    private const string Token = "pmBGN/7MjnfhTKUZ06Enqq1PeGUaOkw8lGhcfwefcHU=";
    private static readonly string[] Selectors = ["s1", "s2", "s3"];

    private readonly TestDnsServer _server = TestDnsServer.Start();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero));

    public void Dispose() => _server.Dispose();

    private DomainChecker Checker(DnsRecordOptions? options = null) =>
        new(DnsClientLookupTests.LookupAt(_server.Endpoint), options ?? new DnsRecordOptions());

    private DomainIdentitySnapshot PendingDomain() => new()
    {
        Domain = Domain,
        Region = "us-east-1",
        VerificationToken = Token,
        Verification = VerificationState.Pending(_time.GetUtcNow()),
    };

    [Fact]
    public async Task Pending_domain_becomes_verified_once_the_amazonses_txt_record_is_published()
    {
        var identity = PendingDomain();
        var started = identity.Verification.Since;
        _time.Advance(TimeSpan.FromMinutes(5));

        var before = await Checker().CheckAsync(identity, _time.GetUtcNow(), TestContext.Current.CancellationToken);
        Assert.Equal(VerificationState.Pending(started), before.Verification);
        Assert.Equal(DnsCheck.NotFound, Assert.Single(before.Records).Check);

        _server.Set("_amazonses.example.com", "TXT", Token);
        _time.Advance(TimeSpan.FromMinutes(5));
        var after = await Checker().CheckAsync(identity, _time.GetUtcNow(), TestContext.Current.CancellationToken);

        Assert.Equal(new VerificationState(VerificationStatus.Success, _time.GetUtcNow()), after.Verification);
    }

    [Fact]
    public async Task Pending_domain_with_a_wrong_token_fails_after_72_hours()
    {
        _server.Set("_amazonses.example.com", "TXT", "some-other-token");
        _time.Advance(DnsVerification.SearchWindow);

        var result = await Checker().CheckAsync(PendingDomain() with { Verification = VerificationState.Pending(_time.GetUtcNow() - DnsVerification.SearchWindow) },
            _time.GetUtcNow(), TestContext.Current.CancellationToken);

        Assert.Equal(VerificationStatus.Failed, result.Verification.Status);
        Assert.Contains("another value", Assert.Single(result.Records).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Easy_dkim_succeeds_when_all_three_selector_records_appear_and_verifies_the_domain()
    {
        var keys = Enumerable.Range(0, 3)
            .Select(_ => new DkimSelectorKey(DkimSelector.NewRandom().Value, DkimKeyGenerator.Generate(1024).GetValueOrThrow().PublicKey))
            .ToList();
        var identity = PendingDomain() with
        {
            DkimOrigin = DkimKeyOrigin.EasyDkim,
            DkimKeys = keys,
            Dkim = VerificationState.Pending(_time.GetUtcNow()),
        };
        foreach (var key in keys.Take(2))
        {
            _server.Set($"{key.Selector}._domainkey.{Domain}", "TXT", DkimRecord.TxtValue(key.PublicKey));
        }

        var partial = await Checker().CheckAsync(identity, _time.GetUtcNow(), TestContext.Current.CancellationToken);
        Assert.Equal(VerificationStatus.Pending, partial.Dkim.Status);
        Assert.Equal(VerificationStatus.Pending, partial.Verification.Status);

        _server.Set($"{keys[2].Selector}._domainkey.{Domain}", "TXT", DkimRecord.TxtValue(keys[2].PublicKey));
        _time.Advance(TimeSpan.FromHours(1));
        var complete = await Checker().CheckAsync(identity, _time.GetUtcNow(), TestContext.Current.CancellationToken);

        Assert.Equal(new VerificationState(VerificationStatus.Success, _time.GetUtcNow()), complete.Dkim);
        Assert.Equal(VerificationStatus.Success, complete.Verification.Status);
    }

    private static readonly DnsRecordOptions CnameMode = new() { DkimMode = DkimRecordMode.Cname, DkimZone = "dkim.sesconsole.example" };

    private DomainIdentitySnapshot EasyDkimDomain(bool withToken = true) => PendingDomain() with
    {
        VerificationToken = withToken ? Token : null,
        DkimOrigin = DkimKeyOrigin.EasyDkim,
        DkimKeys = Selectors.Select(s => new DkimSelectorKey(s, DkimKeyGenerator.Generate(1024).GetValueOrThrow().PublicKey)).ToList(),
        Dkim = VerificationState.Pending(_time.GetUtcNow()),
    };

    private void PublishPlatformZone(DomainIdentitySnapshot identity)
    {
        foreach (var record in DnsRecordSet.For(identity, CnameMode).PlatformRecords)
        {
            _server.Set(record.Name, "TXT", record.Value);
        }
    }

    [Fact]
    public async Task Cname_mode_domain_with_the_cnames_verifies_through_dkim_and_without_them_does_not()
    {
        var identity = EasyDkimDomain(withToken: false);
        PublishPlatformZone(identity);

        var without = await Checker(CnameMode).CheckAsync(identity, _time.GetUtcNow(), TestContext.Current.CancellationToken);
        Assert.Equal(VerificationStatus.Pending, without.Dkim.Status);
        Assert.Equal(VerificationStatus.Pending, without.Verification.Status);
        Assert.All(without.Records, r => Assert.Equal((DnsRecordType.Cname, DnsCheck.NotFound), (r.Record.Type, r.Check)));

        foreach (var record in DnsRecordSet.For(identity, CnameMode).Records.Where(r => r.Type == DnsRecordType.Cname))
        {
            _server.Set(record.Name, "CNAME", record.Value);
        }

        _time.Advance(TimeSpan.FromMinutes(5));
        var with = await Checker(CnameMode).CheckAsync(identity, _time.GetUtcNow(), TestContext.Current.CancellationToken);

        Assert.Equal(new VerificationState(VerificationStatus.Success, _time.GetUtcNow()), with.Dkim);
        Assert.Equal(VerificationStatus.Success, with.Verification.Status);
        Assert.Equal(3, with.Records.Count(r => r.Record.Type == DnsRecordType.Cname && r.Check == DnsCheck.Found));
    }

    [Fact]
    public async Task Cname_mode_cnames_into_a_zone_that_does_not_publish_the_keys_stay_pending_and_say_why()
    {
        var identity = EasyDkimDomain();
        foreach (var record in DnsRecordSet.For(identity, CnameMode).Records.Where(r => r.Type == DnsRecordType.Cname))
        {
            _server.Set(record.Name, "CNAME", record.Value);
        }

        var result = await Checker(CnameMode).CheckAsync(identity, _time.GetUtcNow(), TestContext.Current.CancellationToken);

        Assert.Equal(VerificationStatus.Pending, result.Dkim.Status);
        Assert.All(result.Records.Where(r => r.Record.Purpose == DnsRecordPurpose.Dkim), r =>
        {
            Assert.Equal(DnsCheck.NotFound, r.Check);
            Assert.Contains("the CNAME is right, but", r.Detail, StringComparison.Ordinal);
            Assert.Contains("Admin → DKIM zone", r.Detail, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Cname_mode_a_cname_to_another_zone_is_not_found()
    {
        var identity = EasyDkimDomain();
        PublishPlatformZone(identity);
        foreach (var selector in Selectors)
        {
            _server.Set($"{selector}._domainkey.{Domain}", "CNAME", $"{selector}.dkim.amazonses.com");
        }

        var result = await Checker(CnameMode).CheckAsync(identity, _time.GetUtcNow(), TestContext.Current.CancellationToken);

        Assert.Equal(VerificationStatus.Pending, result.Dkim.Status);
        Assert.Contains("a CNAME to s1.dkim.amazonses.com, not s1.dkim.sesconsole.example",
            result.Records.First(r => r.Record.Purpose == DnsRecordPurpose.Dkim).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cname_mode_keeps_verifying_a_domain_that_published_the_key_txt_records_of_txt_mode()
    {
        var identity = EasyDkimDomain();
        foreach (var record in DnsRecordSet.For(identity, new DnsRecordOptions { DkimMode = DkimRecordMode.Txt }).Records.Where(r => r.Purpose == DnsRecordPurpose.Dkim))
        {
            _server.Set(record.Name, "TXT", record.Value);
        }

        var result = await Checker(CnameMode).CheckAsync(identity with { Dkim = new VerificationState(VerificationStatus.Success, _time.GetUtcNow()) },
            _time.GetUtcNow(), TestContext.Current.CancellationToken);

        Assert.Equal(VerificationStatus.Success, result.Dkim.Status);
        Assert.All(result.Records.Where(r => r.Record.Purpose == DnsRecordPurpose.Dkim), r =>
            Assert.Equal((DnsRecordType.Cname, DnsCheck.Found, "found the key TXT record itself instead of the CNAME"), (r.Record.Type, r.Check, r.Detail)));
    }

    [Fact]
    public async Task Txt_mode_with_a_zone_configured_still_asks_for_and_finds_the_key_txt_records()
    {
        var txtMode = CnameMode with { DkimMode = DkimRecordMode.Txt };
        var identity = EasyDkimDomain();
        var records = DnsRecordSet.For(identity, txtMode).Records.Where(r => r.Purpose == DnsRecordPurpose.Dkim).ToList();
        foreach (var record in records)
        {
            _server.Set(record.Name, "TXT", record.Value);
        }

        var result = await Checker(txtMode).CheckAsync(identity, _time.GetUtcNow(), TestContext.Current.CancellationToken);

        Assert.All(records, r => Assert.Equal(DnsRecordType.Txt, r.Type));
        Assert.Equal(VerificationStatus.Success, result.Dkim.Status);
    }

    [Fact]
    public async Task Byodkim_with_a_different_published_key_stays_pending()
    {
        var held = Byodkim.Parse(DkimKeyGenerator.Generate(1024).GetValueOrThrow().PrivateKeyPem).GetValueOrThrow();
        var other = DkimKeyGenerator.Generate(1024).GetValueOrThrow();
        var identity = PendingDomain() with
        {
            DkimOrigin = DkimKeyOrigin.External,
            DkimKeys = [new DkimSelectorKey("mail2026", held.PublicKey)],
            Dkim = VerificationState.Pending(_time.GetUtcNow()),
        };
        _server.Set("mail2026._domainkey.example.com", "TXT", other.TxtValue);

        var mismatch = await Checker().CheckAsync(identity, _time.GetUtcNow(), TestContext.Current.CancellationToken);
        Assert.Equal(VerificationStatus.Pending, mismatch.Dkim.Status);
        Assert.Contains("not this identity's public key", mismatch.Records.Single(r => r.Record.Purpose == DnsRecordPurpose.Dkim).Detail, StringComparison.Ordinal);

        _server.Set("mail2026._domainkey.example.com", "TXT", "p=" + held.PublicKey);
        var match = await Checker().CheckAsync(identity, _time.GetUtcNow(), TestContext.Current.CancellationToken);
        Assert.Equal(VerificationStatus.Success, match.Dkim.Status);
    }

    [Fact]
    public async Task Mail_from_with_two_mx_records_stays_pending_then_fails_after_72_hours()
    {
        var identity = PendingDomain() with { MailFromDomain = "bounce.example.com", MailFrom = VerificationState.Pending(_time.GetUtcNow()) };
        _server.Set("bounce.example.com", "MX", "10 feedback-smtp.us-east-1.amazonses.com", "20 mx.example.com");
        _server.Set("bounce.example.com", "TXT", "v=spf1 include:amazonses.com ~all");

        var first = await Checker().CheckAsync(identity, _time.GetUtcNow(), TestContext.Current.CancellationToken);
        Assert.Equal(VerificationStatus.Pending, first.MailFrom.Status);
        Assert.Contains("exactly one", first.Records.Single(r => r.Record.Purpose == DnsRecordPurpose.MailFromMx).Detail, StringComparison.Ordinal);

        _time.Advance(TimeSpan.FromHours(72));
        var late = await Checker().CheckAsync(identity, _time.GetUtcNow(), TestContext.Current.CancellationToken);
        Assert.Equal(new VerificationState(VerificationStatus.Failed, _time.GetUtcNow()), late.MailFrom);
    }

    [Fact]
    public async Task Mail_from_with_one_mx_and_spf_succeeds()
    {
        var identity = PendingDomain() with { MailFromDomain = "bounce.example.com", MailFrom = VerificationState.Pending(_time.GetUtcNow()) };
        _server.Set("bounce.example.com", "MX", "10 feedback-smtp.us-east-1.amazonses.com");
        _server.Set("bounce.example.com", "TXT", "v=spf1 include:amazonses.com ~all");

        var result = await Checker().CheckAsync(identity, _time.GetUtcNow(), TestContext.Current.CancellationToken);

        Assert.Equal(VerificationStatus.Success, result.MailFrom.Status);
    }

    [Fact]
    public async Task Mail_from_without_spf_stays_pending()
    {
        var identity = PendingDomain() with { MailFromDomain = "bounce.example.com", MailFrom = VerificationState.Pending(_time.GetUtcNow()) };
        _server.Set("bounce.example.com", "MX", "10 feedback-smtp.us-east-1.amazonses.com");

        var result = await Checker().CheckAsync(identity, _time.GetUtcNow(), TestContext.Current.CancellationToken);

        Assert.Equal(VerificationStatus.Pending, result.MailFrom.Status);
    }

    [Fact]
    public async Task Verified_domain_whose_record_is_removed_goes_to_temporary_failure_and_back()
    {
        var verified = PendingDomain() with { Verification = new VerificationState(VerificationStatus.Success, _time.GetUtcNow()) };
        _time.Advance(TimeSpan.FromDays(3));

        var removed = await Checker().CheckAsync(verified, _time.GetUtcNow(), TestContext.Current.CancellationToken);
        Assert.Equal(new VerificationState(VerificationStatus.TemporaryFailure, _time.GetUtcNow()), removed.Verification);

        _server.Set("_amazonses.example.com", "TXT", Token);
        _time.Advance(TimeSpan.FromHours(2));
        var back = await Checker().CheckAsync(verified with { Verification = removed.Verification }, _time.GetUtcNow(), TestContext.Current.CancellationToken);
        Assert.Equal(new VerificationState(VerificationStatus.Success, _time.GetUtcNow()), back.Verification);
    }

    [Fact]
    public async Task Verified_domain_stays_verified_when_the_resolver_fails()
    {
        var verified = PendingDomain() with { Verification = new VerificationState(VerificationStatus.Success, _time.GetUtcNow()) };
        _server.FailAll = true;
        _time.Advance(TimeSpan.FromDays(4));

        var result = await Checker().CheckAsync(verified, _time.GetUtcNow(), TestContext.Current.CancellationToken);

        Assert.Equal(verified.Verification, result.Verification);
        Assert.Equal(DnsCheck.LookupFailed, Assert.Single(result.Records).Check);
    }

    [Fact]
    public async Task Failed_domain_is_not_looked_up_again()
    {
        var failed = PendingDomain() with { Verification = new VerificationState(VerificationStatus.Failed, _time.GetUtcNow()) };
        _server.Set("_amazonses.example.com", "TXT", Token);

        var result = await Checker().CheckAsync(failed, _time.GetUtcNow(), TestContext.Current.CancellationToken);

        Assert.Equal(failed.Verification, result.Verification);
        Assert.Empty(result.Records);
        Assert.Equal(0, _server.QueryCount);
    }
}

public sealed class DomainIdentityDnsMappingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Snapshot_of_an_entity_and_result_written_back()
    {
        var entity = new SesConsole.Data.Entities.SendingIdentityEntity
        {
            AccountId = "111111111111",
            Region = "us-east-1",
            Type = SendingIdentityType.Domain,
            Name = "example.com",
            VerificationToken = "tok",
            VerificationStatus = VerificationStatus.Pending,
            VerificationStatusSince = T0,
            DkimOrigin = SesConsole.Data.Entities.DkimOrigin.External,
            DkimStatus = VerificationStatus.Pending,
            DkimStatusSince = T0,
            CreatedAt = T0,
            DkimKeys = [new() { Selector = "sel", ProtectedPrivateKey = "x", PublicKey = "PUB", CreatedAt = T0 }],
        };

        var snapshot = entity.ToDnsSnapshot();

        Assert.Equal(DkimKeyOrigin.External, snapshot.DkimOrigin);
        Assert.Equal(new DkimSelectorKey("sel", "PUB"), Assert.Single(snapshot.DkimKeys));
        Assert.Equal(VerificationState.Pending(T0), snapshot.Verification);
        Assert.Equal(VerificationStatus.NotStarted, snapshot.MailFrom.Status);

        var now = T0.AddHours(1);
        var result = new DomainCheckResult(
            new VerificationState(VerificationStatus.Success, now), VerificationState.Pending(T0), snapshot.MailFrom, []);
        Assert.True(result.ApplyTo(entity, now));
        Assert.Equal(VerificationStatus.Success, entity.VerificationStatus);
        Assert.Equal(now, entity.VerifiedAt);
        Assert.Equal(now, entity.LastCheckedAt);
        Assert.Equal(T0, entity.DkimStatusSince);
        Assert.False(result.ApplyTo(entity, now.AddHours(1)));
    }
}
