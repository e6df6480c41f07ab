using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Identities;

/// <summary>The real app over a real SQLite file, a real DNS server on loopback, the local mail sink and a fake clock.</summary>
public sealed class IdentitiesFixture : IAsyncLifetime
{
    public TestDnsServer Dns { get; } = TestDnsServer.Start();

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public ConsoleAppFactory Factory { get; }

    public Caller OwnerA { get; private set; } = default!;

    public Caller OwnerB { get; private set; } = default!;

    public Caller IamUserB { get; private set; } = default!;

    public IdentitiesFixture()
    {
        Factory = new ConsoleAppFactory { Time = Time };
        Factory.Settings["Dns:Servers:0"] = Dns.Endpoint;
        Factory.Settings["Identities:RecheckInterval"] = "00:00:00";
        // Periodic workers on a fake clock would fire once per period on every Advance (86,400 times for a day).
        Factory.Settings["Sending:Delivery:PollInterval"] = "00:00:00";
        Factory.Settings["Console:PublicBaseUrl"] = "https://console.example/";
        // An installation that chose TXT mode: these tests publish the key TXT records themselves (CNAME mode, the
        // default, is covered by SesApiDkimRecordsTests and DomainCheckerDnsTests).
        Factory.Settings["Dns:DkimMode"] = "Txt";
    }

    public async ValueTask InitializeAsync()
    {
        _ = Factory.Services;
        await using var scope = Factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
        var claims = scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ConsoleUser>>();
        OwnerA = Caller.From(await claims.CreateAsync((await users.FindByNameAsync("owner@example.com"))!))!;
        OwnerB = Caller.From(await claims.CreateAsync((await users.FindByNameAsync("delegate@example.com"))!))!;
        IamUserB = Caller.From(await claims.CreateAsync((await users.FindByNameAsync("222222222222/mailer"))!))!;
    }

    public IdentitiesService Service() => Factory.Services.CreateScope().ServiceProvider.GetRequiredService<IdentitiesService>();

    public ConsoleDbContext Db() => Factory.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContext();

    /// <summary>The verification link of the newest mail to <paramref name="address"/> in the local sink.</summary>
    public async Task<string> LatestLinkTokenAsync(string address)
    {
        await using var db = Db();
        var rows = await db.MailboxMessages.AsNoTracking().Where(m => m.Recipients == address).ToListAsync();
        var newest = rows.OrderByDescending(m => m.ReceivedAt).ThenByDescending(m => m.Id).First();
        using var stream = new MemoryStream(newest.Mime);
        var message = await MimeMessage.LoadAsync(stream);
        var match = Regex.Match(message.TextBody ?? "", @"https://console\.example/verify-email\?token=(\S+)");
        Assert.True(match.Success, "the verification mail has a link to the configured public URL");
        return Uri.UnescapeDataString(match.Groups[1].Value);
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        Dns.Dispose();
    }
}

public sealed class IdentitiesServiceTests(IdentitiesFixture app) : IClassFixture<IdentitiesFixture>
{
    private static readonly Uri Base = new("http://127.0.0.1/");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Email_identity_is_verified_by_its_mailed_link_once()
    {
        var service = app.Service();

        var created = await service.CreateEmailAsync(app.OwnerA, "us-east-1", "Sender@Verify.example", Base, Ct);

        Assert.True(created.IsSuccess, created.Error?.Message);
        Assert.Equal(VerificationStatus.Pending, created.Value.Status);
        Assert.Equal("arn:aws:ses:us-east-1:111111111111:identity/Sender@Verify.example", created.Value.Arn);
        var token = await app.LatestLinkTokenAsync("Sender@Verify.example");
        var verified = await service.VerifyEmailLinkAsync(token, Ct);
        Assert.Equal(VerificationStatus.Success, verified.Value!.Status);
        var again = await service.VerifyEmailLinkAsync(token, Ct);
        Assert.Equal("identity.link_used", again.Error?.Code);
        var stored = await service.GetAsync(app.OwnerA, "us-east-1", "Sender@Verify.example", Ct);
        Assert.Equal(VerificationStatus.Success, stored.Value!.Identity.Status);
    }

