using Microsoft.EntityFrameworkCore;
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

    [Fact]
    public async Task Mailbox_simulator_deliveries_do_not_count_toward_reputation()
    {
        var sender = await OwnSender.CreateAsync(app, max24: 1000, rate: 100, Ct);
        var now = DateTimeOffset.UtcNow;
        await using (var db = app.Db())
        {
            // Real traffic: 9 deliveries (one with two recipients), one hard bounce, one complaint.
            for (var i = 0; i < 8; i++)
            {
                db.SendEvents.Add(Event(sender.Account, "Delivery", now, $"r{i}@customer.example"));
            }

            db.SendEvents.Add(Event(sender.Account, "Delivery", now, recipient: null, json: """{"delivery":{"recipients":["a@customer.example","b@customer.example"]}}"""));
            db.SendEvents.Add(Event(sender.Account, "Bounce", now, "gone@customer.example"));
            db.SendEvents.Add(Event(sender.Account, "Complaint", now, "angry@customer.example"));
            await db.SaveChangesAsync(Ct);
        }

        // Simulator traffic through the real send path: a Delivery for three recipients (no single Recipient), a simulated
        // bounce and complaint, and a Delivery for one (mixed-case, +label) simulator address.
        var many = await sender.SendAsync(now, Ct, "success@simulator.amazonses.com", "ooto+x@simulator.amazonses.com", "complaint@simulator.amazonses.com", "bounce@simulator.amazonses.com");
        var one = await sender.SendAsync(now, Ct, "Success+label@Simulator.AmazonSES.com");
        Assert.True(many.IsAccepted && one.IsAccepted);
        await using (var db = app.Db())
        {
            Assert.Equal(2, await db.SendEvents.CountAsync(e => e.AccountId == sender.Account && e.Type == "Delivery" && (e.MessageId == many.MessageId || e.MessageId == one.MessageId), Ct));
        }

        var row = (await app.Get<AccountsService>().ListAsync(app.Admin, Ct)).Value!.Single(r => r.Id == sender.Account);

        Assert.Equal(new SesConsole.Web.Features.Accounts.Reputation(Deliveries: 9, Bounces: 1, Complaints: 1), row.Reputation);
        Assert.Equal(0.10, row.Reputation.BounceRate, 3);
        Assert.Equal(1.0 / 9, row.Reputation.ComplaintRate, 3);
    }

    private static SendEventEntity Event(string account, string type, DateTimeOffset at, string? recipient, string json = "{}") => new()
    {
        Id = Guid.NewGuid(), MessageId = Guid.NewGuid().ToString("N"), AccountId = account, OwnerAccountId = account,
        SourceArn = $"arn:aws:ses:us-east-1:{account}:identity/example.com", Type = type, Recipient = recipient, Json = json, At = at,
        CountsTowardReputation = type != "Delivery",
    };

    private static SendEventEntity Event(string type, DateTimeOffset at) => new()
    {
        Id = Guid.NewGuid(), MessageId = Guid.NewGuid().ToString("N"), AccountId = "222222222222", OwnerAccountId = "111111111111",
        SourceArn = "arn:aws:ses:us-east-1:111111111111:identity/example.com", Type = type, Json = "{}", At = at, CountsTowardReputation = type != "Delivery",
    };
}
