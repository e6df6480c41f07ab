using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Sending;
using SesConsole.Web.Reputation;
using SesConsole.Web.Tests.Sending;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Reputation;

/// <summary>
/// Enforcement over the real app and SQLite (docs/reputation.md#enforcement): the automatic evaluation from bucket rows,
/// an admin's pause and resume with a reason, the history, and the send path refusing a paused account at once.
/// Each test has an account of its own (<see cref="OwnSender"/>), so the demo world's figures never interfere.
/// </summary>
public sealed class EnforcementServiceTests(AppFixture app) : IClassFixture<AppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_bounce_rate_over_ten_percent_of_a_representative_volume_pauses_the_account_and_its_next_send_is_refused()
    {
        var sender = await OwnSender.CreateAsync(app, max24: 1000, rate: 100, Ct);
        Assert.True((await sender.SendAsync(DateTimeOffset.UtcNow, Ct, "reader@customer.example")).IsAccepted); // the settings are cached now
        await AddBucketAsync(sender.Account, sent: 200, delivered: 179, hardBounces: 21);

        var change = await app.Get<EnforcementService>().EvaluateAsync(sender.Account, Ct);

        Assert.NotNull(change);
        Assert.Equal((EnforcementStatus.Healthy, EnforcementStatus.Paused, "Automatic"), (change.From, change.To, change.Cause));
        Assert.Equal((200L, 21L, 0.105), (change.Volume, change.Bounces, Math.Round(change.BounceRate, 3)));
        Assert.Contains("10.5 %", change.Reason, StringComparison.Ordinal);
        await using (var db = app.Db())
        {
            Assert.Equal(EnforcementStatus.Paused, (await db.Accounts.SingleAsync(a => a.Id == sender.Account, Ct)).EnforcementStatus);
            Assert.Single(await db.EnforcementChanges.Where(c => c.AccountId == sender.Account).ToListAsync(Ct));
        }

        var refused = await sender.SendAsync(DateTimeOffset.UtcNow, Ct, "reader@customer.example");
        Assert.False(refused.IsAccepted);
        Assert.Equal(SendErrorKind.AccountSendingPaused, refused.Rejection!.Error.Kind);
        Assert.Equal("AccountSendingPausedException", refused.Rejection.V1.Code);
        Assert.Equal("SendingPausedException", refused.Rejection.V2.Code);

        // Paused stays paused: only an admin resumes.
        Assert.Null(await app.Get<EnforcementService>().EvaluateAsync(sender.Account, Ct));
    }

    [Fact]
    public async Task Below_the_minimum_volume_nothing_happens_and_test_traffic_never_counts()
    {
        var sender = await OwnSender.CreateAsync(app, max24: 1000, rate: 100, Ct);
        await AddBucketAsync(sender.Account, sent: 199, delivered: 100, hardBounces: 99);
        await AddBucketAsync(sender.Account, sent: 1000, delivered: 0, hardBounces: 1000, test: true);

        Assert.Null(await app.Get<EnforcementService>().EvaluateAsync(sender.Account, Ct));

        await using var db = app.Db();
        Assert.Equal(EnforcementStatus.Healthy, (await db.Accounts.SingleAsync(a => a.Id == sender.Account, Ct)).EnforcementStatus);
    }

    [Fact]
    public async Task Review_at_five_percent_then_healthy_again_once_deliveries_bring_the_rate_down_and_traffic_outside_the_window_is_ignored()
    {
        var sender = await OwnSender.CreateAsync(app, max24: 1000, rate: 100, Ct);
        var service = app.Get<EnforcementService>();
        await AddBucketAsync(sender.Account, sent: 300, delivered: 0, hardBounces: 300, at: DateTimeOffset.UtcNow.AddDays(-15)); // outside the 14-day window
        await AddBucketAsync(sender.Account, sent: 200, delivered: 190, hardBounces: 10);

        var review = await service.EvaluateAsync(sender.Account, Ct);
        Assert.Equal(EnforcementStatus.UnderReview, review?.To);
        Assert.True((await sender.SendAsync(DateTimeOffset.UtcNow, Ct, "reader@customer.example")).IsAccepted); // under review still sends

        await AddBucketAsync(sender.Account, sent: 100, delivered: 100, hardBounces: 0, at: DateTimeOffset.UtcNow.AddHours(-2));
        var healthy = await service.EvaluateAsync(sender.Account, Ct);

        Assert.Equal((EnforcementStatus.UnderReview, EnforcementStatus.Healthy), (healthy?.From, healthy?.To));
        var history = (await service.HistoryAsync(app.Admin, sender.Account, Ct)).Value!;
        Assert.Equal([EnforcementStatus.Healthy, EnforcementStatus.UnderReview], history.Select(h => h.To));
    }

    [Fact]
    public async Task A_complaint_rate_counts_only_mail_to_receivers_that_send_feedback()
    {
        var sender = await OwnSender.CreateAsync(app, max24: 1000, rate: 100, Ct);
        await AddBucketAsync(sender.Account, sent: 1000, delivered: 1000, hardBounces: 0, complaints: 1, complaintEligible: 100);

        var change = await app.Get<EnforcementService>().EvaluateAsync(sender.Account, Ct);

        Assert.Equal(EnforcementStatus.Paused, change?.To); // 1 of 100 eligible = 1 % ≥ 0.5 %, though 1 of 1,000 delivered would be 0.1 %
        Assert.Equal(0.01, change!.ComplaintRate, 5);
    }

    [Fact]
    public async Task Admin_pauses_and_resumes_with_a_reason_the_window_restarts_and_the_account_sends_again()
    {
        var sender = await OwnSender.CreateAsync(app, max24: 1000, rate: 100, Ct);
        var service = app.Get<EnforcementService>();
        await AddBucketAsync(sender.Account, sent: 200, delivered: 180, hardBounces: 20, at: DateTimeOffset.UtcNow.AddHours(-3));
        Assert.Equal(EnforcementStatus.Paused, (await service.EvaluateAsync(sender.Account, Ct))?.To);

        Assert.Equal("auth.forbidden", (await service.ResumeAsync(app.OwnerA, sender.Account, "please", Ct)).Error?.Code);
        Assert.Equal("enforcement.reason", (await service.ResumeAsync(app.Admin, sender.Account, "  ", Ct)).Error?.Code);
        Assert.Equal("account.not_found", (await service.ResumeAsync(app.Admin, "999999999999", "x", Ct)).Error?.Code);
        Assert.Equal("enforcement.already_paused", (await service.PauseAsync(app.Admin, sender.Account, "again", Ct)).Error?.Code);

        var resumed = await service.ResumeAsync(app.Admin, sender.Account, "List cleaned; bounce handling fixed.", Ct);

        Assert.True(resumed.IsSuccess, resumed.Error?.Message);
        Assert.True((await sender.SendAsync(DateTimeOffset.UtcNow, Ct, "reader@customer.example")).IsAccepted);
        Assert.Null(await service.EvaluateAsync(sender.Account, Ct)); // the figures that paused it are before ReputationSince
        await using (var db = app.Db())
        {
            var account = await db.Accounts.SingleAsync(a => a.Id == sender.Account, Ct);
            Assert.Equal(EnforcementStatus.Healthy, account.EnforcementStatus);
            Assert.NotNull(account.ReputationSince);
        }

        var paused = await service.PauseAsync(app.Admin, sender.Account, "Phishing report from a receiver.", Ct);
        Assert.True(paused.IsSuccess);
        Assert.Equal(SendErrorKind.AccountSendingPaused, (await sender.SendAsync(DateTimeOffset.UtcNow, Ct, "reader@customer.example")).Rejection?.Error.Kind);
        Assert.Equal("enforcement.already_paused", (await service.PauseAsync(app.Admin, sender.Account, "x", Ct)).Error?.Code);

        var history = (await service.HistoryAsync(app.Admin, sender.Account, Ct)).Value!;
        Assert.Equal(3, history.Count);
        Assert.Equal(("Admin", "admin@example.com", "Phishing report from a receiver.", EnforcementStatus.Paused), (history[0].Cause, history[0].ChangedBy, history[0].Reason, history[0].To));
        Assert.Equal(("Admin", "List cleaned; bounce handling fixed.", EnforcementStatus.Healthy), (history[1].Cause, history[1].Reason, history[1].To));
        Assert.Equal(("Automatic", (string?)null), (history[2].Cause, history[2].ChangedBy));
    }

    [Fact]
    public async Task History_is_the_members_own_and_any_account_for_admins()
    {
        var service = app.Get<EnforcementService>();

        Assert.True((await service.HistoryAsync(app.OwnerB, "222222222222", Ct)).IsSuccess);
        Assert.True((await service.HistoryAsync(app.IamUserB, "222222222222", Ct)).IsSuccess);
        Assert.True((await service.HistoryAsync(app.Admin, "222222222222", Ct)).IsSuccess);
        Assert.Equal("auth.forbidden", (await service.HistoryAsync(app.OwnerA, "222222222222", Ct)).Error?.Code);
        Assert.Equal("auth.forbidden", (await service.PauseAsync(app.OwnerB, "222222222222", "self", Ct)).Error?.Code);
    }

    private async Task AddBucketAsync(string account, long sent, long delivered, long hardBounces, long complaints = 0, long? complaintEligible = null,
        bool test = false, DateTimeOffset? at = null)
    {
        await using var db = app.Db();
        await ReputationRollup.ApplyAsync(db, [new ReputationDelta(account, account, $"arn:aws:ses:us-east-1:{account}:identity/q{account}.example",
            ReputationDelta.HourOf(at ?? DateTimeOffset.UtcNow), test)
        {
            Sent = sent, Delivered = delivered, HardBounces = hardBounces, Complaints = complaints, ComplaintEligible = complaintEligible ?? delivered,
        }], ct: Ct);
    }
}