    [Fact]
    public async Task Resend_replaces_the_old_link()
    {
        var service = app.Service();
        await service.CreateEmailAsync(app.OwnerA, "us-east-1", "resend@verify.example", Base, Ct);
        var first = await app.LatestLinkTokenAsync("resend@verify.example");
        app.Time.Advance(TimeSpan.FromSeconds(1));

        var resent = await service.ResendVerificationAsync(app.OwnerA, "us-east-1", "resend@verify.example", Base, Ct);
        var second = await app.LatestLinkTokenAsync("resend@verify.example");

        Assert.True(resent.IsSuccess);
        Assert.NotEqual(first, second);
        Assert.Equal("identity.link_used", (await service.VerifyEmailLinkAsync(first, Ct)).Error?.Code);
        Assert.True((await service.VerifyEmailLinkAsync(second, Ct)).IsSuccess);
    }

    [Fact]
    public async Task Link_expires_after_24_hours_and_the_recheck_marks_the_identity_failed()
    {
        var service = app.Service();
        await service.CreateEmailAsync(app.OwnerB, "eu-west-1", "late@verify.example", Base, Ct);
        var token = await app.LatestLinkTokenAsync("late@verify.example");

        app.Time.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        var late = await service.VerifyEmailLinkAsync(token, Ct);
        var expired = await service.ExpireEmailVerificationsAsync(Ct);

        Assert.Equal("identity.link_expired", late.Error?.Code);
        Assert.True(expired >= 1);
        Assert.Equal(VerificationStatus.Failed, (await service.GetAsync(app.OwnerB, "eu-west-1", "late@verify.example", Ct)).Value!.Identity.Status);
    }

    [Theory]
    [InlineData("", "identity.invalid_name")]
    [InlineData("no-at-sign-but-spaces here", "identity.invalid_name")]
    [InlineData("a@b@c.example", "identity.invalid_name")]
    [InlineData("user@-bad-.example", "identity.invalid_name")]
    [InlineData("example.com", "identity.not_an_address")]
    public async Task CreateEmailAsync_bad_name_is_refused_and_nothing_is_stored(string name, string code)
    {
        await using var db = app.Db();
        var before = await db.SendingIdentities.CountAsync(Ct);

        var result = await app.Service().CreateEmailAsync(app.OwnerA, "us-east-1", name, Base, Ct);

        Assert.Equal(code, result.Error?.Code);
        Assert.Equal(before, await db.SendingIdentities.CountAsync(Ct));
    }

    [Fact]
    public async Task Duplicate_in_the_same_region_is_refused_but_another_region_or_case_is_a_new_identity()
    {
        var service = app.Service();
        await service.CreateEmailAsync(app.OwnerA, "us-east-1", "dup@verify.example", Base, Ct);

        var same = await service.CreateEmailAsync(app.OwnerA, "us-east-1", "dup@verify.example", Base, Ct);
        var otherRegion = await service.CreateEmailAsync(app.OwnerA, "eu-west-1", "dup@verify.example", Base, Ct);
        var otherCase = await service.CreateEmailAsync(app.OwnerA, "us-east-1", "Dup@verify.example", Base, Ct);

        Assert.Equal("identity.exists", same.Error?.Code);
        Assert.True(otherRegion.IsSuccess);
        Assert.True(otherCase.IsSuccess, "email identities are case-sensitive, as in SES");
    }

