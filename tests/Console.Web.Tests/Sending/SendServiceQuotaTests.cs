using Microsoft.EntityFrameworkCore;
using SesConsole.Domain.Sending;
using SesConsole.Web.Sending;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Sending;

/// <summary>
/// Step 6 through the whole send path (<see cref="SendService"/>, the app's services, a real SQLite file): each test uses
/// an <see cref="OwnSender"/>, so quotas and rates are not shared with other tests.
/// </summary>
public sealed class SendServiceQuotaTests(AppFixture app) : IClassFixture<AppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SendAsync_1000_parallel_sends_against_a_quota_of_100_accept_exactly_100()
    {
        var sender = await OwnSender.CreateAsync(app, max24: 100, rate: 1_000_000, Ct);
        var account = sender.Account;
        var now = DateTimeOffset.UtcNow;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i =>
            Task.Run(() => sender.SendAsync(now.AddTicks(i), Ct, $"reader{i}@customer.example"), Ct)));

        var accepted = outcomes.Where(o => o.IsAccepted).ToList();
        var rejected = outcomes.Where(o => !o.IsAccepted).ToList();
        Assert.Equal(100, accepted.Count);
        Assert.Equal(100, accepted.Select(o => o.MessageId).Distinct().Count());
        Assert.Equal(900, rejected.Count);
        Assert.All(rejected, o =>
        {
            Assert.Equal(SendErrorKind.DailyQuotaExceeded, o.Rejection!.Error.Kind);
            Assert.Equal("Throttling", o.Rejection.V1.Code);
            Assert.Equal("Daily message quota exceeded.", o.Rejection.Error.Message);
        });

        await using var db = app.Db();
        var usage = await db.UsageLedger.Where(u => u.AccountId == account).ToListAsync(Ct);
        Assert.Equal(100, usage.Count);
        Assert.Equal(100, usage.Sum(u => u.Recipients));
        var ids = accepted.Select(o => o.MessageId!).ToHashSet(StringComparer.Ordinal);
        Assert.True(usage.All(u => ids.Contains(u.MessageId)));
        var outbox = await db.OutboxMessages.Where(m => m.AccountId == account).Select(m => m.MessageId).ToListAsync(Ct);
        Assert.Equal(100, outbox.Count);
        Assert.True(ids.SetEquals(outbox));
        Assert.Equal(100, await db.SendAttempts.CountAsync(a => a.AccountId == account && a.Accepted, Ct));
        Assert.Equal(900, await db.SendAttempts.CountAsync(a => a.AccountId == account && !a.Accepted && a.ErrorCode == "Throttling", Ct));
    }

    [Fact]
    public async Task SendAsync_throttles_on_recipients_per_second_with_simulator_recipients_counted()
    {
        var sender = await OwnSender.CreateAsync(app, max24: 1000, rate: 3, Ct);
        var account = sender.Account;
        var t0 = DateTimeOffset.UtcNow;

        // One real and two simulator recipients: 3 tokens (the whole second's burst), 1 recipient of the daily quota.
        var first = await sender.SendAsync(t0, Ct, "reader@customer.example", "success@simulator.amazonses.com", "success+2@simulator.amazonses.com");
        var second = await sender.SendAsync(t0.AddMilliseconds(100), Ct, "success@simulator.amazonses.com");
        var later = await sender.SendAsync(t0.AddMilliseconds(700), Ct, "reader@customer.example", "success@simulator.amazonses.com");

        Assert.True(first.IsAccepted, first.Rejection?.Error.Message);
        Assert.False(second.IsAccepted);
        Assert.Equal(SendErrorKind.MaxSendRateExceeded, second.Rejection!.Error.Kind);
        Assert.Equal("Throttling", second.Rejection.V1.Code);
        Assert.Equal("Maximum sending rate exceeded.", second.Rejection.Error.Message);
        Assert.True(later.IsAccepted, later.Rejection?.Error.Message); // 0.7 s refilled 2.1 tokens
        await using var db = app.Db();
        Assert.Equal([1, 1], await db.UsageLedger.Where(u => u.AccountId == account).OrderBy(u => u.Id).Select(u => u.Recipients).ToListAsync(Ct));
        Assert.True(await db.SendAttempts.AnyAsync(a => a.AccountId == account && !a.Accepted && a.ErrorCode == "Throttling" && a.Step == "account", Ct));
    }
}
