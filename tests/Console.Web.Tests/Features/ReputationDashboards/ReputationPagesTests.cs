using Bunit;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Web.Features.Admin;
using SesConsole.Web.Features.Reputation;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.ReputationDashboards;

/// <summary>The reputation pages and sections, rendered with bUnit over a real SQLite database.</summary>
public sealed class ReputationPagesTests : ConsoleTestContext
{
    private static readonly string NewsA = ReputationWorld.IdentityArn(AccountA, "news.a.example");
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

    private ReputationWorld World => new(Service<IDbContextFactory<ConsoleDbContext>>());

    private async Task SeedDelegateTrafficAsync()
    {
        // B sends as A's identity: 300 real recipients with 24 hard bounces (8 %), and some simulator traffic.
        await World.BucketAsync(AccountB, NewsA, _now.AddDays(-2), sent: 200, hardBounces: 14, complaints: 1);
        await World.BucketAsync(AccountB, NewsA, _now.AddHours(-2), sent: 100, hardBounces: 10);
        await World.BucketAsync(AccountB, NewsA, _now.AddHours(-1), sent: 5, hardBounces: 5, test: true);
        await World.BucketAsync(AccountA, NewsA, _now.AddDays(-1), sent: 400, hardBounces: 1);
        await World.BounceAsync(AccountB, NewsA, "gone@receiver.example", _now.AddHours(-2), "msg-of-b", diagnostic: "smtp; 550 5.1.1 no such user");
        await World.ComplaintAsync(AccountB, NewsA, "angry@other.example", _now.AddHours(-1), "complaint-of-b");
        await World.BounceAsync(AccountB, NewsA, "bounce@simulator.amazonses.com", _now.AddMinutes(-50), "sim-of-b");
        await World.EnforcementChangeAsync(AccountB, _now.AddHours(-1), EnforcementStatus.Healthy, EnforcementStatus.UnderReview, "Bounce rate 8 % reached the review threshold.");
    }

    [Fact]
    public void Own_page_without_mail_says_what_to_do_next()
    {
        SignInAsRoot(AccountA);

        var page = Render<ReputationPage>();

        page.WaitForAssertion(() => Assert.Contains("No mail sent in the last 14 days", page.Markup, StringComparison.Ordinal));
        Assert.Equal("Healthy", page.Find("[data-testid=reputation-state]").TextContent.Trim());
        Assert.NotNull(page.Find("[data-testid=test-traffic-empty]"));
        Assert.NotNull(page.Find("a[href='/test-send']"));
        Assert.Empty(page.FindAll("[data-testid=pause-sending]"));
    }

