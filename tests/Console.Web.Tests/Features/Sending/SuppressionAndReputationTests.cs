using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Web.Features.Accounts;
using SesConsole.Web.Features.Sending;
using SesConsole.Web.Tests.Sending;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Sending;

public sealed class SuppressionAndReputationTests(AppFixture app) : IClassFixture<AppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Suppression_list_is_per_account_case_insensitive_and_root_managed()
    {
        var service = app.Get<SuppressionService>();

        var added = await service.PutAsync(app.OwnerB, "Bounced@Example.NET", "BOUNCE", Ct);
        var byIamUser = await service.PutAsync(app.IamUserB, "x@example.net", "BOUNCE", Ct);
        var bad = await service.PutAsync(app.OwnerB, "not an address", "BOUNCE", Ct);
        var badReason = await service.PutAsync(app.OwnerB, "y@example.net", "SPAM", Ct);

        Assert.True(added.IsSuccess);
        Assert.Equal("auth.root_only", byIamUser.Error?.Code);
        Assert.Equal("suppression.invalid_address", bad.Error?.Code);
        Assert.Equal("suppression.invalid_reason", badReason.Error?.Code);
        Assert.Equal("BOUNCE", await service.ReasonAsync("222222222222", "bounced@example.net", Ct));
        Assert.Null(await service.ReasonAsync("111111111111", "bounced@example.net", Ct));
        Assert.DoesNotContain((await service.ListAsync(app.OwnerA, Ct)).Value!, r => r.Address == "bounced@example.net");
        Assert.Equal("suppression.not_found", (await service.DeleteAsync(app.OwnerA, "bounced@example.net", Ct)).Error?.Code);
        Assert.True((await service.DeleteAsync(app.OwnerB, "BOUNCED@example.net", Ct)).IsSuccess);
        Assert.Null(await service.ReasonAsync("222222222222", "bounced@example.net", Ct));
    }

    [Fact]
    public async Task Admin_list_shows_the_rates_of_real_traffic_in_the_window_and_the_enforcement_state()
    {
        var sender = await OwnSender.CreateAsync(app, max24: 1000, rate: 100, Ct);
        var now = DateTimeOffset.UtcNow;
        await using (var db = app.Db())
        {
            await ReputationRollup.ApplyAsync(db,
            [
                Bucket(sender.Account, now, test: false) with { Sent = 20, Delivered = 18, HardBounces = 2, Complaints = 1, ComplaintEligible = 18 },
                Bucket(sender.Account, now, test: true) with { Sent = 100, HardBounces = 100 }, // mailbox simulator: never counted
                Bucket(sender.Account, now.AddDays(-20), test: false) with { Sent = 5, HardBounces = 5 }, // outside the window
            ], ct: Ct);
        }

        var row = (await app.Get<AccountsService>().ListAsync(app.Admin, Ct)).Value!.Single(r => r.Id == sender.Account);

        Assert.Equal(0.10, row.Reputation.BounceRate, 3);
        Assert.Equal(1.0 / 18, row.Reputation.ComplaintRate, 3);
        Assert.Equal("Healthy", row.Reputation.Status); // the rates are shown; the state is what enforcement decided
        Assert.False(row.Reputation.Figures.Representative);

        await using (var db = app.Db())
        {
            await db.Accounts.Where(a => a.Id == sender.Account).ExecuteUpdateAsync(u => u.SetProperty(a => a.EnforcementStatus, EnforcementStatus.Paused), Ct);
        }

        Assert.Equal("Sending paused", (await app.Get<AccountsService>().ListAsync(app.Admin, Ct)).Value!.Single(r => r.Id == sender.Account).Reputation.Status);
    }

    private static ReputationDelta Bucket(string account, DateTimeOffset at, bool test) =>
        new(account, account, $"arn:aws:ses:us-east-1:{account}:identity/q{account}.example", ReputationDelta.HourOf(at), test);
}