    [Fact]
    public async Task Another_account_cannot_see_check_change_or_delete_an_identity()
    {
        var service = app.Service();
        await service.CreateDomainAsync(app.OwnerA, "us-east-1", "private.example", new NewDomainIdentity { DkimKeyLength = 1024 }, Ct);

        Assert.Equal("identity.not_found", (await service.GetAsync(app.OwnerB, "us-east-1", "private.example", Ct)).Error?.Code);
        Assert.Equal("identity.not_found", (await service.CheckNowAsync(app.OwnerB, "us-east-1", "private.example", Ct)).Error?.Code);
        Assert.Equal("identity.not_found", (await service.DeleteAsync(app.OwnerB, "us-east-1", "private.example", Ct)).Error?.Code);
        Assert.DoesNotContain((await service.ListAsync(app.OwnerB, "us-east-1", Ct)).Value!, r => r.Name == "private.example");
        Assert.Equal("auth.root_only", (await service.CreateEmailAsync(app.IamUserB, "us-east-1", "x@y.example", Base, Ct)).Error?.Code);
        Assert.NotNull((await service.GetAsync(app.OwnerA, "us-east-1", "private.example", Ct)).Value);
    }

    [Fact]
    public async Task Domain_goes_Pending_to_Success_when_DNS_shows_the_records_then_TemporaryFailure_then_Failed_after_72_hours()
    {
        var service = app.Service();
        var created = await service.CreateDomainAsync(app.OwnerA, "us-east-1", "Shop.Example", new NewDomainIdentity(), Ct);
        Assert.Equal("shop.example", created.Value!.Name);
        var details = (await service.GetAsync(app.OwnerA, "us-east-1", "shop.example", Ct)).Value!;
        Assert.Equal(3, details.DkimSelectors.Count);
        Assert.Equal(2048, details.DkimKeyLength);
        var txt = details.Records.Single(r => r.Name == "_amazonses.shop.example");

        await service.CheckNowAsync(app.OwnerA, "us-east-1", "shop.example", Ct);
        details = (await service.GetAsync(app.OwnerA, "us-east-1", "shop.example", Ct)).Value!;
        Assert.Equal(VerificationStatus.Pending, details.Identity.Status);
        Assert.All(details.Records, r => Assert.False(r.Found));

        app.Dns.Set(txt.Name, "TXT", txt.Value);
        foreach (var dkim in details.Records.Where(r => r.Purpose == "DKIM"))
        {
            app.Dns.Set(dkim.Name, "TXT", dkim.Value);
        }

        await service.CheckNowAsync(app.OwnerA, "us-east-1", "shop.example", Ct);
        details = (await service.GetAsync(app.OwnerA, "us-east-1", "shop.example", Ct)).Value!;
        Assert.Equal(VerificationStatus.Success, details.Identity.Status);
        Assert.Equal(VerificationStatus.Success, details.Identity.DkimStatus);
        Assert.True(details.Identity.DkimSigningEnabled);
        Assert.All(details.Records, r => Assert.True(r.Found));

        app.Dns.Remove(txt.Name);
        foreach (var dkim in details.Records.Where(r => r.Purpose == "DKIM"))
        {
            app.Dns.Remove(dkim.Name);
        }

        await service.RecheckDomainsAsync(Ct);
        Assert.Equal(VerificationStatus.TemporaryFailure, (await service.GetAsync(app.OwnerA, "us-east-1", "shop.example", Ct)).Value!.Identity.Status);

        app.Time.Advance(TimeSpan.FromHours(72) + TimeSpan.FromMinutes(1));
        await service.RecheckDomainsAsync(Ct);
        Assert.Equal(VerificationStatus.Failed, (await service.GetAsync(app.OwnerA, "us-east-1", "shop.example", Ct)).Value!.Identity.Status);
    }

