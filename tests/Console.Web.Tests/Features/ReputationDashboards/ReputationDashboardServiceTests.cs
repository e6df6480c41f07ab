using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SesConsole.Data.Entities;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Features.Reputation;
using SesConsole.Web.Reputation;

namespace SesConsole.Web.Tests.Features.ReputationDashboards;

/// <summary>The dashboards' read side over a real SQLite file: rates over the window, test traffic apart, who sees what.</summary>
public sealed class ReputationDashboardServiceTests : IAsyncLifetime
{
    private const string OwnerA = "111111111111";
    private const string DelegateB = "222222222222";
    private const string OwnerC = "333333333333";
    private const string DelegateD = "444444444444";
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 10, 30, 0, TimeSpan.Zero);
    private static readonly string NewsA = ReputationWorld.IdentityArn(OwnerA, "news.a.example");
    private static readonly string ShopC = ReputationWorld.IdentityArn(OwnerC, "shop.c.example");

    private static readonly Caller Admin = new("admin", "admin@example.com", null, null, null, IsAdmin: true);
    private static readonly Caller RootA = new("a", "owner@a.example", OwnerA, null, $"arn:aws:iam::{OwnerA}:root", false);
    private static readonly Caller RootB = new("b", "delegate@b.example", DelegateB, null, $"arn:aws:iam::{DelegateB}:root", false);

    private readonly ReputationWorld.Database _database = new();
    private readonly ReputationWorld _world;
    private readonly ReputationDashboardService _service;

    public ReputationDashboardServiceTests()
    {
        _world = new ReputationWorld(_database.Factory);
        _service = new ReputationDashboardService(_database.Factory, Options.Create(new ReputationOptions { MinimumVolume = 100 }), new FakeTimeProvider(Now));
    }

    public async ValueTask InitializeAsync() => await _world.AccountsAsync(OwnerA, DelegateB, OwnerC, DelegateD);

    public async ValueTask DisposeAsync() => await _database.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetAccountAsync_counts_the_window_only_and_keeps_test_traffic_apart()
    {
        await _world.BucketAsync(DelegateB, NewsA, Now.AddDays(-2), sent: 300, hardBounces: 15, complaints: 1);
        await _world.BucketAsync(DelegateB, NewsA, Now.AddHours(-1), sent: 100, hardBounces: 5);
        await _world.BucketAsync(DelegateB, NewsA, Now.AddDays(-20), sent: 1000, hardBounces: 500); // before the 14-day window
        await _world.BucketAsync(DelegateB, NewsA, Now.AddDays(-1), sent: 50, hardBounces: 50, complaints: 10, test: true);

        var page = (await _service.GetAccountAsync(RootB, DelegateB, Ct)).GetValueOrThrow();

        Assert.Equal((400L, 20L, 1L), (page.Real.Figures.Sent, page.Real.Figures.HardBounces, page.Real.Figures.Complaints));
        Assert.Equal(0.05, page.Real.Figures.BounceRate, 6);
        Assert.True(page.Real.Figures.Representative);
        Assert.Equal((50L, 50L, 10L), (page.Test.Figures.Sent, page.Test.Figures.HardBounces, page.Test.Figures.Complaints));
        Assert.Equal(ReputationDashboardService.ChartDays, page.Real.Daily.Count);
        Assert.Equal(ReputationDashboardService.ChartHours, page.Real.Hourly.Count);
        // Today's point: the window ending today holds both real buckets; the day 20 days ago had its 50 % alone.
        Assert.Equal(400, page.Real.Daily[^1].Window.Sent);
        Assert.Equal(100, page.Real.Daily[^1].Period.Sent);
        var twentyDaysAgo = page.Real.Daily.Single(p => p.Start == new DateTimeOffset(Now.AddDays(-20).Date, TimeSpan.Zero));
        Assert.Equal(0.5, twentyDaysAgo.Window.BounceRate, 6);
        Assert.Equal(100, page.Real.Hourly[^2].Period.Sent);
        Assert.Equal(NewsA, Assert.Single(page.Real.TopIdentities).Key);
        Assert.Equal(NewsA, Assert.Single(page.Test.TopIdentities).Key);
    }

    [Fact]
    public async Task GetAccountAsync_drill_down_shows_dsn_and_arf_details_and_recipient_domains_apart_from_the_simulator()
    {
        await _world.BounceAsync(DelegateB, NewsA, "gone@receiver.example", Now.AddHours(-3), "m-bounce", diagnostic: "smtp; 550 5.1.1 <gone@receiver.example>: no such user", mta: "dns; mx1.receiver.example");
        await _world.BounceAsync(DelegateB, NewsA, "full@receiver.example", Now.AddHours(-2), "m-soft", bounceType: "Transient", subType: "MailboxFull", status: "4.2.2", diagnostic: "smtp; 452 4.2.2 mailbox full");
        await _world.ComplaintAsync(DelegateB, NewsA, "angry@other.example", Now.AddHours(-1), "m-complaint");
        await _world.BounceAsync(DelegateB, NewsA, "bounce@simulator.amazonses.com", Now.AddMinutes(-30), "m-sim");
        await _world.BounceAsync(DelegateB, NewsA, "old@receiver.example", Now.AddDays(-15), "m-old");
        await _world.BounceAsync(OwnerA, NewsA, "owners@receiver.example", Now.AddHours(-1), "m-owner");

        var page = (await _service.GetAccountAsync(RootB, DelegateB, Ct)).GetValueOrThrow();

        Assert.Equal(["m-complaint", "m-soft", "m-bounce"], page.Real.Feedback.Select(f => f.MessageId));
        var hard = page.Real.Feedback.Single(f => f.MessageId == "m-bounce");
        Assert.Equal(("gone@receiver.example", "Bounce", "Permanent / General", "5.1.1"), (hard.Recipient, hard.Kind, hard.Detail, hard.Status));
        Assert.Equal(("smtp; 550 5.1.1 <gone@receiver.example>: no such user", "dns; mx1.receiver.example", true), (hard.DiagnosticCode, hard.ReportingMta, hard.Counts));
        Assert.False(page.Real.Feedback.Single(f => f.MessageId == "m-soft").Counts);
        Assert.Equal("abuse", page.Real.Feedback.Single(f => f.MessageId == "m-complaint").Detail);
        Assert.Equal([("receiver.example", 2, 0), ("other.example", 0, 1)], page.Real.TopRecipientDomains.Select(d => (d.Domain, d.Bounces, d.Complaints)));
        Assert.Equal("m-sim", Assert.Single(page.Test.Feedback).MessageId);
        Assert.Equal("simulator.amazonses.com", Assert.Single(page.Test.TopRecipientDomains).Domain);
    }

    [Fact]
    public async Task Owner_sees_each_delegates_figures_on_its_identity_and_among_its_top_delegates()
    {
        await _world.BucketAsync(OwnerA, NewsA, Now.AddDays(-1), sent: 500, hardBounces: 2);
        await _world.BucketAsync(DelegateB, NewsA, Now.AddDays(-1), sent: 200, hardBounces: 30, complaints: 2);
        await _world.BucketAsync(DelegateD, NewsA, Now.AddDays(-3), sent: 100);
        await _world.BucketAsync(DelegateB, NewsA, Now.AddDays(-1), sent: 40, test: true);

        var identity = (await _service.GetIdentityAsync(RootA, NewsA, Ct)).GetValueOrThrow();
        var page = (await _service.GetAccountAsync(RootA, OwnerA, Ct)).GetValueOrThrow();

        Assert.Equal([OwnerA, DelegateB, DelegateD], identity.Senders.Select(s => s.Key));
        var b = identity.Senders.Single(s => s.Key == DelegateB).Figures;
        Assert.Equal((200L, 30L, 2L, 0.15), (b.Sent, b.HardBounces, b.Complaints, b.BounceRate));
        Assert.Equal(40, identity.TestSent);
        Assert.Equal([DelegateB, DelegateD], page.TopDelegates.Select(d => d.Key));
        Assert.Equal(500, page.Real.Figures.Sent); // the delegates' mail is theirs, not the owner's
    }

    [Fact]
    public async Task An_owner_never_sees_another_owners_delegates_nor_another_account()
    {
        await _world.BucketAsync(DelegateB, ShopC, Now.AddDays(-1), sent: 200, hardBounces: 30);
        await _world.BucketAsync(DelegateD, ShopC, Now.AddDays(-1), sent: 300);
        await _world.BucketAsync(DelegateB, NewsA, Now.AddDays(-1), sent: 10);

        var foreignIdentity = await _service.GetIdentityAsync(RootA, ShopC, Ct);
        var ownPage = (await _service.GetAccountAsync(RootA, OwnerA, Ct)).GetValueOrThrow();
        var otherAccount = await _service.GetAccountAsync(RootA, DelegateB, Ct);
        var list = await _service.ListAccountsAsync(RootA, Ct);

        Assert.Equal("reputation.not_found", foreignIdentity.Error?.Code);
        Assert.Equal([DelegateB], ownPage.TopDelegates.Select(d => d.Key));
        Assert.Equal(10, ownPage.TopDelegates[0].Figures.Sent);
        Assert.Equal("reputation.not_found", otherAccount.Error?.Code);
        Assert.Equal("auth.forbidden", list.Error?.Code);
        Assert.Equal("reputation.not_found", (await _service.GetAccountAsync(RootB, OwnerC, Ct)).Error?.Code);
    }

    [Fact]
    public async Task ListAccountsAsync_gives_admins_state_volume_rates_and_a_daily_trend_per_account()
    {
        await _world.BucketAsync(DelegateB, NewsA, Now.AddDays(-3), sent: 100, hardBounces: 2);
        await _world.BucketAsync(DelegateB, NewsA, Now.AddDays(-1), sent: 100, hardBounces: 12, complaints: 1);
        await _world.BucketAsync(DelegateB, NewsA, Now.AddDays(-1), sent: 70, hardBounces: 70, test: true);
        await _world.EnforcementChangeAsync(DelegateB, Now.AddDays(-1), EnforcementStatus.Healthy, EnforcementStatus.UnderReview, "Bounce rate 7 % reached the review threshold.");

        var rows = (await _service.ListAccountsAsync(Admin, Ct)).GetValueOrThrow();

        var b = rows.Single(r => r.AccountId == DelegateB);
        Assert.Equal(EnforcementStatus.UnderReview, b.Status);
        Assert.Equal((200L, 14L, 70L), (b.Real.Sent, b.Real.HardBounces, b.TestSent));
        Assert.Equal(0.07, b.Real.BounceRate, 6);
        Assert.Equal(15, b.Daily.Count); // the 14-day window spans 15 UTC days
        Assert.Equal(0.12, b.Daily.Single(d => d.Start == new DateTimeOffset(Now.AddDays(-1).Date, TimeSpan.Zero)).Period.BounceRate, 6);
        Assert.Equal(0, rows.Single(r => r.AccountId == OwnerC).Real.Sent);
    }

    [Fact]
    public async Task Counting_restarts_when_an_admin_resumed_the_account()
    {
        await _world.BucketAsync(DelegateB, NewsA, Now.AddDays(-5), sent: 300, hardBounces: 60);
        await _world.BucketAsync(DelegateB, NewsA, Now.AddDays(-1), sent: 300, hardBounces: 3);
        await using (var db = await _database.Factory.CreateDbContextAsync(Ct))
        {
            var account = await db.Accounts.FindAsync([DelegateB], Ct);
            account!.ReputationSince = Now.AddDays(-2);
            await db.SaveChangesAsync(Ct);
        }

        var page = (await _service.GetAccountAsync(RootB, DelegateB, Ct)).GetValueOrThrow();
        var list = (await _service.ListAccountsAsync(Admin, Ct)).GetValueOrThrow();

        Assert.Equal((300L, 3L), (page.Real.Figures.Sent, page.Real.Figures.HardBounces));
        Assert.Equal(Now.AddDays(-2), page.CountingSince);
        Assert.Equal(300, list.Single(r => r.AccountId == DelegateB).Real.Sent);
        Assert.Equal(0.2, page.Real.Daily.Single(d => d.Start == new DateTimeOffset(Now.AddDays(-3).Date, TimeSpan.Zero)).Window.BounceRate, 6);
    }

    [Fact]
    public async Task History_is_newest_first_with_the_latest_reason()
    {
        await _world.EnforcementChangeAsync(DelegateB, Now.AddDays(-3), EnforcementStatus.Healthy, EnforcementStatus.UnderReview, "review");
        await _world.EnforcementChangeAsync(DelegateB, Now.AddDays(-1), EnforcementStatus.UnderReview, EnforcementStatus.Paused, "Paused by the admin: spam run", cause: "Admin");

        var page = (await _service.GetAccountAsync(Admin, DelegateB, Ct)).GetValueOrThrow();

        Assert.Equal(EnforcementStatus.Paused, page.Status);
        Assert.Equal(["Paused by the admin: spam run", "review"], page.History.Select(h => h.Reason));
        Assert.Equal("Admin", page.Latest?.Cause);
        Assert.Equal("reputation.not_found", (await _service.GetAccountAsync(Admin, "999999999999", Ct)).Error?.Code);
    }
}
