using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Web.Sending.Stores;
using SesConsole.Web.Sending;
using SesConsole.Web.Tests.Shared;
using DomainQuotaVerdict = SesConsole.Domain.Sending.QuotaVerdict;
using QuotaCharge = SesConsole.Domain.Sending.QuotaCharge;

namespace SesConsole.Web.Tests.Sending;

public sealed class QuotaLedgerTests(AppFixture app) : IClassFixture<AppFixture>
{
    private const string Region = "us-east-1";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A charge of ordinary recipients: as many to the daily quota as to the rate.</summary>
    private static QuotaCharge To(int recipients) => new(recipients, recipients);

    private async Task<string> NewAccountAsync(int max24, double rate, bool enabled = true)
    {
        var id = SesConsole.Domain.Principals.AccountId.NewRandom().Value;
        await using var db = app.Db();
        db.Accounts.Add(new AccountEntity
        {
            Id = id, DisplayName = "Quota " + id, HomeRegions = "us-east-1", Sandbox = false, SendingEnabled = enabled,
            Max24HourSend = max24, MaxSendRate = rate, CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync(Ct);
        return id;
    }

    [Fact]
    public async Task TryReserveAsync_1000_parallel_sends_against_a_quota_of_100_accept_exactly_100()
    {
        var account = await NewAccountAsync(max24: 100, rate: 100_000);
        var ledger = app.Factory.Services.GetRequiredService<QuotaLedger>();
        var now = DateTimeOffset.UtcNow;

        var results = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i =>
            Task.Run(() => ledger.TryReserveAsync(account, Region, To(1), now.AddTicks(i), Ct), Ct)));

        Assert.Equal(100, results.Count(r => r.IsReserved));
        Assert.Equal(900, results.Count(r => r.Verdict == QuotaVerdict.DailyQuotaExceeded));
        Assert.Equal(100, results.Select(r => r.ReservationId).OfType<string>().Distinct().Count());

        // The accepted messages' ledger rows are what a restart counts from.
        await using (var db = app.Db())
        {
            db.UsageLedger.AddRange(results.Where(r => r.IsReserved).Select((r, i) => ledger.Confirm(r.ReservationId!, account, $"m-{i}")!));
            await db.SaveChangesAsync(Ct);
            Assert.Equal(100, await db.UsageLedger.Where(u => u.AccountId == account).SumAsync(u => u.Recipients, Ct));
        }

        var restarted = new QuotaLedger(app.Factory.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>(), app.Factory.Services.GetRequiredService<SendingReadCache>());
        Assert.Equal(QuotaVerdict.DailyQuotaExceeded, (await restarted.TryReserveAsync(account, Region, To(1), now.AddMinutes(1), Ct)).Verdict);
        Assert.Equal(100, (await restarted.UsageAsync(account, Region, now.AddMinutes(1), Ct)).SentLast24Hours);
    }

    [Fact]
    public async Task Quotas_are_kept_per_account_and_region()
    {
        var account = await NewAccountAsync(max24: 3, rate: 100);
        var ledger = app.Factory.Services.GetRequiredService<QuotaLedger>();
        var now = new DateTimeOffset(2026, 11, 4, 12, 0, 0, TimeSpan.Zero);

        Assert.True((await ledger.TryReserveAsync(account, Region, To(3), now, Ct)).IsReserved);
        Assert.Equal(QuotaVerdict.DailyQuotaExceeded, (await ledger.TryReserveAsync(account, Region, To(1), now, Ct)).Verdict);

        var elsewhere = await ledger.TryReserveAsync(account, "eu-west-1", To(3), now, Ct);
        Assert.True(elsewhere.IsReserved);
        Assert.Equal(3, elsewhere.SentLast24Hours);
        Assert.Equal(3, (await ledger.UsageAsync(account, Region, now, Ct)).SentLast24Hours);
    }

    /// <summary>Two ledgers in cluster mode on one database file stand in for two nodes (docs/deployment.md#quotas).</summary>
    private (QuotaLedger A, QuotaLedger B) TwoNodes() =>
        (NewClusterLedger("node-a"), NewClusterLedger("node-b"));