    [Fact]
    public async Task Own_page_shows_state_rates_drill_down_and_test_traffic_apart_without_admin_buttons()
    {
        await SeedDelegateTrafficAsync();
        SignInAsRoot(AccountB);

        var page = Render<ReputationPage>();

        page.WaitForAssertion(() => Assert.Equal("Under review", page.Find("[data-testid=reputation-state]").TextContent.Trim()));
        Assert.Contains("Bounce rate 8 % reached the review threshold.", page.Find("[data-testid=latest-change]").TextContent, StringComparison.Ordinal);
        Assert.Equal("300", page.Find("[data-testid=reputation-sent]").TextContent.Trim());
        Assert.StartsWith("8.0 %", page.Find("[data-testid=reputation-bounce-rate]").TextContent.Trim(), StringComparison.Ordinal);
        Assert.Equal(["gone@receiver.example", "angry@other.example"], page.FindAll("[data-testid=feedback-table] [data-testid=feedback-recipient]").Select(c => c.TextContent).OrderByDescending(t => t.StartsWith('g')));
        Assert.Contains("smtp; 550 5.1.1 no such user", page.Find("[data-testid=feedback-table]").TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.Find("[data-testid=feedback-table] a[href='/activity/msg-of-b']"));
        Assert.DoesNotContain("simulator.amazonses.com", page.Find("[data-testid=feedback-table]").TextContent, StringComparison.Ordinal);
        Assert.Contains("bounce@simulator.amazonses.com", page.Find("[data-testid=test-feedback-table]").TextContent, StringComparison.Ordinal);
        Assert.Contains("5 sent to the simulator", page.Find("[data-testid=test-traffic-figures]").TextContent, StringComparison.Ordinal);
        Assert.Single(page.FindAll("[data-testid=history-row]"));
        Assert.NotNull(page.Find("[data-testid=bounce-chart] svg"));
        Assert.Contains("8.0 %", page.Find("[data-testid=bounce-chart-table]").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=pause-sending]"));
        Assert.DoesNotContain(AccountA + " (you)", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Owner_sees_its_delegates_on_its_page_and_on_the_identity()
    {
        await SeedDelegateTrafficAsync();
        SignInAsRoot(AccountA);

        var page = Render<ReputationPage>();
        var section = Render<IdentityDelegatesSection>(p => p.Add(s => s.IdentityArn, NewsA));

        page.WaitForAssertion(() => Assert.Equal(AccountB, page.Find("[data-testid=top-delegates-row]").GetAttribute("data-key")));
        Assert.Empty(page.FindAll("[data-testid=feedback-table]")); // B's bounced recipients are B's
        section.WaitForAssertion(() => Assert.Equal([AccountA, AccountB], section.FindAll("[data-testid=identity-senders-row]").Select(r => r.GetAttribute("data-key"))));
        var b = section.FindAll("[data-testid=identity-senders-row]")[1].TextContent;
        Assert.Contains("8.0 %", b, StringComparison.Ordinal);
        Assert.Contains($"Owner B ({AccountB})", b, StringComparison.Ordinal); // named as the account is, beside its ID
        Assert.Contains($"Owner B ({AccountB})", page.Find("[data-testid=top-delegates-row]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Not shown: 5 test messages", section.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Account_A_cannot_open_account_Bs_reputation_nor_its_identity_figures()
    {
        await SeedDelegateTrafficAsync();
        SignInAsRoot(AccountB);

        var (root, page) = RenderWithProviders<AccountReputationPage>(("AccountId", AccountA));
        var section = Render<IdentityDelegatesSection>(p => p.Add(s => s.IdentityArn, NewsA));

        page.WaitForAssertion(() => Assert.Contains($"Account {AccountA} is not your account.", page.Markup, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("[data-testid=reputation-state]"));
        Assert.Empty(page.FindAll("[data-testid=pause-sending]"));
        section.WaitForAssertion(() => Assert.Contains("is not an identity of your account", section.Markup, StringComparison.Ordinal));
        Assert.DoesNotContain("identity-senders-row", section.Markup, StringComparison.Ordinal);
        // A's figure as text (not inside an attribute: a random Reference GUID such as "…-4006-…" once matched a bare "400").
        Assert.DoesNotMatch(@"\b400\b", string.Concat(root.Nodes.Select(n => n.TextContent)));
    }

    [Fact]
    public async Task Admin_pauses_an_account_with_a_reason_and_the_history_shows_it()
    {
        await SeedDelegateTrafficAsync();
        SignInAsAdmin();

        var (root, page) = RenderWithProviders<AccountReputationPage>(("AccountId", AccountB));
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=pause-sending]")));
        await page.InvokeAsync(() => page.Find("[data-testid=pause-sending]").Click());
        root.WaitForAssertion(() => Assert.NotNull(root.Find("textarea[data-testid=enforcement-reason]")));
        await root.InvokeAsync(() => root.Find("textarea[data-testid=enforcement-reason]").Input("Spam run reported by the receiver"));
        await root.InvokeAsync(() => root.Find("[data-testid=enforcement-confirm]").Click());

        page.WaitForAssertion(() => Assert.Equal("Sending paused", page.Find("[data-testid=reputation-state]").TextContent.Trim()));
        Assert.NotNull(page.Find("[data-testid=resume-sending]"));
        Assert.Contains("Spam run reported by the receiver", page.Find("[data-testid=enforcement-history]").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=feedback-table] a")); // admins have no message page to link to
        await using var db = await Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Xunit.TestContext.Current.CancellationToken);
        Assert.Equal(EnforcementStatus.Paused, (await db.Accounts.SingleAsync(a => a.Id == AccountB, Xunit.TestContext.Current.CancellationToken)).EnforcementStatus);
    }

    [Fact]
    public async Task Admin_accounts_list_shows_state_trend_volume_and_links_to_each_reputation_page()
    {
        await SeedDelegateTrafficAsync();
        SignInAsAdmin();

        var (_, page) = RenderWithProviders<AccountsPage>();

        page.WaitForAssertion(() => Assert.Equal("Under review", page.Find($"[data-testid=reputation-{AccountB}]").TextContent.Trim()));
        Assert.Equal("Healthy", page.Find($"[data-testid=reputation-{AccountA}]").TextContent.Trim());
        Assert.Contains("300 sent (+5 test)", page.Find($"[data-testid=reputation-volume-{AccountB}]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Daily trend for Owner B", page.Find($"[data-testid=sparkline-{AccountB}]").GetAttribute("aria-label"), StringComparison.Ordinal);
        Assert.Equal($"/admin/accounts/{AccountB}/reputation", page.Find($"[data-testid=reputation-link-{AccountB}]").GetAttribute("href"));
    }
}
