using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Web.Features.Sending;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Sending;

public sealed class QuotaLedgerTests(AppFixture app) : IClassFixture<AppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

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
            Task.Run(() => ledger.TryReserveAsync(account, recipients: 1, now.AddTicks(i), Ct), Ct)));

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
        Assert.Equal(QuotaVerdict.DailyQuotaExceeded, (await restarted.TryReserveAsync(account, recipients: 1, now.AddMinutes(1), Ct)).Verdict);
        Assert.Equal(100, (await restarted.UsageAsync(account, now.AddMinutes(1), Ct)).SentLast24Hours);
    }

    [Fact]
    public async Task Release_gives_the_recipients_back_and_a_settled_charge_stays()
    {
        var account = await NewAccountAsync(max24: 5, rate: 100);
        var ledger = app.Factory.Services.GetRequiredService<QuotaLedger>();
        var t0 = new DateTimeOffset(2026, 11, 3, 12, 0, 0, TimeSpan.Zero);

        var kept = await ledger.TryReserveAsync(account, 3, t0, Ct);
        var released = await ledger.TryReserveAsync(account, 2, t0, Ct);
        ledger.Settle(kept.ReservationId!);
        ledger.Release(released.ReservationId!);
        ledger.Release(kept.ReservationId!); // settled: no effect

        Assert.Equal(3, (await ledger.UsageAsync(account, t0, Ct)).SentLast24Hours);
        Assert.True((await ledger.TryReserveAsync(account, 2, t0.AddSeconds(1), Ct)).IsReserved);
        Assert.Equal(QuotaVerdict.DailyQuotaExceeded, (await ledger.TryReserveAsync(account, 1, t0.AddSeconds(2), Ct)).Verdict);
    }

    [Fact]
    public async Task TryReserveAsync_counts_recipients_over_a_rolling_24_hours()
    {
        var account = await NewAccountAsync(max24: 10, rate: 100);
        var ledger = app.Factory.Services.GetRequiredService<QuotaLedger>();
        var t0 = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

        var first = await ledger.TryReserveAsync(account, 7, t0, Ct);
        var tooMany = await ledger.TryReserveAsync(account, 4, t0.AddHours(1), Ct);
        var fits = await ledger.TryReserveAsync(account, 3, t0.AddHours(2), Ct);
        var full = await ledger.TryReserveAsync(account, 1, t0.AddHours(23), Ct);
        var afterWindow = await ledger.TryReserveAsync(account, 7, t0.AddHours(24).AddSeconds(1), Ct);

        Assert.Equal(QuotaVerdict.Reserved, first.Verdict);
        Assert.Equal(QuotaVerdict.DailyQuotaExceeded, tooMany.Verdict);
        Assert.Equal(7, tooMany.SentLast24Hours);
        Assert.Equal(QuotaVerdict.Reserved, fits.Verdict);
        Assert.Equal(QuotaVerdict.DailyQuotaExceeded, full.Verdict);
        Assert.Equal(QuotaVerdict.Reserved, afterWindow.Verdict);
    }

    [Fact]
    public async Task TryReserveAsync_enforces_the_send_rate_per_second_and_paused_accounts()
    {
        var account = await NewAccountAsync(max24: 1000, rate: 2);
        var paused = await NewAccountAsync(max24: 1000, rate: 2, enabled: false);
        var ledger = app.Factory.Services.GetRequiredService<QuotaLedger>();
        var t0 = new DateTimeOffset(2026, 11, 2, 12, 0, 0, TimeSpan.Zero);

        var one = await ledger.TryReserveAsync(account, 1, t0, Ct);
        var two = await ledger.TryReserveAsync(account, 0, t0.AddMilliseconds(100), Ct);
        var three = await ledger.TryReserveAsync(account, 1, t0.AddMilliseconds(200), Ct);
        var nextSecond = await ledger.TryReserveAsync(account, 1, t0.AddMilliseconds(1001), Ct);
        var refused = await ledger.TryReserveAsync(paused, 1, t0, Ct);

        Assert.True(one.IsReserved && two.IsReserved);
        Assert.Equal(QuotaVerdict.RateExceeded, three.Verdict);
        Assert.True(nextSecond.IsReserved);
        Assert.Equal(QuotaVerdict.SendingPaused, refused.Verdict);
    }
}