    [Fact]
    public async Task A_TemporaryFailure_past_its_72_hours_is_Failed_before_any_recheck_and_stays_Failed_when_the_records_return()
    {
        var service = app.Service();
        await service.CreateDomainAsync(app.OwnerA, "us-east-1", "lapsed.example", new NewDomainIdentity { DkimKeyLength = 1024 }, Ct);
        var records = (await service.GetAsync(app.OwnerA, "us-east-1", "lapsed.example", Ct)).Value!.Records;
        foreach (var record in records)
        {
            app.Dns.Set(record.Name, "TXT", record.Value);
        }

        await service.CheckNowAsync(app.OwnerA, "us-east-1", "lapsed.example", Ct);
        foreach (var record in records)
        {
            app.Dns.Remove(record.Name);
        }

        await service.CheckNowAsync(app.OwnerA, "us-east-1", "lapsed.example", Ct);
        var temporary = (await service.GetAsync(app.OwnerA, "us-east-1", "lapsed.example", Ct)).Value!;
        Assert.Equal(VerificationStatus.TemporaryFailure, temporary.Identity.Status);
        Assert.True(temporary.Identity.CanSend);
        var gone = temporary.StatusSince;

        app.Time.Advance(TimeSpan.FromHours(72));

        // No re-check ran (the resolver might be down): the clock alone ends the window.
        var lapsed = (await service.GetAsync(app.OwnerA, "us-east-1", "lapsed.example", Ct)).Value!;
        Assert.Equal(VerificationStatus.Failed, lapsed.Identity.Status);
        Assert.False(lapsed.Identity.CanSend);
        Assert.Equal(gone + TimeSpan.FromHours(72), lapsed.StatusSince);
        Assert.Equal(VerificationStatus.Failed, (await service.ListAsync(app.OwnerA, "us-east-1", Ct)).Value!.Single(i => i.Name == "lapsed.example").Status);

        // Records back after the window: like SES, a revoked domain needs a restart.
        foreach (var record in records)
        {
            app.Dns.Set(record.Name, "TXT", record.Value);
        }

        await service.CheckNowAsync(app.OwnerA, "us-east-1", "lapsed.example", Ct);
        Assert.Equal(VerificationStatus.Failed, (await service.GetAsync(app.OwnerA, "us-east-1", "lapsed.example", Ct)).Value!.Identity.Status);
        Assert.True((await service.RestartVerificationAsync(app.OwnerA, "us-east-1", "lapsed.example", Ct)).IsSuccess);
        await service.CheckNowAsync(app.OwnerA, "us-east-1", "lapsed.example", Ct);
        var again = (await service.GetAsync(app.OwnerA, "us-east-1", "lapsed.example", Ct)).Value!;
        Assert.Equal(VerificationStatus.Success, again.Identity.Status);
        Assert.True(again.Identity.CanSend);
    }

    [Fact]
    public async Task Failed_domain_restarts_verification_with_the_same_token_and_keys_and_a_new_72_hour_window()
    {
        var service = app.Service();
        await service.CreateDomainAsync(app.OwnerA, "us-east-1", "restart.example", new NewDomainIdentity { DkimKeyLength = 1024 }, Ct);
        var before = (await service.GetAsync(app.OwnerA, "us-east-1", "restart.example", Ct)).Value!;
        Assert.Equal("identity.not_failed", (await service.RestartVerificationAsync(app.OwnerA, "us-east-1", "restart.example", Ct)).Error?.Code);
        app.Time.Advance(TimeSpan.FromHours(72) + TimeSpan.FromMinutes(1));
        await service.CheckNowAsync(app.OwnerA, "us-east-1", "restart.example", Ct);
        var failed = (await service.GetAsync(app.OwnerA, "us-east-1", "restart.example", Ct)).Value!;
        Assert.Equal(VerificationStatus.Failed, failed.Identity.Status);
        Assert.Equal(VerificationStatus.Failed, failed.Identity.DkimStatus);

        Assert.Equal("auth.root_only", (await service.RestartVerificationAsync(app.IamUserB, "us-east-1", "restart.example", Ct)).Error?.Code);
        Assert.Equal("identity.not_found", (await service.RestartVerificationAsync(app.OwnerB, "us-east-1", "restart.example", Ct)).Error?.Code);
        var restarted = await service.RestartVerificationAsync(app.OwnerA, "us-east-1", "restart.example", Ct);

        Assert.True(restarted.IsSuccess, restarted.Error?.Message);
        var pending = (await service.GetAsync(app.OwnerA, "us-east-1", "restart.example", Ct)).Value!;
        Assert.Equal(VerificationStatus.Pending, pending.Identity.Status);
        Assert.Equal(VerificationStatus.Pending, pending.Identity.DkimStatus);
        Assert.Equal(app.Time.GetUtcNow(), pending.StatusSince, TimeSpan.FromMilliseconds(1));
        Assert.Equal(before.DkimSelectors, pending.DkimSelectors);
        Assert.Equal(before.Records.Select(r => (r.Name, r.Value)), pending.Records.Select(r => (r.Name, r.Value)));

        // The 72 h window counts from the restart: 71 h later a check without records leaves it Pending...
        app.Time.Advance(TimeSpan.FromHours(71));
        await service.CheckNowAsync(app.OwnerA, "us-east-1", "restart.example", Ct);
        Assert.Equal(VerificationStatus.Pending, (await service.GetAsync(app.OwnerA, "us-east-1", "restart.example", Ct)).Value!.Identity.Status);

        // ...and the records published at last verify it.
        foreach (var record in pending.Records)
        {
            app.Dns.Set(record.Name, record.Type, record.Value);
        }

        await service.CheckNowAsync(app.OwnerA, "us-east-1", "restart.example", Ct);
        var verified = (await service.GetAsync(app.OwnerA, "us-east-1", "restart.example", Ct)).Value!;
        Assert.Equal(VerificationStatus.Success, verified.Identity.Status);
        Assert.Equal(VerificationStatus.Success, verified.Identity.DkimStatus);
    }

