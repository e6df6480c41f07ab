using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Sending;
using SesConsole.Web.Features.Mail;
using SesConsole.Web.Sending;
using SesConsole.Web.Sending.Delivery;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Sending;

public sealed class OutboxDeliveryTests(AppFixture app) : IClassFixture<AppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // The shared app runs its own delivery worker on the real clock; messages due 30 days from now are left to the test.
    private static DateTimeOffset InTheFuture => DateTimeOffset.UtcNow.AddDays(30);

    private static byte[] Mime(string messageId) => System.Text.Encoding.ASCII.GetBytes(
        $"From: news@example.com\r\nTo: reader@example.net\r\nSubject: Hello\r\nMessage-ID: <{messageId}>\r\nDate: Sat, 28 Nov 2026 10:00:00 +0000\r\n\r\nHi\r\n");

    private async Task<OutboxMessageEntity> EnqueueAsync(DateTimeOffset at, string recipients = "reader@example.net")
    {
        var messageId = $"{Guid.NewGuid():N}@sesconsole";
        var entity = new OutboxMessageEntity
        {
            Id = Guid.NewGuid(), MessageId = messageId, AccountId = "222222222222", SourceArn = "arn:aws:ses:us-east-1:111111111111:identity/example.com",
            EnvelopeFrom = "news@example.com", Recipients = recipients, Mime = Mime(messageId), CreatedAt = at, NextAttemptAt = at,
        };
        await using var db = app.Db();
        db.OutboxMessages.Add(entity);
        await db.SaveChangesAsync(Ct);
        return entity;
    }

    private OutboxDelivery Delivery(IMailTransport transport, TimeProvider time, DeliveryOptions? options = null) =>
        new(app.Factory.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>(), transport,
            Options.Create(options ?? new DeliveryOptions()), time, NullLogger<OutboxDelivery>.Instance);

    [Fact]
    public async Task DeliverDueAsync_hands_the_message_to_the_sink_once_and_records_a_Delivery_event()
    {
        var time = new FakeTimeProvider(InTheFuture);
        var queued = await EnqueueAsync(time.GetUtcNow());
        var sink = app.Factory.Services.GetRequiredService<IMailTransport>();

        var delivered = await Delivery(sink, time).DeliverDueAsync(Ct);
        var again = await Delivery(sink, time).DeliverDueAsync(Ct);

        Assert.Equal(1, delivered);
        await using var db = app.Db();
        Assert.Equal(1, await db.MailboxMessages.CountAsync(m => m.MessageId == queued.MessageId, Ct));
        Assert.Equal(OutboxStatus.Delivered, (await db.OutboxMessages.SingleAsync(m => m.Id == queued.Id, Ct)).Status);
        var delivery = await db.SendEvents.SingleAsync(e => e.MessageId == queued.MessageId && e.Type == "Delivery", Ct);
        Assert.Contains("\"sourceArn\":\"arn:aws:ses:us-east-1:111111111111:identity/example.com\"", delivery.Json, StringComparison.Ordinal);
        Assert.Contains("\"sendingAccountId\":\"222222222222\"", delivery.Json, StringComparison.Ordinal);
        Assert.Equal("111111111111", delivery.OwnerAccountId);
        Assert.Equal(0, again);
    }

    [Fact]
    public async Task A_crash_after_the_sink_stored_the_message_redelivers_without_a_second_copy()
    {
        var time = new FakeTimeProvider(InTheFuture);
        var queued = await EnqueueAsync(time.GetUtcNow());
        var sink = app.Factory.Services.GetRequiredService<IMailTransport>();

        await Assert.ThrowsAsync<OperationCanceledException>(() => Delivery(new CrashAfterSend(sink), time).DeliverDueAsync(Ct));
        await using (var db = app.Db())
        {
            Assert.Equal(OutboxStatus.Pending, (await db.OutboxMessages.SingleAsync(m => m.Id == queued.Id, Ct)).Status);
        }

        Assert.Equal(0, await Delivery(sink, time).DeliverDueAsync(Ct)); // the dead worker's claim still holds
        time.Advance(new DeliveryOptions().ClaimLease);
        await Delivery(sink, time).DeliverDueAsync(Ct);

        await using var check = app.Db();
        Assert.Equal(1, await check.MailboxMessages.CountAsync(m => m.MessageId == queued.MessageId, Ct));
        Assert.Equal(OutboxStatus.Delivered, (await check.OutboxMessages.SingleAsync(m => m.Id == queued.Id, Ct)).Status);
    }

    [Fact]
    public async Task Relay_down_retries_with_backoff_then_gives_up_with_a_bounce()
    {
        var time = new FakeTimeProvider(InTheFuture);
        var queued = await EnqueueAsync(time.GetUtcNow(), "late@example.net");
        var relay = new SmtpRelayTransport(
            new MailOptions { Mode = MailMode.SmtpRelay, Relay = new RelayOptions { Host = "127.0.0.1", Port = TestDnsServer.UnusedPort(), Security = RelaySecurity.None, Timeout = TimeSpan.FromSeconds(2) } },
            NullLogger<SmtpRelayTransport>.Instance);
        var options = new DeliveryOptions { RetryDelay = TimeSpan.FromMinutes(1), GiveUpAfter = TimeSpan.FromHours(1) };

        await Delivery(relay, time, options).DeliverDueAsync(Ct);
        time.Advance(TimeSpan.FromSeconds(30));
        await Delivery(relay, time, options).DeliverDueAsync(Ct);
        time.Advance(TimeSpan.FromMinutes(1));
        await Delivery(relay, time, options).DeliverDueAsync(Ct);
        time.Advance(TimeSpan.FromHours(1));
        await Delivery(relay, time, options).DeliverDueAsync(Ct);

        await using var db = app.Db();
        var row = await db.OutboxMessages.SingleAsync(m => m.Id == queued.Id, Ct);
        var events = await db.SendEvents.Where(e => e.MessageId == queued.MessageId).Select(e => e.Type).ToListAsync(Ct);
        Assert.Equal(OutboxStatus.GaveUp, row.Status);
        Assert.Equal(3, row.Attempts);
        Assert.Equal(2, events.Count(t => t == "DeliveryDelay"));
        Assert.Equal(1, events.Count(t => t == "Bounce"));
        Assert.StartsWith("Could not connect to the SMTP relay 127.0.0.1", row.LastError, StringComparison.Ordinal);
        Assert.Contains("\"bounceType\":\"Undetermined\"", (await db.SendEvents.FirstAsync(e => e.MessageId == queued.MessageId && e.Type == "Bounce", Ct)).Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_recipient_the_relay_refuses_bounces_permanently_onto_the_senders_suppression_list_and_the_others_are_delivered()
    {
        var time = new FakeTimeProvider(InTheFuture);
        var unknown = $"unknown-{Guid.NewGuid():N}@customer.example";
        var queued = await EnqueueAsync(time.GetUtcNow(), $"reader@customer.example,{unknown},other@customer.example");
        await using var server = await LoopbackSmtpServer.StartAsync();
        var relay = new SmtpRelayTransport(
            new MailOptions { Mode = MailMode.SmtpRelay, Relay = new RelayOptions { Host = "127.0.0.1", Port = server.Port, Security = RelaySecurity.None } },
            NullLogger<SmtpRelayTransport>.Instance);

        var first = await Delivery(relay, time).DeliverDueAsync(Ct);
        var second = await Delivery(relay, time).DeliverDueAsync(Ct);

        Assert.Equal(0, first);
        Assert.Equal(1, second);
        var received = Assert.Single(server.Messages);
        Assert.Equal(["reader@customer.example", "other@customer.example"], received.To);
        await using var db = app.Db();
        var bounce = await db.SendEvents.SingleAsync(e => e.MessageId == queued.MessageId && e.Type == "Bounce", Ct);
        Assert.Equal(unknown, bounce.Recipient);
        Assert.True(bounce.CountsTowardReputation);
        Assert.Contains("\"bounceType\":\"Permanent\"", bounce.Json, StringComparison.Ordinal);
        Assert.Contains("550", bounce.Json, StringComparison.Ordinal);
        var suppressed = await db.SuppressedDestinations.SingleAsync(s => s.Address == unknown, Ct);
        Assert.Equal(("222222222222", "BOUNCE"), (suppressed.AccountId, suppressed.Reason)); // the sending (delegate) account's list
        var delivery = await db.SendEvents.SingleAsync(e => e.MessageId == queued.MessageId && e.Type == "Delivery", Ct);
        Assert.DoesNotContain(unknown, delivery.Json, StringComparison.Ordinal);
        Assert.Equal(OutboxStatus.Delivered, (await db.OutboxMessages.SingleAsync(m => m.Id == queued.Id, Ct)).Status);
    }

    [Fact]
    public async Task Two_workers_on_one_database_hand_each_message_to_the_transport_once()
    {
        var time = new FakeTimeProvider(InTheFuture);
        var queued = new List<OutboxMessageEntity>();
        for (var i = 0; i < 20; i++)
        {
            queued.Add(await EnqueueAsync(time.GetUtcNow()));
        }

        var counting = new CountingTransport();

        var counts = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Delivery(counting, time, new DeliveryOptions { BatchSize = 100 }).DeliverDueAsync(Ct), Ct)));

        Assert.Equal(20, counts.Sum());
        Assert.All(queued, q => Assert.Equal(1, counting.Sent.Count(id => id == q.MessageId)));
    }

    [Fact]
    public async Task One_round_drains_every_due_message_batch_after_batch_and_leaves_the_ones_not_yet_due()
    {
        var time = new FakeTimeProvider(InTheFuture.AddDays(1));
        var due = new List<OutboxMessageEntity>();
        for (var i = 0; i < 12; i++)
        {
            due.Add(await EnqueueAsync(time.GetUtcNow().AddSeconds(-i)));
        }

        var later = await EnqueueAsync(time.GetUtcNow().AddMinutes(5));
        var counting = new CountingTransport();

        var delivered = await Delivery(counting, time, new DeliveryOptions { BatchSize = 5, Parallelism = 3 }).DeliverDueAsync(Ct);

        Assert.True(delivered >= 12, $"one round delivered {delivered} of the 12 due messages");
        Assert.All(due, q => Assert.Equal(1, counting.Sent.Count(id => id == q.MessageId)));
        Assert.DoesNotContain(later.MessageId, counting.Sent);
        await using var db = app.Db();
        Assert.Equal(OutboxStatus.Pending, (await db.OutboxMessages.SingleAsync(m => m.Id == later.Id, Ct)).Status);
    }

    [Fact]
    public async Task Messages_accepted_before_a_restart_are_delivered_by_the_next_process_exactly_once()
    {
        var directory = Directory.CreateTempSubdirectory("sesconsole-restart-").FullName;
        string messageId;
        await using (var first = new ConsoleAppFactory())
        {
            first.Settings["Console:DataDirectory"] = directory;
            first.Settings["Sending:Delivery:PollInterval"] = "00:00:00";
            await using var db = first.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContext();
            messageId = $"{Guid.NewGuid():N}@sesconsole";
            db.OutboxMessages.Add(new OutboxMessageEntity
            {
                Id = Guid.NewGuid(), MessageId = messageId, AccountId = "222222222222", SourceArn = "arn:aws:ses:us-east-1:111111111111:identity/example.com",
                EnvelopeFrom = "news@example.com", Recipients = "reader@example.net", Mime = Mime(messageId), CreatedAt = DateTimeOffset.UtcNow, NextAttemptAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync(Ct);
        }

        await using (var second = new ConsoleAppFactory())
        {
            second.Settings["Console:DataDirectory"] = directory;
            second.Settings["Sending:Delivery:PollInterval"] = "00:00:00.100";
            var factory = second.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>();
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (DateTime.UtcNow < deadline)
            {
                await using var db = factory.CreateDbContext();
                if (await db.OutboxMessages.AnyAsync(m => m.MessageId == messageId && m.Status == OutboxStatus.Delivered, Ct))
                {
                    break;
                }

                await Task.Delay(50, Ct);
            }

            await using var check = factory.CreateDbContext();
            Assert.Equal(1, await check.MailboxMessages.CountAsync(m => m.MessageId == messageId, Ct));
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task A_local_sink_delivery_is_one_group_commit_with_its_row_its_mark_and_its_Delivery_event()
    {
        await using var own = new ConsoleAppFactory();
        own.Settings["Sending:Delivery:PollInterval"] = "00:00:00";
        var writer = own.Services.GetRequiredService<GroupCommitWriter>();
        var factory = own.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>();
        var ids = new List<string>();
        await using (var db = await factory.CreateDbContextAsync(Ct))
        {
            for (var i = 0; i < 3; i++)
            {
                var messageId = $"{Guid.NewGuid():N}@sesconsole";
                ids.Add(messageId);
                db.OutboxMessages.Add(new OutboxMessageEntity
                {
                    Id = Guid.NewGuid(), MessageId = messageId, AccountId = "222222222222", SourceArn = "arn:aws:ses:us-east-1:111111111111:identity/example.com",
                    EnvelopeFrom = "news@example.com", Recipients = "reader@example.net", Mime = Mime(messageId), CreatedAt = DateTimeOffset.UtcNow, NextAttemptAt = DateTimeOffset.UtcNow,
                });
            }

            await db.SaveChangesAsync(Ct);
        }

        // One worker, so each delivery waits for its own commit: before, the sink's row and the record were two in a row.
        var delivery = new OutboxDelivery(factory, own.Services.GetRequiredService<IMailTransport>(), Options.Create(new DeliveryOptions { Parallelism = 1 }),
            TimeProvider.System, NullLogger<OutboxDelivery>.Instance, writer);
        var before = writer.Transactions;

        Assert.Equal(3, await delivery.DeliverDueAsync(Ct));

        Assert.Equal(3, writer.Transactions - before);
        await using var check = await factory.CreateDbContextAsync(Ct);
        Assert.Equal(3, await check.MailboxMessages.CountAsync(m => ids.Contains(m.MessageId), Ct));
        Assert.Equal(3, await check.OutboxMessages.CountAsync(m => ids.Contains(m.MessageId) && m.Status == OutboxStatus.Delivered, Ct));
        Assert.Equal(3, await check.SendEvents.CountAsync(e => ids.Contains(e.MessageId) && e.Type == "Delivery", Ct));
    }

    [Fact]
    public async Task A_staged_sink_row_stored_meanwhile_by_another_hand_over_is_kept_once_and_the_delivery_recorded()
    {
        var time = new FakeTimeProvider(InTheFuture.AddDays(2));
        var queued = await EnqueueAsync(time.GetUtcNow());
        var sink = (LocalSinkTransport)app.Factory.Services.GetRequiredService<IMailTransport>();
        var writer = app.Factory.Services.GetRequiredService<GroupCommitWriter>();
        var delivery = new OutboxDelivery(app.Factory.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>(), new StoredMeanwhile(sink),
            Options.Create(new DeliveryOptions()), time, NullLogger<OutboxDelivery>.Instance, writer);

        Assert.True(await delivery.DeliverDueAsync(Ct) >= 1); // with whatever earlier tests left due by then

        await using var db = app.Db();
        Assert.Equal(1, await db.MailboxMessages.CountAsync(m => m.MessageId == queued.MessageId, Ct));
        Assert.Equal(OutboxStatus.Delivered, (await db.OutboxMessages.SingleAsync(m => m.Id == queued.Id, Ct)).Status);
        Assert.Equal(1, await db.SendEvents.CountAsync(e => e.MessageId == queued.MessageId && e.Type == "Delivery", Ct));
    }

    /// <summary>The real sink's staging, then another hand-over of the same message stores its row before the worker commits.</summary>
    private sealed class StoredMeanwhile(LocalSinkTransport inner) : IStagedMailTransport
    {
        public Task<Result<string>> SendAsync(OutboundMessage message, CancellationToken cancellationToken) => inner.SendAsync(message, cancellationToken);

        public async Task<Result<StagedDelivery>> StageAsync(OutboundMessage message, CancellationToken cancellationToken)
        {
            var staged = await inner.StageAsync(message, cancellationToken);
            Assert.NotNull(staged.Value!.Row);
            await inner.SendAsync(message, cancellationToken);
            return staged;
        }

        public Task<bool> IsStoredAsync(StagedDelivery staged, CancellationToken cancellationToken) => inner.IsStoredAsync(staged, cancellationToken);
    }

    [Fact]
    public async Task Relay_deliveries_finishing_together_are_recorded_together_and_one_that_cannot_be_recorded_fails_only_itself()
    {
        // Its own app (no background worker), so no other test's message is due in this round.
        await using var own = new ConsoleAppFactory();
        own.Settings["Sending:Delivery:PollInterval"] = "00:00:00";
        var factory = own.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var queued = new List<OutboxMessageEntity>();
        await using (var seed = await factory.CreateDbContextAsync(Ct))
        {
            for (var i = 0; i < 4; i++)
            {
                var messageId = $"{Guid.NewGuid():N}@sesconsole";
                queued.Add(seed.OutboxMessages.Add(new OutboxMessageEntity
                {
                    Id = Guid.NewGuid(), MessageId = messageId, AccountId = "222222222222", SourceArn = "arn:aws:ses:us-east-1:111111111111:identity/example.com",
                    EnvelopeFrom = "news@example.com", Recipients = "reader@example.net", Mime = Mime(messageId), CreatedAt = time.GetUtcNow(), NextAttemptAt = time.GetUtcNow(),
                }).Entity);
            }

            await seed.SaveChangesAsync(Ct);
        }

        // All four reach the "relay" together and are accepted at once; the row of one of them is gone by then, so its
        // record fails (no row to mark) while the others are recorded (one commit, or alone after the batch failed).
        var transport = new GateTransport(4, queued[2].MessageId, factory);
        var delivery = new OutboxDelivery(factory, transport, Options.Create(new DeliveryOptions { Parallelism = 4 }), time, NullLogger<OutboxDelivery>.Instance,
            own.Services.GetRequiredService<GroupCommitWriter>());

        await Assert.ThrowsAnyAsync<DbUpdateException>(() => delivery.DeliverDueAsync(Ct));

        await using var db = await factory.CreateDbContextAsync(Ct);
        foreach (var message in queued.Where(m => m != queued[2]))
        {
            Assert.Equal(OutboxStatus.Delivered, (await db.OutboxMessages.SingleAsync(m => m.Id == message.Id, Ct)).Status);
            Assert.Equal(1, await db.SendEvents.CountAsync(e => e.MessageId == message.MessageId && e.Type == "Delivery", Ct));
        }

        Assert.Equal(0, await db.SendEvents.CountAsync(e => e.MessageId == queued[2].MessageId && e.Type == "Delivery", Ct));
    }

    /// <summary>Holds each message until <paramref name="together"/> are in hand, then accepts them all; deletes the outbox row of <paramref name="lost"/> first.</summary>
    private sealed class GateTransport(int together, string lost, IDbContextFactory<ConsoleDbContext> factory) : IMailTransport
    {
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;

        public async Task<Result<string>> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
        {
            var id = System.Text.Encoding.ASCII.GetString(message.Mime).Split("Message-ID: <")[1].Split('>')[0];
            if (id == lost)
            {
                await using var db = await factory.CreateDbContextAsync(cancellationToken);
                await db.OutboxMessages.Where(m => m.MessageId == id).ExecuteDeleteAsync(cancellationToken);
            }

            if (Interlocked.Increment(ref _arrived) == together)
            {
                _all.TrySetResult();
            }

            await _all.Task.WaitAsync(cancellationToken);
            return id;
        }
    }

    /// <summary>The real sink, then the process "dies" before the worker records the delivery.</summary>
    private sealed class CrashAfterSend(IMailTransport inner) : IMailTransport
    {
        public async Task<Result<string>> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
        {
            await inner.SendAsync(message, cancellationToken);
            throw new OperationCanceledException("simulated crash");
        }
    }

    private sealed class CountingTransport : IMailTransport
    {
        public System.Collections.Concurrent.ConcurrentBag<string> Sent { get; } = [];

        public async Task<Result<string>> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
        {
            await Task.Yield();
            var id = System.Text.Encoding.ASCII.GetString(message.Mime).Split("Message-ID: <")[1].Split('>')[0];
            Sent.Add(id);
            return id;
        }
    }
}
