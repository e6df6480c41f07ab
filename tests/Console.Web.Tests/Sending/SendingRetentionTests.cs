using SesConsole.Web.Sending;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Web.Features.Accounts;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Features.Sending;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Sending;

/// <summary>
/// The retention purge over a real SQLite file on a fake clock (docs/storage-and-retention.md#retention): old attempts and
/// events go, young ones stay, and what statistics, reputation and the delegates' totals show does not change.
/// </summary>
public sealed class SendingRetentionTests : IAsyncLifetime
{
    private const string Delegate = "222222222222";
    private const string Owner = "111111111111";
    private const string SourceArn = "arn:aws:ses:us-east-1:111111111111:identity/retention.example";

    // A quarter-hour start plus a little, so every row of a group falls in one 15-minute interval.
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);
    private readonly ConsoleAppFactory _factory;

    public SendingRetentionTests()
    {
        _factory = new ConsoleAppFactory { Time = _time };
        _factory.Settings["Sending:Delivery:PollInterval"] = "00:00:00";
        _factory.Settings["Identities:RecheckInterval"] = "00:00:00";
        _factory.Settings["Sending:Retention:Attempts"] = "2.00:00:00";
        _factory.Settings["Sending:Retention:Events"] = "2.00:00:00";
        _factory.Settings["Sending:Retention:DeliveredBodies"] = "1.00:00:00";
        _factory.Settings["Sending:Retention:PurgeInterval"] = "00:10:00";
        _factory.Settings["Sending:Retention:BatchSize"] = "3"; // several batches per account and type
        _factory.Settings["Sending:Retention:BatchPause"] = "00:00:00";
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _ = _factory.Services;
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Purge_removes_old_attempts_and_events_keeps_young_ones_and_statistics_reputation_and_delegate_totals_stay_the_same()
    {
        await SeedAsync();
        var delegateCaller = await CallerAsync("delegate@example.com");
        var ownerCaller = await CallerAsync("owner@example.com");
        var statistics = (await Get<AccountsService>().GetSendStatisticsAsync(delegateCaller, Ct)).Value!;
        var reputation = (await Get<AccountsService>().GetOwnAsync(delegateCaller, Ct)).Value!.Reputation;
        var delegates = await Get<SendingActivityService>().DelegatesAsync(ownerCaller, Ct);
        Assert.Equal(4 * 2 + 2 * 2, statistics.Sum(p => p.DeliveryAttempts)); // the seed counts, so the comparison below means something
        Assert.Equal((3L, 1L), (reputation.Figures.Sent, reputation.Figures.HardBounces)); // from the reputation buckets, which the purge leaves alone

        var result = await Get<SendingRetention>().PurgeAsync(_time.GetUtcNow(), Ct);

        Assert.Equal(4 + 3, result.Attempts);
        Assert.Equal(10, result.Events);
        await using (var db = Db())
        {
            Assert.Equal(2 + 1, await db.SendAttempts.CountAsync(a => a.AccountId == Delegate, Ct));
            Assert.All(await db.SendAttempts.Where(a => a.AccountId == Delegate).Select(a => a.At).ToListAsync(Ct), at => Assert.True(at > Now.AddDays(-2)));
            Assert.Equal(6, await db.SendEvents.CountAsync(e => e.AccountId == Delegate, Ct));
            Assert.True(await db.SendActivityBuckets.AnyAsync(b => b.AccountId == Delegate && b.OwnerAccountId == Owner, Ct));
        }

        Assert.Equal(statistics, (await Get<AccountsService>().GetSendStatisticsAsync(delegateCaller, Ct)).Value!);
        Assert.Equal(reputation, (await Get<AccountsService>().GetOwnAsync(delegateCaller, Ct)).Value!.Reputation);
        Assert.Equal(delegates, await Get<SendingActivityService>().DelegatesAsync(ownerCaller, Ct));

        // A second purge finds nothing more and counts nothing twice.
        Assert.Equal(new RetentionResult(0, 0, 0, 0, 0), await Get<SendingRetention>().PurgeAsync(_time.GetUtcNow(), Ct));
        Assert.Equal(statistics, (await Get<AccountsService>().GetSendStatisticsAsync(delegateCaller, Ct)).Value!);
    }

    [Fact]
    public async Task Purge_removes_finished_messages_with_their_bodies_and_never_touches_an_undelivered_message()
    {
        byte[] mime = "Subject: hi\r\n\r\nbody\r\n"u8.ToArray();
        await using (var db = Db())
        {
            db.OutboxMessages.AddRange(
                Outbox("delivered-yesterday", OutboxStatus.Delivered, created: Now.AddHours(-36), mime),
                Outbox("delivered-an-hour-ago", OutboxStatus.Delivered, created: Now.AddHours(-1), mime),
                Outbox("gave-up-yesterday", OutboxStatus.GaveUp, created: Now.AddHours(-40), mime),
                Outbox("delivered-last-week", OutboxStatus.Delivered, created: Now.AddDays(-7), mime),
                Outbox("pending-for-a-month", OutboxStatus.Pending, created: Now.AddDays(-30), mime));
            await db.SaveChangesAsync(Ct);
        }

        var result = await Get<SendingRetention>().PurgeAsync(_time.GetUtcNow(), Ct);

        // The row goes with its body (docs/storage-and-retention.md#outbox-rows); feedback reads the attempt after that.
        await using var check = Db();
        var rows = await check.OutboxMessages.AsNoTracking().ToDictionaryAsync(m => m.MessageId, Ct);
        Assert.Equal(["delivered-an-hour-ago", "pending-for-a-month"], rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(mime, rows["delivered-an-hour-ago"].Mime);
        Assert.Equal(mime, rows["pending-for-a-month"].Mime);
        Assert.Equal(OutboxStatus.Pending, rows["pending-for-a-month"].Status);
        Assert.Equal(3, result.Bodies);
        Assert.Equal(0, result.OutboxRows);
    }

    [Fact]
    public async Task The_background_purge_runs_on_the_injected_clock()
    {
        await using (var db = Db())
        {
            db.SendAttempts.Add(Attempt(Now.AddDays(-3), accepted: true, recipients: 1));
            await db.SaveChangesAsync(Ct);
        }

        _time.Advance(TimeSpan.FromMinutes(10));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        while (true)
        {
            await using (var db = Db())
            {
                if (!await db.SendAttempts.AnyAsync(a => a.AccountId == Delegate, timeout.Token))
                {
                    break;
                }
            }

            await Task.Delay(50, timeout.Token);
        }

        await using var check = Db();
        Assert.Equal(1, await check.SendActivityBuckets.Where(b => b.AccountId == Delegate).SumAsync(b => b.Accepted, Ct));
    }

    /// <summary>
    /// Three days ago (purged): 4 accepted attempts of 2 recipients and 3 rejected ones; a hard bounce of two recipients,
    /// a soft one, a complaint, a real and a simulator delivery, a Reject, and the three that repeat below. An hour ago
    /// (kept): 2 accepted attempts and 1 rejected; a hard bounce, a complaint, a delivery and three more.
    /// </summary>
    private async Task SeedAsync()
    {
        var old = Now.AddDays(-3).AddMinutes(1);
        var young = Now.AddHours(-1).AddMinutes(1);
        await using var db = Db();
        for (var i = 0; i < 4; i++)
        {
            db.SendAttempts.Add(Attempt(old.AddSeconds(i), accepted: true, recipients: 2));
        }

        for (var i = 0; i < 3; i++)
        {
            db.SendAttempts.Add(Attempt(old.AddSeconds(10 + i), accepted: false, recipients: 1));
        }

        for (var i = 0; i < 2; i++)
        {
            db.SendAttempts.Add(Attempt(young.AddSeconds(i), accepted: true, recipients: 2));
        }

        db.SendAttempts.Add(Attempt(young.AddSeconds(5), accepted: false, recipients: 1));
        db.SendEvents.AddRange(
            Event(old, "Bounce", null, """{"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bouncedRecipients":[{"emailAddress":"a@customer.example"},{"emailAddress":"b@customer.example"}]}}""", reputation: true),
            Event(old, "Bounce", "soft@customer.example", "{}", reputation: false),
            Event(old, "Complaint", "angry@customer.example", "{}", reputation: true),
            Event(old, "Delivery", "reader@customer.example", "{}"),
            Event(old, "Delivery", "success@simulator.amazonses.com", "{}"),
            Event(old, "Delivery", null, """{"notificationType":"Delivery","delivery":{"recipients":["x@customer.example","y@customer.example"]}}"""),
            Event(old, "Delivery", null, """{"notificationType":"Delivery","delivery":{"recipients":["x@customer.example","success@simulator.amazonses.com"]}}"""),
            Event(old, "Reject", null, "{}"),
            Event(old, "DeliveryDelay", "slow@customer.example", "{}"),
            Event(old, "Send", null, "{}"),
            Event(young, "Bounce", "gone@customer.example", "{}", reputation: true),
            Event(young, "Complaint", "angry@customer.example", "{}", reputation: true),
            Event(young, "Delivery", "reader@customer.example", "{}"),
            Event(young, "Reject", null, "{}"),
            Event(young, "DeliveryDelay", "slow@customer.example", "{}"),
            Event(young, "Bounce", "soft@customer.example", "{}", reputation: false));
        await db.SaveChangesAsync(Ct);
        await ReputationRollup.ApplyAsync(db, [new ReputationDelta(Delegate, Owner, SourceArn, ReputationDelta.HourOf(young), Test: false) { Sent = 3, Delivered = 2, HardBounces = 1 }], ct: Ct);
    }

    private static SendAttemptEntity Attempt(DateTimeOffset at, bool accepted, int recipients) => new()
    {
        Id = Guid.CreateVersion7(at), AccountId = Delegate, OwnerAccountId = Owner, CallerArn = "arn:aws:iam::222222222222:user/mailer",
        IdentityArn = SourceArn, Api = "SendEmail", Accepted = accepted, At = at, RecipientCount = recipients,
        MessageId = accepted ? $"m-{Guid.NewGuid()}" : null, ErrorCode = accepted ? null : "AccessDenied", Step = accepted ? null : "authorization",
    };

    private static SendEventEntity Event(DateTimeOffset at, string type, string? recipient, string json, bool reputation = false) => new()
    {
        Id = Guid.CreateVersion7(at), MessageId = $"m-{Guid.NewGuid()}", AccountId = Delegate, OwnerAccountId = Owner, SourceArn = SourceArn,
        Type = type, Recipient = recipient, Json = json, At = at, CountsTowardReputation = reputation,
    };

    private static OutboxMessageEntity Outbox(string messageId, OutboxStatus status, DateTimeOffset created, byte[] mime) => new()
    {
        Id = Guid.CreateVersion7(created), MessageId = messageId, AccountId = Delegate, SourceArn = SourceArn, EnvelopeFrom = "news@retention.example",
        Recipients = "reader@customer.example", Mime = mime, Status = status, CreatedAt = created, NextAttemptAt = created.AddMinutes(1),
        DeliveredAt = status == OutboxStatus.Delivered ? created.AddMinutes(1) : null, Attempts = 1,
    };

    private T Get<T>()
        where T : notnull => _factory.Services.CreateScope().ServiceProvider.GetRequiredService<T>();

    private ConsoleDbContext Db() => _factory.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContext();

    private async Task<Caller> CallerAsync(string userName)
    {
        using var scope = _factory.Services.CreateScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>().FindByNameAsync(userName)
                   ?? throw new InvalidOperationException($"{userName} was not seeded");
        return Caller.From(await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ConsoleUser>>().CreateAsync(user))!;
    }
}