    [Fact]
    public async Task Failed_MAIL_FROM_saved_again_is_Pending_from_now_and_can_then_succeed()
    {
        var service = app.Service();
        await service.CreateDomainAsync(app.OwnerA, "us-east-1", "mfrestart.example", new NewDomainIdentity { DkimKeyLength = 1024 }, Ct);
        await service.SetMailFromAsync(app.OwnerA, "us-east-1", "mfrestart.example", "mail.mfrestart.example", MailFromBehavior.UseDefaultValue, Ct);
        app.Time.Advance(TimeSpan.FromHours(72) + TimeSpan.FromMinutes(1));
        await service.CheckNowAsync(app.OwnerA, "us-east-1", "mfrestart.example", Ct);
        Assert.Equal(VerificationStatus.Failed, (await service.GetAsync(app.OwnerA, "us-east-1", "mfrestart.example", Ct)).Value!.MailFromStatus);

        var saved = await service.SetMailFromAsync(app.OwnerA, "us-east-1", "mfrestart.example", "mail.mfrestart.example", MailFromBehavior.RejectMessage, Ct);

        Assert.True(saved.IsSuccess, saved.Error?.Message);
        var details = (await service.GetAsync(app.OwnerA, "us-east-1", "mfrestart.example", Ct)).Value!;
        Assert.Equal(VerificationStatus.Pending, details.MailFromStatus);
        await using (var db = app.Db())
        {
            var stored = await db.SendingIdentities.SingleAsync(i => i.Name == "mfrestart.example", Ct);
            Assert.Equal(app.Time.GetUtcNow(), stored.MailFromStatusSince!.Value, TimeSpan.FromMilliseconds(1));
        }

        var mx = details.Records.Single(r => r.Purpose == "MAIL FROM (MX)");
        var spf = details.Records.Single(r => r.Purpose == "MAIL FROM (SPF)");
        app.Dns.Set(mx.Name, "MX", mx.Value);
        app.Dns.Set(spf.Name, "TXT", spf.Value.Trim('"'));
        await service.CheckNowAsync(app.OwnerA, "us-east-1", "mfrestart.example", Ct);
        Assert.Equal(VerificationStatus.Success, (await service.GetAsync(app.OwnerA, "us-east-1", "mfrestart.example", Ct)).Value!.MailFromStatus);
    }

