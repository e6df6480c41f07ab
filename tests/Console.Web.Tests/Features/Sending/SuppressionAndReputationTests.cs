using SesConsole.Data.Entities;
using SesConsole.Web.Features.Accounts;
using SesConsole.Web.Features.Sending;
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
    public async Task Admin_list_shows_bounce_and_complaint_rates_charged_to_the_sending_account()
    {
        await using (var db = app.Db())
        {
            var now = DateTimeOffset.UtcNow;
            for (var i = 0; i < 18; i++)
            {
                db.SendEvents.Add(Event("Delivery", now));
            }

            db.SendEvents.Add(Event("Bounce", now));
            db.SendEvents.Add(Event("Bounce", now));
            db.SendEvents.Add(Event("Complaint", now));
            db.SendEvents.Add(Event("Bounce", now.AddDays(-20)));
            db.SendEvents.Add(new SendEventEntity
            {
                Id = Guid.NewGuid(), MessageId = "simulated", AccountId = "222222222222", SourceArn = "arn:aws:ses:us-east-1:111111111111:identity/example.com",
                Type = "Bounce", Json = "{}", At = now, CountsTowardReputation = false,
            });
            await db.SaveChangesAsync(Ct);
        }

        var rows = (await app.Get<AccountsService>().ListAsync(app.Admin, Ct)).Value!;

        var delegateRow = rows.Single(r => r.Id == "222222222222");
        Assert.Equal(0.10, delegateRow.Reputation.BounceRate, 3);
        Assert.Equal(1.0 / 18, delegateRow.Reputation.ComplaintRate, 3);
        Assert.Equal("At risk", delegateRow.Reputation.Status);
        Assert.Equal("Healthy", rows.Single(r => r.Id == "111111111111").Reputation.Status);
    }

    private static SendEventEntity Event(string type, DateTimeOffset at) => new()
    {
        Id = Guid.NewGuid(), MessageId = Guid.NewGuid().ToString("N"), AccountId = "222222222222", OwnerAccountId = "111111111111",
        SourceArn = "arn:aws:ses:us-east-1:111111111111:identity/example.com", Type = type, Json = "{}", At = at, CountsTowardReputation = type != "Delivery",
    };
}
