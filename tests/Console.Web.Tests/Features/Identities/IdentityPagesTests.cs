using Bunit;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using SesConsole.Data;
using SesConsole.Domain.Identities;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Identities;

public sealed class IdentityPagesTests : ConsoleTestContext
{
    private static readonly Uri Base = new("http://localhost/");

    private static Caller RootOf(string account) => new("id", "root", account, null, $"arn:aws:iam::{account}:root", false);

    [Fact]
    public void IdentitiesPage_without_identities_explains_what_to_do_first()
    {
        SignInAsRoot(AccountA);

        var page = Render<IdentitiesPage>();

        page.WaitForAssertion(() => Assert.Contains("No identities in us-east-1 yet", page.Markup, StringComparison.Ordinal));
        Assert.Contains("verifying an email address (we mail it a link) or a domain", page.Markup, StringComparison.Ordinal);
        Assert.NotEmpty(page.FindAll("[data-testid=create-identity]"));
    }

    [Fact]
    public async Task IdentitiesPage_lists_the_region_filters_by_status_and_follows_the_region_switch()
    {
        var service = Service<IdentitiesService>();
        await service.CreateEmailAsync(RootOf(AccountA), "us-east-1", "a@one.example", Base, Xunit.TestContext.Current.CancellationToken);
        await service.CreateDomainAsync(RootOf(AccountA), "us-east-1", "one.example", new NewDomainIdentity { DkimKeyLength = 1024 }, Xunit.TestContext.Current.CancellationToken);
        await service.CreateEmailAsync(RootOf(AccountA), "eu-west-1", "eu@one.example", Base, Xunit.TestContext.Current.CancellationToken);
        await service.CreateEmailAsync(RootOf(AccountB), "us-east-1", "b@two.example", Base, Xunit.TestContext.Current.CancellationToken);
        SignInAsRoot(AccountA);

        var page = Render<IdentitiesPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=identities-table] tbody tr").Count));
        Assert.DoesNotContain("b@two.example", page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("eu@one.example", page.Markup, StringComparison.Ordinal);
        page.Find("input[aria-label='Filter identities']").Input("one.example");
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=identities-table] tbody tr").Count));
        page.Find("input[aria-label='Filter identities']").Input("a@");
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=identities-table] tbody tr")));

        page.Find("input[aria-label='Filter identities']").Input("");
        await page.InvokeAsync(() => Service<RegionContext>().Set("eu-west-1"));

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=identities-table] tbody tr")));
        Assert.Contains("eu@one.example", page.Find("[data-testid=identities-table] tbody").TextContent, StringComparison.Ordinal);
        Assert.Equal("eu-west-1", page.Find("[data-testid=identities-region]").TextContent.Trim());
    }

    [Fact]
    public void CreateIdentityDialog_duplicate_shows_the_error_on_the_field()
    {
        SignInAsRoot(AccountA);
        var (dialogs, page) = RenderWithProviders<IdentitiesPage>();
        page.WaitForElement("[data-testid=create-identity]").Click();
        dialogs.WaitForElement("input[data-testid=identity-name]").Input("first@dup.example");
        dialogs.Find("[data-testid=create-identity-submit]").Click();
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=create-identity-submit]")));

        page.WaitForElement("[data-testid=create-identity]").Click();
        dialogs.WaitForElement("input[data-testid=identity-name]").Input("first@dup.example");
        dialogs.Find("[data-testid=create-identity-submit]").Click();

        dialogs.WaitForAssertion(() => Assert.Contains("first@dup.example is already an identity of your account in us-east-1.", dialogs.Markup, StringComparison.Ordinal));
    }

    [Fact]
    public async Task IdentityPage_of_a_domain_shows_the_records_to_publish_and_DKIM()
    {
        await Service<IdentitiesService>().CreateDomainAsync(RootOf(AccountA), "us-east-1", "records.example", new NewDomainIdentity { DkimKeyLength = 1024 }, Xunit.TestContext.Current.CancellationToken);
        SignInAsRoot(AccountA);

        var page = Render<IdentityPage>(p => p.Add(x => x.Name, "records.example"));

        page.WaitForAssertion(() => Assert.Equal(4, page.FindAll("[data-testid=dns-records] tbody tr").Count));
        Assert.Contains("_amazonses.records.example", page.Find("[data-testid=dns-records]").TextContent, StringComparison.Ordinal);
        Assert.Equal(3, page.FindAll("[data-testid=dns-records] tbody tr").Count(r => r.TextContent.Contains("._domainkey.records.example", StringComparison.Ordinal)));
        Assert.Contains("Easy DKIM, RSA 1024 bit", page.Markup, StringComparison.Ordinal);
        Assert.Contains("Pending", page.Find("[data-testid=identity-status]").TextContent, StringComparison.Ordinal);
        Assert.Equal("arn:aws:ses:us-east-1:111111111111:identity/records.example", page.Find("[data-testid=identity-arn]").TextContent);
    }

    [Fact]
    public async Task IdentityPage_offers_Restart_verification_only_for_a_Failed_domain_and_restarts_it()
    {
        var service = Service<IdentitiesService>();
        await service.CreateDomainAsync(RootOf(AccountA), "us-east-1", "pending.example", new NewDomainIdentity { DkimKeyLength = 1024 }, Xunit.TestContext.Current.CancellationToken);
        await service.CreateDomainAsync(RootOf(AccountA), "us-east-1", "failed.example", new NewDomainIdentity { DkimKeyLength = 1024 }, Xunit.TestContext.Current.CancellationToken);
        await using (var db = Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContext())
        {
            var failed = await db.SendingIdentities.SingleAsync(i => i.Name == "failed.example", Xunit.TestContext.Current.CancellationToken);
            (failed.VerificationStatus, failed.DkimStatus) = (VerificationStatus.Failed, VerificationStatus.Failed);
            await db.SaveChangesAsync(Xunit.TestContext.Current.CancellationToken);
        }

        SignInAsRoot(AccountA);

        var pendingPage = Render<IdentityPage>(p => p.Add(x => x.Name, "pending.example"));
        pendingPage.WaitForAssertion(() => Assert.NotEmpty(pendingPage.FindAll("[data-testid=check-now]")));
        Assert.Empty(pendingPage.FindAll("[data-testid=restart-verification]"));

        var page = Render<IdentityPage>(p => p.Add(x => x.Name, "failed.example"));
        page.WaitForAssertion(() => Assert.Contains("restart verification", page.Markup, StringComparison.Ordinal));
        page.Find("[data-testid=restart-verification]").Click();

        page.WaitForAssertion(() => Assert.Contains("Pending", page.Find("[data-testid=identity-status]").TextContent, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("[data-testid=restart-verification]"));
        Assert.Contains(Service<ISnackbar>().ShownSnackbars, s => s.Message == "Verification of failed.example restarted: we look for its DNS records for the next 72 hours.");
        var stored = (await service.GetAsync(RootOf(AccountA), "us-east-1", "failed.example", Xunit.TestContext.Current.CancellationToken)).Value!;
        Assert.Equal(VerificationStatus.Pending, stored.Identity.DkimStatus);
    }

    [Theory]
    [InlineData("pending", VerificationStatus.Pending, 1, "Pending", false, "Sends from it are refused until they are found.")]
    [InlineData("success", VerificationStatus.Success, 1, "Verified", true, "You can send from it")]
    [InlineData("tempfail-inside", VerificationStatus.TemporaryFailure, 1, "Temporary failure", true, "You and your delegates can still send from it")]
    [InlineData("tempfail-past", VerificationStatus.TemporaryFailure, 73, "Failed", false, "sends from it are refused")]
    [InlineData("failed", VerificationStatus.Failed, 1, "Failed", false, "sends from it are refused")]
    public async Task IdentityPage_says_whether_the_identity_can_send_as_a_real_send_finds(string state, VerificationStatus stored, int hoursAgo, string chip, bool canSend, string wording)
    {
        var domain = $"{state}.page-status.example";
        var ct = Xunit.TestContext.Current.CancellationToken;
        await using (var db = Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContext())
        {
            var now = DateTimeOffset.UtcNow;
            db.SendingIdentities.Add(new SesConsole.Data.Entities.SendingIdentityEntity
            {
                Id = Guid.NewGuid(), AccountId = AccountA, Region = "us-east-1", Type = SendingIdentityType.Domain, Name = domain,
                VerificationStatus = stored, VerificationStatusSince = now.AddHours(-hoursAgo), VerificationToken = "token", CreatedAt = now.AddDays(-5),
            });
            await db.SaveChangesAsync(ct);
        }

        SignInAsRoot(AccountA);

        var page = Render<IdentityPage>(p => p.Add(x => x.Name, domain));

        page.WaitForAssertion(() => Assert.Contains(chip, page.Find("[data-testid=identity-status]").TextContent, StringComparison.Ordinal));
        var canSendChip = page.Find("[data-testid=identity-can-send]");
        Assert.Equal(canSend ? "true" : "false", canSendChip.GetAttribute("data-can-send"));
        Assert.Contains(canSend ? "Can send" : "Cannot send", canSendChip.TextContent, StringComparison.Ordinal);
        Assert.Contains(wording, page.Find("[data-testid=identity-status-explanation]").TextContent, StringComparison.Ordinal);
        Assert.Equal(stored == VerificationStatus.Failed || (stored == VerificationStatus.TemporaryFailure && !canSend), page.FindAll("[data-testid=restart-verification]").Count == 1);

        var caller = new SesConsole.Domain.Sending.SendCaller(
            SesConsole.Domain.Authorization.RequestPrincipal.ForAccount(SesConsole.Domain.Principals.AccountId.Parse(AccountA).Value), SourceIp: "127.0.0.1");
        var send = await Service<SesConsole.Web.Sending.SendService>().SendAsync(
            new SesConsole.Domain.Sending.SendRequest(caller, SesConsole.Domain.Sending.SendApi.V2Simple, "us-east-1", DateTimeOffset.UtcNow,
                new SesConsole.Domain.Sending.SimpleContent(["success@simulator.amazonses.com"], Subject: "State", TextBody: "Hello")) { Source = $"news@{domain}" },
            "Test", ct);
        Assert.True(canSend == send.IsAccepted, send.Rejection?.Error.Message);
    }

    [Fact]
    public async Task IdentityPage_of_another_account_says_not_found()
    {
        await Service<IdentitiesService>().CreateEmailAsync(RootOf(AccountA), "us-east-1", "mine@a.example", Base, Xunit.TestContext.Current.CancellationToken);
        SignInAsRoot(AccountB);

        var page = Render<IdentityPage>(p => p.Add(x => x.Name, "mine@a.example"));

        page.WaitForAssertion(() => Assert.Contains("mine@a.example is not an identity of your account in us-east-1.", page.Markup, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("[data-testid=delete-identity]"));
    }

    [Fact]
    public async Task IdentityPage_delete_asks_first()
    {
        await Service<IdentitiesService>().CreateEmailAsync(RootOf(AccountA), "us-east-1", "bye@a.example", Base, Xunit.TestContext.Current.CancellationToken);
        SignInAsRoot(AccountA);
        var (dialogs, page) = RenderWithProviders<IdentityPage>(("Name", "bye@a.example"));

        page.WaitForElement("[data-testid=delete-identity]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("its sending authorization policies are deleted too", dialogs.Markup, StringComparison.Ordinal));
        dialogs.Find("[data-testid=confirm]").Click();

        await dialogs.WaitForAssertionAsync(async () =>
            Assert.Equal("identity.not_found", (await Service<IdentitiesService>().GetAsync(RootOf(AccountA), "us-east-1", "bye@a.example")).Error?.Code));
    }
}
