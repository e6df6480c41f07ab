using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Notifications;

/// <summary>
/// Pending SNS deliveries survive their host: host 1 is disposed while it is delivering to a slow subscriber, and host 2
/// on the same data directory delivers the rest (at least once each, as SNS).
/// </summary>
public sealed class SnsDeliveryRestartTests
{
    private const int Count = 12;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ConsoleAppFactory Host(string directory) => new()
    {
        Settings =
        {
            ["Console:DataDirectory"] = directory,
            ["Notifications:AllowedSubscriberNetworks:0"] = "127.0.0.1/32",
            ["Notifications:DeliveryPollInterval"] = "00:00:00.100",
            ["Notifications:DeliveryParallelism"] = "2",
        },
    };

    [Fact]
    public async Task Disposing_the_host_mid_delivery_leaves_the_rest_for_the_next_host()
    {
        var directory = Directory.CreateTempSubdirectory("sesconsole-sns-restart-").FullName;
        await using var subscriber = await LoopbackSubscriber.StartAsync();
        subscriber.Delay("/slow", TimeSpan.FromMilliseconds(400));
        var published = new List<string>();
        Guid subscriptionId;
        await using (var first = Host(directory))
        {
            var world = new SnsWorld(first.Services);
            var topic = await world.TopicAsync("durable");
            subscriptionId = (await world.SubscribeAsync(topic, "http", subscriber.BaseUrl + "/slow")).Id;
            for (var i = 0; i < Count; i++)
            {
                published.Add((await world.PublishAsync(topic, $"message {i}")).MessageId);
            }

            await subscriber.WaitForAsync("/slow", 3);
        } // disposed with deliveries in flight and more pending

        int pendingAfterFirst;
        await using (var db = new Data.Sqlite.SqliteConsoleDbContext(new DbContextOptionsBuilder<Data.Sqlite.SqliteConsoleDbContext>()
                         .UseSqlite($"Data Source={Path.Combine(directory, "sesconsole.db")}").Options))
        {
            pendingAfterFirst = await db.SnsDeliveries.CountAsync(d => d.Status == SnsDeliveryStatus.Pending, Ct);
        }

        Assert.InRange(pendingAfterFirst, 1, Count - 1);
        subscriber.Delay("/slow", TimeSpan.Zero);

        await using (var second = Host(directory))
        {
            var world = new SnsWorld(second.Services);
            var deliveries = await world.SettledAsync(subscriptionId, Count);
            Assert.Equal(Count, deliveries.Count);
            Assert.All(deliveries, d => Assert.Equal(SnsDeliveryStatus.Delivered, d.Status));
            var received = subscriber.At("/slow").Select(r => r.Headers["x-amz-sns-message-id"]).ToHashSet();
            Assert.Superset(published.ToHashSet(), received);
            Assert.Subset(published.ToHashSet(), received);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }
}
