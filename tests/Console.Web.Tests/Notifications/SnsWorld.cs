using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Web.Notifications;

namespace SesConsole.Web.Tests.Notifications;

/// <summary>
/// Topic, subscription and message rows written straight into the host's SQLite database (as the SNS API and SES
/// feedback write them), followed by the delivery signal; and waits on what the worker did.
/// </summary>
public sealed class SnsWorld(IServiceProvider services)
{
    public const string Account = "111111111111";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IDbContextFactory<ConsoleDbContext> Factory => services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>();

    public async Task<SnsTopicEntity> TopicAsync(string name, int signatureVersion = 2, string? deliveryPolicy = null, string? displayName = null)
    {
        var topic = new SnsTopicEntity
        {
            Id = Guid.NewGuid(), AccountId = Account, Region = "us-east-1", Name = name, Arn = $"arn:aws:sns:us-east-1:{Account}:{name}",
            SignatureVersion = signatureVersion, DeliveryPolicy = deliveryPolicy, DisplayName = displayName, CreatedAt = DateTimeOffset.UtcNow,
        };
        await using var db = await Factory.CreateDbContextAsync(Ct);
        db.SnsTopics.Add(topic);
        await db.SaveChangesAsync(Ct);
        return topic;
    }

    public async Task<SnsSubscriptionEntity> SubscribeAsync(SnsTopicEntity topic, string protocol, string endpoint,
        SnsSubscriptionStatus status = SnsSubscriptionStatus.Confirmed, bool raw = false, string? deliveryPolicy = null)
    {
        var subscription = new SnsSubscriptionEntity
        {
            Id = Guid.NewGuid(), Arn = $"{topic.Arn}:{Guid.NewGuid()}", TopicId = topic.Id, TopicArn = topic.Arn, SubscriberAccountId = Account,
            Protocol = protocol, Endpoint = endpoint, Status = status, ConfirmationToken = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + "token",
            RawMessageDelivery = raw, DeliveryPolicy = deliveryPolicy, CreatedAt = DateTimeOffset.UtcNow,
        };
        await using var db = await Factory.CreateDbContextAsync(Ct);
        db.SnsSubscriptions.Add(subscription);
        await db.SaveChangesAsync(Ct);
        return subscription;
    }

    /// <summary>Publishes: one message row, then the signal (as the writers do after their commit).</summary>
    public async Task<SnsMessageEntity> PublishAsync(SnsTopicEntity topic, string message, string? subject = null,
        SnsMessageType type = SnsMessageType.Notification, SnsSubscriptionEntity? subscription = null, bool signal = true)
    {
        var row = new SnsMessageEntity
        {
            Id = Guid.NewGuid(), MessageId = Guid.NewGuid().ToString(), TopicId = topic.Id, TopicArn = topic.Arn, Type = type,
            SubscriptionId = subscription?.Id, Subject = subject, Message = message, PublishedBy = $"arn:aws:iam::{Account}:root",
            CreatedAt = DateTimeOffset.UtcNow,
        };
        await using (var db = await Factory.CreateDbContextAsync(Ct))
        {
            db.SnsMessages.Add(row);
            await db.SaveChangesAsync(Ct);
        }

        if (signal)
        {
            services.GetRequiredService<SnsDeliverySignal>().Notify();
        }

        return row;
    }

    public async Task<List<SnsDeliveryAttemptEntity>> AttemptsAsync(Guid subscriptionId)
    {
        await using var db = await Factory.CreateDbContextAsync(Ct);
        return (await db.SnsDeliveryAttempts.AsNoTracking().Where(a => a.SubscriptionId == subscriptionId).ToListAsync(Ct)).OrderBy(a => a.Id).ToList();
    }

    public async Task<List<SnsDeliveryEntity>> DeliveriesAsync(Guid subscriptionId)
    {
        await using var db = await Factory.CreateDbContextAsync(Ct);
        return await db.SnsDeliveries.AsNoTracking().Where(d => d.SubscriptionId == subscriptionId).ToListAsync(Ct);
    }

    /// <summary>Waits (up to <paramref name="seconds"/>) until the subscription's deliveries all left Pending; returns them.</summary>
    public async Task<List<SnsDeliveryEntity>> SettledAsync(Guid subscriptionId, int count = 1, double seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var deliveries = await DeliveriesAsync(subscriptionId);
            if ((deliveries.Count >= count && deliveries.All(d => d.Status != SnsDeliveryStatus.Pending)) || DateTime.UtcNow > deadline)
            {
                return deliveries;
            }

            await Task.Delay(25, Ct);
        }
    }
}