    [Fact]
    public async Task Resend_after_the_link_expired_makes_a_Failed_address_Pending_with_a_new_link_that_works()
    {
        var service = app.Service();
        await service.CreateEmailAsync(app.OwnerA, "us-east-1", "expired@verify.example", Base, Ct);
        var expiredLink = await app.LatestLinkTokenAsync("expired@verify.example");
        app.Time.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        await service.ExpireEmailVerificationsAsync(Ct);
        Assert.Equal(VerificationStatus.Failed, (await service.GetAsync(app.OwnerA, "us-east-1", "expired@verify.example", Ct)).Value!.Identity.Status);

        var resent = await service.ResendVerificationAsync(app.OwnerA, "us-east-1", "expired@verify.example", Base, Ct);

        Assert.True(resent.IsSuccess, resent.Error?.Message);
        var pending = (await service.GetAsync(app.OwnerA, "us-east-1", "expired@verify.example", Ct)).Value!;
        Assert.Equal(VerificationStatus.Pending, pending.Identity.Status);
        Assert.Equal(app.Time.GetUtcNow(), pending.StatusSince, TimeSpan.FromMilliseconds(1));
        var newLink = await app.LatestLinkTokenAsync("expired@verify.example");
        Assert.NotEqual(expiredLink, newLink);
        Assert.False((await service.VerifyEmailLinkAsync(expiredLink, Ct)).IsSuccess);
        Assert.Equal(VerificationStatus.Success, (await service.VerifyEmailLinkAsync(newLink, Ct)).Value?.Status);
    }

    [Fact]
    public async Task Easy_DKIM_private_keys_are_encrypted_at_rest()
    {
        await app.Service().CreateDomainAsync(app.OwnerA, "eu-west-1", "keys.example", new NewDomainIdentity { DkimKeyLength = 1024 }, Ct);

        await using var db = app.Db();
        var keys = await db.DkimKeys.Where(k => db.SendingIdentities.Any(i => i.Id == k.IdentityId && i.Name == "keys.example")).ToListAsync(Ct);

        Assert.Equal(3, keys.Count);
        Assert.All(keys, k => Assert.DoesNotContain("PRIVATE KEY", k.ProtectedPrivateKey, StringComparison.Ordinal));
        Assert.All(keys, k => Assert.Equal(1024, k.KeyLength));
    }

    [Theory]
    [InlineData("sel1", "not a key", "PrivateKey", "dkim.invalid_private_key")]
    [InlineData("bad selector!", "", "Selector", "dkim.invalid_selector")]
    public async Task BYODKIM_bad_input_names_the_field_and_creates_nothing(string selector, string key, string field, string code)
    {
        var result = await app.Service().CreateDomainAsync(app.OwnerA, "us-east-1", $"byo-{field.ToLowerInvariant()}.example",
            new NewDomainIdentity { Selector = selector, PrivateKey = key }, Ct);

        Assert.Equal(code, result.Error?.Code);
        Assert.Equal(field, result.Error?.Location);
        await using var db = app.Db();
        Assert.False(await db.SendingIdentities.AnyAsync(i => i.Name == $"byo-{field.ToLowerInvariant()}.example", Ct));
    }

    [Fact]
    public async Task BYODKIM_is_verified_when_the_published_key_matches()
    {
        var pair = DkimKeyGenerator.Generate(1024).GetValueOrThrow();
        var service = app.Service();
        await service.CreateDomainAsync(app.OwnerA, "us-east-1", "byo.example", new NewDomainIdentity { Selector = "mykey", PrivateKey = pair.PrivateKeyPem }, Ct);
        var other = DkimKeyGenerator.Generate(1024).GetValueOrThrow();

        app.Dns.Set("mykey._domainkey.byo.example", "TXT", DkimRecord.TxtValue(other.PublicKey));
        await service.CheckNowAsync(app.OwnerA, "us-east-1", "byo.example", Ct);
        var mismatch = (await service.GetAsync(app.OwnerA, "us-east-1", "byo.example", Ct)).Value!;
        app.Dns.Set("mykey._domainkey.byo.example", "TXT", DkimRecord.TxtValue(pair.PublicKey));
        await service.CheckNowAsync(app.OwnerA, "us-east-1", "byo.example", Ct);
        var match = (await service.GetAsync(app.OwnerA, "us-east-1", "byo.example", Ct)).Value!;

        Assert.Equal(VerificationStatus.Pending, mismatch.Identity.DkimStatus);
        Assert.Equal(DkimOrigin.External, match.DkimOrigin);
        Assert.Equal(VerificationStatus.Success, match.Identity.DkimStatus);
        Assert.Equal(VerificationStatus.Success, match.Identity.Status);
    }

