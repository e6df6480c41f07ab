using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Web.Sending;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Sending;

/// <summary>
/// The retention purge's newer tables on a real SQLite file and a fake clock (docs/storage-and-retention.md#retention):
/// SNS messages, delivery attempts and the event log after <c>Notifications</c> (a message with a pending delivery stays),
/// inbound feedback after <c>InboundFeedback</c>, reputation buckets after <c>ReputationHistory</c>.
/// </summary>
public sealed class NotificationAndFeedbackRetentionTests : IAsyncLifetime
{
    private const string Owner = "111111111111";
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);
    private readonly ConsoleAppFactory _factory;

    public NotificationAndFeedbackRetentionTests()
    {
        _factory = new ConsoleAppFactory { Time = _time };
        _factory.Settings["Sending:Delivery:PollInterval"] = "00:00:00";
        _factory.Settings["Notifications:DeliveryPollInterval"] = "00:00:00";
        _factory.Settings["Identities:RecheckInterval"] = "00:00:00";
        _factory.Settings["Sending:Retention:PurgeInterval"] = "00:00:00";
        _factory.Settings["Sending:Retention:Notifications"] = "2.00:00:00";
        _factory.Settings["Sending:Retention:InboundFeedback"] = "3.00:00:00";
        _factory.Settings["Sending:Retention:ReputationHistory"] = "10.00:00:00";
        _factory.Settings["Sending:Retention:BatchSize"] = "2";
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
    public async Task Old_notification_feedback_and_bucket_rows_go_young_ones_and_pending_deliveries_stay()
    {
        var old = Now.AddDays(-20);
        var young = Now.AddHours(-1);
        Guid oldDone, oldPending, youngDone;
        await using (var db = await Db())
        {
            var topic = new SnsTopicEntity { Id = Guid.NewGuid(), AccountId = Owner, Region = "us-east-1", Name = "t", Arn = $"arn:aws:sns:us-east-1:{Owner}:t", CreatedAt = old };
            db.SnsTopics.Add(topic);
            SnsMessageEntity Message(DateTimeOffset at) => new()
            {
                Id = Guid.NewGuid(), MessageId = Guid.NewGuid().ToString(), TopicId = topic.Id, TopicArn = topic.Arn, Message = "m", PublishedBy = Owner, FannedOut = true, CreatedAt = at,
            };
            var messages = new[] { Message(old), Message(old), Message(old), Message(young) };
            db.SnsMessages.AddRange(messages);
            (oldDone, oldPending, youngDone) = (messages[0].Id, messages[1].Id, messages[3].Id);
            var subscription = Guid.NewGuid();
            SnsDeliveryEntity Delivery(Guid message, SnsDeliveryStatus status) => new()
            {
                Id = Guid.NewGuid(), SnsMessageId = message, SubscriptionId = subscription, Status = status, CreatedAt = old, NextAttemptAt = old,
            };
            db.SnsDeliveries.AddRange(Delivery(messages[0].Id, SnsDeliveryStatus.Delivered), Delivery(messages[1].Id, SnsDeliveryStatus.Pending),
                Delivery(messages[2].Id, SnsDeliveryStatus.Failed), Delivery(messages[3].Id, SnsDeliveryStatus.Delivered));
            foreach (var at in new[] { old, old, old, young })
            {
                db.SnsDeliveryAttempts.Add(new SnsDeliveryAttemptEntity { DeliveryId = Guid.NewGuid(), SubscriptionId = subscription, TopicArn = topic.Arn, MessageId = "x", At = at });
                db.PublishedEvents.Add(new PublishedEventEntity
                {
                    Id = Guid.NewGuid(), AccountId = Owner, Region = "us-east-1", ConfigurationSetName = "s", DestinationName = "d", EventType = "Send", MessageId = "x", Json = "{}", At = at,
                });
                db.InboundFeedback.Add(new InboundFeedbackEntity
                {
                    Id = Guid.NewGuid(), ReceivedAt = at, EnvelopeFrom = "", EnvelopeTo = "x@bounces.example", MessageId = "x", AccountId = Owner, Kind = InboundFeedbackKind.Unparsed, Summary = "s", Mime = [1],
                });
            }

            foreach (var hour in new[] { old, old.AddHours(1), old.AddHours(2), young })
            {
                db.ReputationBuckets.Add(new ReputationBucketEntity { AccountId = Owner, OwnerAccountId = Owner, SourceArn = "a", Hour = ReputationDelta.HourOf(hour), Sent = 1 });
            }

            await db.SaveChangesAsync(Ct);
        }

        RetentionResult result;
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            result = await scope.ServiceProvider.GetRequiredService<SendingRetention>().PurgeAsync(Now, Ct);
        }

        Assert.Equal(2 + 3 + 3, result.NotificationRows); // 2 messages, 3 attempts, 3 event-log rows
        Assert.Equal(3, result.InboundFeedbackRows);
        Assert.Equal(3, result.ReputationBuckets);
        await using var read = await Db();
        Assert.Equal(new[] { oldPending, youngDone }.Order(), (await read.SnsMessages.Select(m => m.Id).ToListAsync(Ct)).Order());
        Assert.Equal(2, await read.SnsDeliveries.CountAsync(Ct)); // the pending one and the young one's
        Assert.DoesNotContain(oldDone, await read.SnsDeliveries.Select(d => d.SnsMessageId).ToListAsync(Ct));
        Assert.Equal([young], await read.SnsDeliveryAttempts.Select(a => a.At).ToListAsync(Ct));
        Assert.Equal([young], await read.PublishedEvents.Select(e => e.At).ToListAsync(Ct));
        Assert.Equal([young], await read.InboundFeedback.Select(f => f.ReceivedAt).ToListAsync(Ct));
        Assert.Equal([ReputationDelta.HourOf(young)], await read.ReputationBuckets.Select(b => b.Hour).ToListAsync(Ct));
    }

    private Task<ConsoleDbContext> Db() => _factory.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct);
}
