using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Data.Entities;
using SesConsole.Web.Tests.Notifications;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Hosting;

/// <summary>
/// SNS deliveries counted by result (docs/observability.md#metrics): the real background worker delivers to a real loopback
/// subscriber that answers 500 once, then 200.
/// </summary>
public sealed class NotificationTelemetryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_try_that_failed_counts_as_retrying_and_the_next_as_delivered()
    {
        await using var subscriber = await LoopbackSubscriber.StartAsync();
        subscriber.Answer("/otel", 500);
        await using var app = new ConsoleAppFactory
        {
            Settings =
            {
                ["Console:PublicBaseUrl"] = "https://console.test:8443",
                ["Notifications:DeliveryPollInterval"] = "00:00:00.200",
                ["Notifications:AllowedSubscriberNetworks:0"] = "127.0.0.1/32",
            },
        };
        var world = new SnsWorld(app.Services);
        using var telemetry = new TelemetryRecorder(app.Services.GetRequiredService<IMeterFactory>());
        var topic = await world.TopicAsync("otel");
        var subscription = await world.SubscribeAsync(topic, "http", subscriber.BaseUrl + "/otel",
            deliveryPolicy: """{"healthyRetryPolicy":{"numRetries":3,"minDelayTarget":1,"maxDelayTarget":1}}""");

        await world.PublishAsync(topic, "count me");
        Assert.Equal(SnsDeliveryStatus.Delivered, Assert.Single(await world.SettledAsync(subscription.Id)).Status);
        await telemetry.WaitForAsync("sesconsole.notifications.deliveries", Ct, count: 2);

        var counted = telemetry.Measurements("sesconsole.notifications.deliveries");
        Assert.Equal(["retrying", "delivered"], counted.Select(m => (string)m.Tags["sns.delivery.result"]!));
        Assert.All(counted, m => Assert.Equal("http", m.Tags["sns.protocol"]));
        Assert.All(counted, m => Assert.Equal(1, m.Value));
    }
}
