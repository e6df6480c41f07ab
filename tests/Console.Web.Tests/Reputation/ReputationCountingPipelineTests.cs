using Microsoft.EntityFrameworkCore;
using SesConsole.Data.Entities;
using SesConsole.Web.Features.Accounts;
using SesConsole.Web.Tests.Sending;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Reputation;

/// <summary>
/// The reputation buckets as the real send path and delivery worker fill them (docs/reputation.md#rollups): mailbox
/// simulator outcomes in test buckets that never count, suppressed recipients as Suppressed, deliveries as sent and
/// delivered (complaint-eligible unless the receiver sends no feedback).
/// </summary>
public sealed class ReputationCountingPipelineTests(AppFixture app) : IClassFixture<AppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Mailbox_simulator_outcomes_go_to_test_buckets_and_never_count_toward_reputation()
    {
        var sender = await OwnSender.CreateAsync(app, max24: 1000, rate: 100, Ct);

        var sent = await sender.SendAsync(DateTimeOffset.UtcNow, Ct, "success@simulator.amazonses.com", "Bounce+x@Simulator.AmazonSES.com",
            "complaint@simulator.amazonses.com", "ooto@simulator.amazonses.com", "suppressionlist@simulator.amazonses.com");

        Assert.True(sent.IsAccepted);
        await using var db = app.Db();
        var buckets = await db.ReputationBuckets.AsNoTracking().Where(b => b.AccountId == sender.Account).ToListAsync(Ct);
        var test = Assert.Single(buckets);
        Assert.True(test.Test);
        Assert.Equal((5L, 3L, 2L, 1L, 0L), (test.Sent, test.Delivered, test.HardBounces, test.Complaints, test.Suppressed));
        Assert.Equal($"arn:aws:ses:us-east-1:{sender.Account}:identity/{sender.Domain}", test.SourceArn);
        var row = (await app.Get<AccountsService>().ListAsync(app.Admin, Ct)).Value!.Single(r => r.Id == sender.Account);
        Assert.Equal((0L, 0.0, 0.0), (row.Reputation.Figures.Sent, row.Reputation.BounceRate, row.Reputation.ComplaintRate));
    }

    [Fact]
    public async Task A_recipient_on_the_senders_suppression_list_is_counted_as_suppressed_not_sent()
    {
        var sender = await OwnSender.CreateAsync(app, max24: 1000, rate: 100, Ct);
        await using (var db = app.Db())
        {
            db.SuppressedDestinations.Add(new SuppressedDestinationEntity { AccountId = sender.Account, Address = "gone@customer.example", Reason = "BOUNCE", At = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync(Ct);
        }

        var sent = await sender.SendAsync(DateTimeOffset.UtcNow, Ct, "gone@customer.example");

        Assert.True(sent.IsAccepted);
        await using var check = app.Db();
        var bucket = Assert.Single(await check.ReputationBuckets.AsNoTracking().Where(b => b.AccountId == sender.Account).ToListAsync(Ct));
        Assert.False(bucket.Test);
        Assert.Equal((0L, 0L, 1L), (bucket.Sent, bucket.HardBounces, bucket.Suppressed));
    }

    [Fact]
    public async Task Deliveries_count_as_sent_and_delivered_and_complaint_eligible_unless_the_receiver_sends_no_feedback()
    {
        var sender = await OwnSender.CreateAsync(app, max24: 1000, rate: 100, Ct);

        var sent = await sender.SendAsync(DateTimeOffset.UtcNow, Ct, "reader@customer.example", "someone@gmail.com");
        await app.Factory.Services.DeliveredAsync(sent.MessageId!, Ct);

        // The sink's row and the bucket's counts commit together.
        await using var db = app.Db();
        var bucket = Assert.Single(await db.ReputationBuckets.AsNoTracking().Where(b => b.AccountId == sender.Account).ToListAsync(Ct));
        Assert.False(bucket.Test);
        Assert.Equal((2L, 2L, 1L, 0L), (bucket.Sent, bucket.Delivered, bucket.ComplaintEligible, bucket.HardBounces));
    }
}