    [Fact]
    public async Task MAIL_FROM_must_be_a_subdomain_and_needs_exactly_one_MX_and_SPF()
    {
        var service = app.Service();
        await service.CreateDomainAsync(app.OwnerA, "us-east-1", "bounce.example", new NewDomainIdentity { DkimKeyLength = 1024 }, Ct);

        var outside = await service.SetMailFromAsync(app.OwnerA, "us-east-1", "bounce.example", "mail.other.example", MailFromBehavior.RejectMessage, Ct);
        var ok = await service.SetMailFromAsync(app.OwnerA, "us-east-1", "bounce.example", "mail.bounce.example", MailFromBehavior.RejectMessage, Ct);
        var records = (await service.GetAsync(app.OwnerA, "us-east-1", "bounce.example", Ct)).Value!.Records;
        var mx = records.Single(r => r.Purpose == "MAIL FROM (MX)");
        var spf = records.Single(r => r.Purpose == "MAIL FROM (SPF)");
        app.Dns.Set(mx.Name, "MX", mx.Value, "20 other.example");
        app.Dns.Set(spf.Name, "TXT", spf.Value.Trim('"'));
        await service.CheckNowAsync(app.OwnerA, "us-east-1", "bounce.example", Ct);
        var twoMx = (await service.GetAsync(app.OwnerA, "us-east-1", "bounce.example", Ct)).Value!;
        app.Dns.Set(mx.Name, "MX", mx.Value);
        await service.CheckNowAsync(app.OwnerA, "us-east-1", "bounce.example", Ct);
        var oneMx = (await service.GetAsync(app.OwnerA, "us-east-1", "bounce.example", Ct)).Value!;

        Assert.Equal("identity.mail_from_not_subdomain", outside.Error?.Code);
        Assert.True(ok.IsSuccess);
        Assert.Equal(VerificationStatus.Pending, twoMx.MailFromStatus);
        Assert.Equal(VerificationStatus.Success, oneMx.MailFromStatus);
        Assert.Equal(MailFromBehavior.RejectMessage, oneMx.MailFromBehavior);
    }

    [Fact]
    public async Task Delete_removes_the_identity_with_its_policies_and_keys()
    {
        var service = app.Service();
        await service.CreateDomainAsync(app.OwnerA, "us-east-1", "gone.example", new NewDomainIdentity { DkimKeyLength = 1024 }, Ct);
        await using (var db = app.Db())
        {
            var identity = await db.SendingIdentities.SingleAsync(i => i.Name == "gone.example", Ct);
            db.IdentityPolicies.Add(new IdentityPolicyEntity { Id = Guid.NewGuid(), IdentityId = identity.Id, Name = "P", Document = "{}", UpdatedBy = "test" });
            await db.SaveChangesAsync(Ct);
        }

        var deleted = await service.DeleteAsync(app.OwnerA, "us-east-1", "gone.example", Ct);

        Assert.True(deleted.IsSuccess);
        await using var check = app.Db();
        Assert.False(await check.SendingIdentities.AnyAsync(i => i.Name == "gone.example", Ct));
        Assert.False(await check.IdentityPolicies.AnyAsync(p => p.Name == "P" && !check.SendingIdentities.Any(i => i.Id == p.IdentityId), Ct));
    }
}