    private QuotaLedger NewClusterLedger(string node) =>
        new(app.Factory.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>(), app.Factory.Services.GetRequiredService<SendingReadCache>(),
            new SesConsole.Web.Hosting.ClusterMode(true, node, new SesConsole.Web.Hosting.ClusterOptions()));

    [Fact]
    public async Task Cluster_mode_1000_parallel_sends_split_over_two_nodes_against_a_quota_of_100_accept_exactly_100()
    {
        var account = await NewAccountAsync(max24: 100, rate: 100_000);
        var (a, b) = TwoNodes();
        await using var _a = a;
        await using var _b = b;
        var now = DateTimeOffset.UtcNow;

        var results = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i =>
            Task.Run(() => (i % 2 == 0 ? a : b).TryReserveAsync(account, Region, To(1), now.AddTicks(i), Ct), Ct)));

        Assert.Equal(100, results.Count(r => r.IsReserved));
        Assert.Equal(900, results.Count(r => r.Verdict == QuotaVerdict.DailyQuotaExceeded));
        await using var db = app.Db();
        Assert.Equal(100, await db.UsageLedger.Where(u => u.AccountId == account && u.Region == Region).SumAsync(u => u.Recipients, Ct)); // charged as reserved
        Assert.Null(a.Confirm(results.First(r => r.IsReserved).ReservationId!, account, "m-1")); // the reservation already is the row
    }

    [Fact]
    public async Task Cluster_mode_a_release_on_one_node_frees_the_quota_for_the_other()
    {
        var account = await NewAccountAsync(max24: 2, rate: 100);
        var (a, b) = TwoNodes();
        await using var _a = a;
        await using var _b = b;
        var now = new DateTimeOffset(2026, 11, 5, 12, 0, 0, TimeSpan.Zero);

        var first = await a.TryReserveAsync(account, Region, To(1), now, Ct);
        Assert.True((await b.TryReserveAsync(account, Region, To(1), now.AddSeconds(1), Ct)).IsReserved);
        Assert.Equal(QuotaVerdict.DailyQuotaExceeded, (await b.TryReserveAsync(account, Region, To(1), now.AddSeconds(2), Ct)).Verdict);

        a.Release(first.ReservationId!);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        QuotaReservation again;
        do
        {
            again = await b.TryReserveAsync(account, Region, To(1), now.AddSeconds(3), Ct); // the release is written by a's arbiter
        }
        while (!again.IsReserved && DateTime.UtcNow < deadline && await Task.Delay(20, Ct).ContinueWith(_ => true, Ct));

        Assert.True(again.IsReserved);
        Assert.Equal(2, (await a.UsageAsync(account, Region, now.AddSeconds(4), Ct)).SentLast24Hours);
        Assert.Equal(QuotaVerdict.DailyQuotaExceeded, (await a.TryReserveAsync(account, Region, To(1), now.AddSeconds(5), Ct)).Verdict);
    }

    [Fact]
    public async Task Cluster_mode_the_rate_bucket_is_shared_by_the_nodes()
    {
        var account = await NewAccountAsync(max24: 1000, rate: 4);
        var (a, b) = TwoNodes();
        await using var _a = a;
        await using var _b = b;
        var now = new DateTimeOffset(2026, 11, 5, 13, 0, 0, TimeSpan.Zero);

        Assert.True((await a.TryReserveAsync(account, Region, To(3), now, Ct)).IsReserved);
        Assert.Equal(QuotaVerdict.RateExceeded, (await b.TryReserveAsync(account, Region, To(2), now, Ct)).Verdict);
        Assert.True((await b.TryReserveAsync(account, Region, To(1), now, Ct)).IsReserved);
        Assert.Equal(QuotaVerdict.RateExceeded, (await a.TryReserveAsync(account, Region, To(1), now, Ct)).Verdict);
        Assert.True((await a.TryReserveAsync(account, Region, To(2), now.AddMilliseconds(500), Ct)).IsReserved); // 4 tokens a second
    }

    [Fact]
    public async Task A_message_that_fails_after_its_reservation_but_before_its_commit_gives_the_quota_back()
    {
        // Quota 1: the first message reserves it, then its writer fails before the commit (here: the caller has gone).
        var sender = await OwnSender.CreateAsync(app, max24: 1, rate: 100, Ct);
        var caller = new SesConsole.Domain.Sending.SendCaller(SesConsole.Domain.Authorization.RequestPrincipal.ForAccount(
            SesConsole.Domain.Principals.AccountId.Parse(sender.Account).Value), SourceIp: "127.0.0.1");
        var request = new SesConsole.Domain.Sending.SendRequest(caller, SesConsole.Domain.Sending.SendApi.V2Simple, Region, DateTimeOffset.UtcNow,
            new SesConsole.Domain.Sending.SimpleContent(["reader@customer.example"], Subject: "Hello", TextBody: "Body")) { Source = $"news@{sender.Domain}" };
        var outcome = await app.Get<SesConsole.Domain.Sending.SendPipeline>().RunAsync(request, Ct);
        Assert.True(outcome.IsAccepted, outcome.Rejection?.Error.Message);
        Assert.NotNull(outcome.Quota?.ReservationId);

        using var gone = new CancellationTokenSource();
        await gone.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => app.Get<AcceptedMessageWriter>().WriteAsync(request, "Test", outcome, gone.Token));

        var second = await sender.SendAsync(DateTimeOffset.UtcNow, Ct, "again@customer.example");
        Assert.True(second.IsAccepted, second.Rejection?.Error.Message);
        await using var db = app.Db();
        Assert.Equal(1, await db.UsageLedger.Where(u => u.AccountId == sender.Account).SumAsync(u => u.Recipients, Ct));
    }

    [Fact]
    public async Task A_bulk_call_that_fails_before_its_commit_gives_every_reservation_back_and_stores_nothing()
    {
        // Quota 2: both entries of one bulk call reserve it; the call fails before its one commit (docs/templates.md#bulk-sending).
        var sender = await OwnSender.CreateAsync(app, max24: 2, rate: 100, Ct);
        var caller = new SesConsole.Domain.Sending.SendCaller(SesConsole.Domain.Authorization.RequestPrincipal.ForAccount(
            SesConsole.Domain.Principals.AccountId.Parse(sender.Account).Value), SourceIp: "127.0.0.1");
        var sends = new List<(SesConsole.Domain.Sending.SendRequest, SesConsole.Domain.Sending.SendOutcome)>();
        foreach (var to in new[] { "one@customer.example", "two@customer.example" })
        {
            var request = new SesConsole.Domain.Sending.SendRequest(caller, SesConsole.Domain.Sending.SendApi.V2Simple, Region, DateTimeOffset.UtcNow,
                new SesConsole.Domain.Sending.SimpleContent([to], Subject: "Hello", TextBody: "Body")) { Source = $"news@{sender.Domain}" };
            var outcome = await app.Get<SesConsole.Domain.Sending.SendPipeline>().RunAsync(request, Ct);
            Assert.True(outcome.IsAccepted, outcome.Rejection?.Error.Message);
            sends.Add((request, outcome));
        }

        using var gone = new CancellationTokenSource();
        await gone.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => app.Get<AcceptedMessageWriter>().WriteManyAsync(sends, "Bulk test", gone.Token));

        var messageIds = sends.Select(s => s.Item2.MessageId!).ToList();
        await using (var db = app.Db())
        {
            Assert.False(await db.OutboxMessages.AnyAsync(m => messageIds.Contains(m.MessageId), Ct));
            Assert.False(await db.SendAttempts.AnyAsync(a => a.MessageId != null && messageIds.Contains(a.MessageId), Ct));
        }

        // Both recipients' quota is free again: two more sends fit in the quota of 2.
        foreach (var to in new[] { "three@customer.example", "four@customer.example" })
        {
            var again = await sender.SendAsync(DateTimeOffset.UtcNow, Ct, to);
            Assert.True(again.IsAccepted, again.Rejection?.Error.Message);
        }
    }

    [Fact]
    public async Task Release_gives_the_recipients_back_and_a_settled_charge_stays()
    {
        var account = await NewAccountAsync(max24: 5, rate: 100);
        var ledger = app.Factory.Services.GetRequiredService<QuotaLedger>();
        var t0 = new DateTimeOffset(2026, 11, 3, 12, 0, 0, TimeSpan.Zero);

        var kept = await ledger.TryReserveAsync(account, Region, To(3), t0, Ct);
        var released = await ledger.TryReserveAsync(account, Region, To(2), t0, Ct);
        ledger.Settle(kept.ReservationId!);
        ledger.Release(released.ReservationId!);
        ledger.Release(kept.ReservationId!); // settled: no effect

        Assert.Equal(3, (await ledger.UsageAsync(account, Region, t0, Ct)).SentLast24Hours);
        Assert.True((await ledger.TryReserveAsync(account, Region, To(2), t0.AddSeconds(1), Ct)).IsReserved);
        Assert.Equal(QuotaVerdict.DailyQuotaExceeded, (await ledger.TryReserveAsync(account, Region, To(1), t0.AddSeconds(2), Ct)).Verdict);
    }

    [Fact]
    public async Task TryReserveAsync_counts_recipients_over_a_rolling_24_hours()
    {
        var account = await NewAccountAsync(max24: 10, rate: 100);
        var ledger = app.Factory.Services.GetRequiredService<QuotaLedger>();
        var t0 = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

        var first = await ledger.TryReserveAsync(account, Region, To(7), t0, Ct);
        var tooMany = await ledger.TryReserveAsync(account, Region, To(4), t0.AddHours(1), Ct);
        var fits = await ledger.TryReserveAsync(account, Region, To(3), t0.AddHours(2), Ct);
        var full = await ledger.TryReserveAsync(account, Region, To(1), t0.AddHours(23), Ct);
        var afterWindow = await ledger.TryReserveAsync(account, Region, To(7), t0.AddHours(24).AddSeconds(1), Ct);

        Assert.Equal(QuotaVerdict.Reserved, first.Verdict);
        Assert.Equal(QuotaVerdict.DailyQuotaExceeded, tooMany.Verdict);
        Assert.Equal(7, tooMany.SentLast24Hours);
        Assert.Equal(QuotaVerdict.Reserved, fits.Verdict);
        Assert.Equal(QuotaVerdict.DailyQuotaExceeded, full.Verdict);
        Assert.Equal(QuotaVerdict.Reserved, afterWindow.Verdict);
    }

    [Fact]
    public async Task TryReserveAsync_refuses_paused_accounts()
    {
        var paused = await NewAccountAsync(max24: 1000, rate: 2, enabled: false);
        var ledger = app.Factory.Services.GetRequiredService<QuotaLedger>();

        var refused = await ledger.TryReserveAsync(paused, Region, To(1), new DateTimeOffset(2026, 11, 2, 12, 0, 0, TimeSpan.Zero), Ct);

        Assert.Equal(QuotaVerdict.SendingPaused, refused.Verdict);
    }

    [Fact]
    public async Task Rate_is_a_token_bucket_of_one_seconds_recipients_that_refills_on_the_clock()
    {
        var account = await NewAccountAsync(max24: 1000, rate: 5);
        var ledger = app.Factory.Services.GetRequiredService<QuotaLedger>();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 2, 12, 0, 0, TimeSpan.Zero));

        // A burst of 5 recipients in one instant passes, whichever way the messages split them; the 6th is refused.
        Assert.True((await ledger.TryReserveAsync(account, Region, To(2), time.GetUtcNow(), Ct)).IsReserved);
        Assert.True((await ledger.TryReserveAsync(account, Region, To(3), time.GetUtcNow(), Ct)).IsReserved);
        var sixth = await ledger.TryReserveAsync(account, Region, To(1), time.GetUtcNow(), Ct);
        Assert.Equal(QuotaVerdict.RateExceeded, sixth.Verdict);
        Assert.Null(sixth.ReservationId);
        Assert.Equal(5, sixth.SentLast24Hours); // a refused message charges nothing

        // 5 tokens a second: 400 ms bring back 2 recipients, not 3.
        time.Advance(TimeSpan.FromMilliseconds(400));
        Assert.Equal(QuotaVerdict.RateExceeded, (await ledger.TryReserveAsync(account, Region, To(3), time.GetUtcNow(), Ct)).Verdict);
        Assert.True((await ledger.TryReserveAsync(account, Region, To(2), time.GetUtcNow(), Ct)).IsReserved);
        Assert.Equal(QuotaVerdict.RateExceeded, (await ledger.TryReserveAsync(account, Region, To(1), time.GetUtcNow(), Ct)).Verdict);

        // A long pause fills the bucket to one second's worth, no more.
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.True((await ledger.TryReserveAsync(account, Region, To(5), time.GetUtcNow(), Ct)).IsReserved);
        Assert.Equal(QuotaVerdict.RateExceeded, (await ledger.TryReserveAsync(account, Region, To(1), time.GetUtcNow(), Ct)).Verdict);
    }

    [Fact]
    public async Task Rate_counts_each_recipient_of_a_message()
    {
        var account = await NewAccountAsync(max24: 1000, rate: 10);
        var ledger = app.Factory.Services.GetRequiredService<QuotaLedger>();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 2, 13, 0, 0, TimeSpan.Zero));

        var first = await ledger.TryReserveAsync(account, Region, To(4), time.GetUtcNow(), Ct);
        var second = await ledger.TryReserveAsync(account, Region, To(4), time.GetUtcNow(), Ct);
        var third = await ledger.TryReserveAsync(account, Region, To(3), time.GetUtcNow(), Ct); // 2 tokens left
        var fourth = await ledger.TryReserveAsync(account, Region, To(2), time.GetUtcNow(), Ct);

        Assert.True(first.IsReserved && second.IsReserved);
        Assert.Equal(QuotaVerdict.RateExceeded, third.Verdict);
        Assert.True(fourth.IsReserved);
        Assert.Equal(10, fourth.SentLast24Hours);
    }

    [Fact]
    public async Task Simulator_recipients_take_rate_tokens_but_no_daily_quota()
    {
        var account = await NewAccountAsync(max24: 1000, rate: 3);
        var ledger = app.Factory.Services.GetRequiredService<QuotaLedger>();
        var port = new LedgerSendingQuota(ledger);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 2, 14, 0, 0, TimeSpan.Zero));

        // Through the pipeline's port: a message to 3 simulator addresses charges 0 to the quota and 3 to the rate.
        var simulated = await port.TryReserveAsync(account, "us-east-1", new QuotaCharge(DailyRecipients: 0, RateRecipients: 3), time.GetUtcNow(), Ct);
        var next = await port.TryReserveAsync(account, "us-east-1", To(1), time.GetUtcNow(), Ct);

        Assert.Equal(DomainQuotaVerdict.Reserved, simulated.Verdict);
        Assert.Equal(0, simulated.SentLast24Hours);
        Assert.Equal(DomainQuotaVerdict.MaxSendRateExceeded, next.Verdict);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(DomainQuotaVerdict.Reserved, (await port.TryReserveAsync(account, "us-east-1", To(1), time.GetUtcNow(), Ct)).Verdict);
        Assert.Equal(1, (await ledger.UsageAsync(account, Region, time.GetUtcNow(), Ct)).SentLast24Hours);
    }

    [Fact]
    public async Task Release_refunds_the_rate_tokens()
    {
        var account = await NewAccountAsync(max24: 1000, rate: 4);
        var ledger = app.Factory.Services.GetRequiredService<QuotaLedger>();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 2, 15, 0, 0, TimeSpan.Zero));

        var rejectedLater = await ledger.TryReserveAsync(account, Region, To(3), time.GetUtcNow(), Ct);
        Assert.Equal(QuotaVerdict.RateExceeded, (await ledger.TryReserveAsync(account, Region, To(2), time.GetUtcNow(), Ct)).Verdict);
        ledger.Release(rejectedLater.ReservationId!);
        ledger.Release(rejectedLater.ReservationId!); // twice: refunded once
        var full = await ledger.TryReserveAsync(account, Region, To(4), time.GetUtcNow(), Ct);

        Assert.True(full.IsReserved);
        Assert.Equal(4, full.SentLast24Hours);
        Assert.Equal(QuotaVerdict.RateExceeded, (await ledger.TryReserveAsync(account, Region, To(1), time.GetUtcNow(), Ct)).Verdict);
    }

    [Fact]
    public async Task A_message_refused_by_the_daily_quota_takes_no_rate_tokens()
    {
        var account = await NewAccountAsync(max24: 1, rate: 2);
        var ledger = app.Factory.Services.GetRequiredService<QuotaLedger>();
        var now = new DateTimeOffset(2026, 11, 2, 16, 0, 0, TimeSpan.Zero);

        Assert.Equal(QuotaVerdict.DailyQuotaExceeded, (await ledger.TryReserveAsync(account, Region, To(2), now, Ct)).Verdict);
        Assert.True((await ledger.TryReserveAsync(account, Region, new QuotaCharge(0, 2), now, Ct)).IsReserved);
    }

    [Fact]
    public async Task Fractional_rate_allows_one_recipient_every_two_seconds_at_half_a_message_per_second()
    {
        var account = await NewAccountAsync(max24: 1000, rate: 0.5);
        var ledger = app.Factory.Services.GetRequiredService<QuotaLedger>();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 2, 17, 0, 0, TimeSpan.Zero));

        var first = await ledger.TryReserveAsync(account, Region, To(1), time.GetUtcNow(), Ct);
        time.Advance(TimeSpan.FromSeconds(1));
        var afterOneSecond = await ledger.TryReserveAsync(account, Region, To(1), time.GetUtcNow(), Ct);
        time.Advance(TimeSpan.FromSeconds(0.9));
        var justBefore = await ledger.TryReserveAsync(account, Region, To(1), time.GetUtcNow(), Ct);
        time.Advance(TimeSpan.FromSeconds(0.1));
        var afterTwoSeconds = await ledger.TryReserveAsync(account, Region, To(1), time.GetUtcNow(), Ct);

        Assert.True(first.IsReserved);
        Assert.Equal(QuotaVerdict.RateExceeded, afterOneSecond.Verdict);
        Assert.Equal(QuotaVerdict.RateExceeded, justBefore.Verdict);
        Assert.True(afterTwoSeconds.IsReserved);
        Assert.Equal(0.5, afterTwoSeconds.MaxSendRate);
    }

    [Fact]
    public async Task A_message_with_more_recipients_than_one_seconds_rate_passes_on_a_full_bucket_and_empties_it()
    {
        var account = await NewAccountAsync(max24: 1000, rate: 2);
        var ledger = app.Factory.Services.GetRequiredService<QuotaLedger>();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 2, 18, 0, 0, TimeSpan.Zero));

        var big = await ledger.TryReserveAsync(account, Region, To(5), time.GetUtcNow(), Ct);
        time.Advance(TimeSpan.FromMilliseconds(400));
        var tooSoon = await ledger.TryReserveAsync(account, Region, To(1), time.GetUtcNow(), Ct);
        time.Advance(TimeSpan.FromMilliseconds(600));
        var refilled = await ledger.TryReserveAsync(account, Region, To(2), time.GetUtcNow(), Ct);

        Assert.True(big.IsReserved);
        Assert.Equal(QuotaVerdict.RateExceeded, tooSoon.Verdict);
        Assert.True(refilled.IsReserved);
    }
}
