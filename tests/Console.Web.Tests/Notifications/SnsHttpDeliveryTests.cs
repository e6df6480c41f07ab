using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Web.Notifications;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Notifications;

/// <summary>
/// The real app (background SNS worker on) delivering to a real loopback subscriber: the messages and headers SNS sends,
/// the retry policy, timeouts that hold back no one else, and the subscriber-network guard.
/// </summary>
public sealed partial class SnsHttpDeliveryTests
{
    private const string PublicBaseUrl = "https://console.test:8443";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ConsoleAppFactory Host(string timeout = "00:00:15", params string[] allowed)
    {
        var app = new ConsoleAppFactory
        {
            Settings =
            {
                ["Console:PublicBaseUrl"] = PublicBaseUrl,
                ["Notifications:DeliveryTimeout"] = timeout,
                ["Notifications:DeliveryPollInterval"] = "00:00:00.200",
            },
        };
        string[] networks = allowed.Length == 0 ? ["127.0.0.1/32"] : allowed;
        for (var i = 0; i < networks.Length; i++)
        {
            app.Settings[$"Notifications:AllowedSubscriberNetworks:{i}"] = networks[i];
        }

        return app;
    }

    [Fact]
    public async Task Confirmation_then_notification_reach_the_subscriber_with_SNS_headers_fields_and_a_valid_signature()
    {
        await using var subscriber = await LoopbackSubscriber.StartAsync();
        await using var app = Host();
        var world = new SnsWorld(app.Services);
        var topic = await world.TopicAsync("alerts");
        var pending = await world.SubscribeAsync(topic, "http", subscriber.BaseUrl + "/hook", SnsSubscriptionStatus.PendingConfirmation);

        var confirmation = await world.PublishAsync(topic, $"You have chosen to subscribe to the topic {topic.Arn}.", type: SnsMessageType.SubscriptionConfirmation, subscription: pending);
        var first = Assert.Single(await subscriber.WaitForAsync("/hook", 1));

        Assert.Equal("POST", first.Method);
        Assert.Equal("text/plain; charset=UTF-8", first.Headers["content-type"]);
        Assert.Equal("Amazon Simple Notification Service Agent", first.Headers["user-agent"]);
        Assert.Equal("SubscriptionConfirmation", first.Headers["x-amz-sns-message-type"]);
        Assert.Equal(confirmation.MessageId, first.Headers["x-amz-sns-message-id"]);
        Assert.Equal(topic.Arn, first.Headers["x-amz-sns-topic-arn"]);
        Assert.False(first.Headers.ContainsKey("x-amz-sns-subscription-arn"));
        using (var json = JsonDocument.Parse(first.Body))
        {
            var m = json.RootElement;
            Assert.Equal(["Type", "MessageId", "Token", "TopicArn", "Message", "SubscribeURL", "Timestamp", "SignatureVersion", "Signature", "SigningCertURL"],
                m.EnumerateObject().Select(p => p.Name));
            Assert.Equal("SubscriptionConfirmation", m.GetProperty("Type").GetString());
            Assert.Equal(confirmation.MessageId, m.GetProperty("MessageId").GetString());
            Assert.Equal(pending.ConfirmationToken, m.GetProperty("Token").GetString());
            Assert.Equal(SnsUrls.SubscribeUrl(PublicBaseUrl, topic.Arn, pending.ConfirmationToken!), m.GetProperty("SubscribeURL").GetString());
            Assert.Equal(confirmation.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture), m.GetProperty("Timestamp").GetString());
            Assert.Equal("2", m.GetProperty("SignatureVersion").GetString());
            Assert.Matches(CertUrl(), m.GetProperty("SigningCertURL").GetString()!);
            Assert.True(SnsSignatureCheck.Verify(m, await CertificateAsync(app, m)));
        }

        await ConfirmAsync(app, pending.Id);
        var notification = await world.PublishAsync(topic, "{\"alarm\":\"on\"}", subject: "Alarm");
        var second = (await subscriber.WaitForAsync("/hook", 2))[1];
        Assert.Equal("Notification", second.Headers["x-amz-sns-message-type"]);
        Assert.Equal(notification.MessageId, second.Headers["x-amz-sns-message-id"]);
        Assert.Equal(pending.Arn, second.Headers["x-amz-sns-subscription-arn"]);
        using (var json = JsonDocument.Parse(second.Body))
        {
            var m = json.RootElement;
            Assert.Equal(["Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp", "SignatureVersion", "Signature", "SigningCertURL", "UnsubscribeURL"],
                m.EnumerateObject().Select(p => p.Name));
            Assert.Equal("Alarm", m.GetProperty("Subject").GetString());
            Assert.Equal("{\"alarm\":\"on\"}", m.GetProperty("Message").GetString());
            Assert.Equal(SnsUrls.UnsubscribeUrl(PublicBaseUrl, pending.Arn), m.GetProperty("UnsubscribeURL").GetString());
            Assert.True(SnsSignatureCheck.Verify(m, await CertificateAsync(app, m)));
        }

        var attempts = await world.AttemptsAsync(pending.Id);
        Assert.Equal(2, attempts.Count);
        Assert.All(attempts, a => Assert.True(a.Succeeded && a.StatusCode == 200));
    }

    [Fact]
    public async Task A_notification_goes_to_confirmed_subscriptions_only_and_raw_delivery_sends_the_message_alone()
    {
        await using var subscriber = await LoopbackSubscriber.StartAsync();
        await using var app = Host();
        var world = new SnsWorld(app.Services);
        var topic = await world.TopicAsync("orders", signatureVersion: 1);
        var json = await world.SubscribeAsync(topic, "http", subscriber.BaseUrl + "/json");
        var raw = await world.SubscribeAsync(topic, "http", subscriber.BaseUrl + "/raw", raw: true);
        var pending = await world.SubscribeAsync(topic, "http", subscriber.BaseUrl + "/pending", SnsSubscriptionStatus.PendingConfirmation);

        await world.PublishAsync(topic, "order 42 shipped");
        await world.SettledAsync(json.Id);
        await world.SettledAsync(raw.Id);

        var rawRequest = Assert.Single(subscriber.At("/raw"));
        Assert.Equal("order 42 shipped", rawRequest.Body);
        Assert.Equal("true", rawRequest.Headers["x-amz-sns-rawdelivery"]);
        Assert.Equal(raw.Arn, rawRequest.Headers["x-amz-sns-subscription-arn"]);
        using var document = JsonDocument.Parse(Assert.Single(subscriber.At("/json")).Body);
        Assert.Equal("1", document.RootElement.GetProperty("SignatureVersion").GetString());
        Assert.False(document.RootElement.TryGetProperty("Subject", out _));
        Assert.True(SnsSignatureCheck.Verify(document.RootElement, await CertificateAsync(app, document.RootElement)));
        Assert.Empty(subscriber.At("/pending"));
        Assert.Empty(await world.DeliveriesAsync(pending.Id));
    }

    [Fact]
    public async Task A_subscriber_answering_500_twice_then_200_gets_exactly_three_tries_each_logged()
    {
        await using var subscriber = await LoopbackSubscriber.StartAsync();
        subscriber.Answer("/flaky", 500, 500);
        await using var app = Host();
        var world = new SnsWorld(app.Services);
        var topic = await world.TopicAsync("flaky");
        var subscription = await world.SubscribeAsync(topic, "http", subscriber.BaseUrl + "/flaky",
            deliveryPolicy: """{"healthyRetryPolicy":{"numRetries":3,"minDelayTarget":1,"maxDelayTarget":1}}""");

        var message = await world.PublishAsync(topic, "retry me");
        var delivery = Assert.Single(await world.SettledAsync(subscription.Id));

        Assert.Equal(SnsDeliveryStatus.Delivered, delivery.Status);
        Assert.Equal(3, delivery.Attempts);
        var requests = subscriber.At("/flaky");
        Assert.Equal(3, requests.Count);
        Assert.All(requests, r => Assert.Equal(message.MessageId, r.Headers["x-amz-sns-message-id"]));
        Assert.All(requests.Zip(requests.Skip(1)), p => Assert.True(p.Second.At - p.First.At >= TimeSpan.FromMilliseconds(900), "retries are a second apart"));
        var attempts = await world.AttemptsAsync(subscription.Id);
        Assert.Equal([500, 500, 200], attempts.Select(a => a.StatusCode ?? 0));
        Assert.Equal([false, false, true], attempts.Select(a => a.Succeeded));
        Assert.All(attempts, a => Assert.Equal(message.MessageId, a.MessageId));
        Assert.Contains("failing on purpose", attempts[0].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_delivery_whose_retries_run_out_fails_and_is_dropped()
    {
        await using var subscriber = await LoopbackSubscriber.StartAsync();
        subscriber.Answer("/down", 503, 503, 503, 503);
        await using var app = Host();
        var world = new SnsWorld(app.Services);
        var topic = await world.TopicAsync("down", deliveryPolicy: """{"http":{"defaultHealthyRetryPolicy":{"numRetries":1,"numNoDelayRetries":1}}}""");
        var subscription = await world.SubscribeAsync(topic, "http", subscriber.BaseUrl + "/down");

        await world.PublishAsync(topic, "nobody home");
        var delivery = Assert.Single(await world.SettledAsync(subscription.Id));

        Assert.Equal(SnsDeliveryStatus.Failed, delivery.Status);
        Assert.Equal(2, delivery.Attempts);
        Assert.StartsWith("HTTP 503", delivery.LastError, StringComparison.Ordinal);
        await Task.Delay(500, Ct);
        Assert.Equal(2, subscriber.At("/down").Count);
    }

    [Fact]
    public async Task A_hanging_subscriber_times_out_and_does_not_delay_another_subscribers_deliveries()
    {
        await using var subscriber = await LoopbackSubscriber.StartAsync();
        subscriber.Delay("/hang", TimeSpan.FromSeconds(60));
        await using var app = Host(timeout: "00:00:05");
        var world = new SnsWorld(app.Services);
        var topic = await world.TopicAsync("mixed");
        var hanging = await world.SubscribeAsync(topic, "http", subscriber.BaseUrl + "/hang");
        var fast = await world.SubscribeAsync(topic, "http", subscriber.BaseUrl + "/fast");

        await world.PublishAsync(topic, "first");
        await subscriber.WaitForAsync("/hang", 1);
        await subscriber.WaitForAsync("/fast", 1);
        var second = DateTimeOffset.UtcNow;
        await world.PublishAsync(topic, "second"); // while the first still hangs
        var fastRequests = await subscriber.WaitForAsync("/fast", 2);

        Assert.Equal(2, fastRequests.Count);
        Assert.True(fastRequests[1].At - second < TimeSpan.FromSeconds(2.5), $"the fast subscriber waited {fastRequests[1].At - second}");
        Assert.Empty(await world.AttemptsAsync(hanging.Id)); // still hanging when the fast one had both

        var deadline = DateTime.UtcNow.AddSeconds(25);
        List<SnsDeliveryAttemptEntity> attempts;
        while ((attempts = await world.AttemptsAsync(hanging.Id)).Count < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, Ct);
        }

        Assert.Equal(2, attempts.Count);
        Assert.All(attempts, a => Assert.False(a.Succeeded));
        Assert.All(attempts, a => Assert.Null(a.StatusCode));
        Assert.All(attempts, a => Assert.InRange(a.DurationMs, 4_900, 12_000));
        Assert.All(attempts, a => Assert.Contains("No answer within 5 s", a.Detail, StringComparison.Ordinal));
        Assert.All(await world.DeliveriesAsync(hanging.Id), d => Assert.Equal(SnsDeliveryStatus.Pending, d.Status)); // retried in 20 s
        Assert.All(await world.DeliveriesAsync(fast.Id), d => Assert.Equal(SnsDeliveryStatus.Delivered, d.Status));
    }

    [Fact]
    public async Task A_private_address_is_refused_unless_its_network_is_allowed()
    {
        await using var app = Host("00:00:02", "127.0.0.1/32", "10.0.0.0/8");
        var world = new SnsWorld(app.Services);
        var topic = await world.TopicAsync("internal");
        var refused = await world.SubscribeAsync(topic, "http", "http://192.168.77.1:9/hook");
        var allowed = await world.SubscribeAsync(topic, "http", "http://10.255.255.1:9/hook",
            deliveryPolicy: """{"healthyRetryPolicy":{"numRetries":0}}""");

        await world.PublishAsync(topic, "secret");
        var refusedDelivery = Assert.Single(await world.SettledAsync(refused.Id));
        var allowedDelivery = Assert.Single(await world.SettledAsync(allowed.Id));

        Assert.Equal(SnsDeliveryStatus.Refused, refusedDelivery.Status);
        var refusal = Assert.Single(await world.AttemptsAsync(refused.Id));
        Assert.False(refusal.Succeeded);
        Assert.InRange(refusal.DurationMs, 0, 999); // no connection was tried
        Assert.Contains("192.168.77.1", refusal.Detail, StringComparison.Ordinal);
        Assert.Contains("Notifications:AllowedSubscriberNetworks", refusal.Detail, StringComparison.Ordinal);

        // The allowed network is called (and, nobody being there, the try fails rather than being refused).
        Assert.Equal(SnsDeliveryStatus.Failed, allowedDelivery.Status);
        var tried = Assert.Single(await world.AttemptsAsync(allowed.Id));
        Assert.DoesNotContain("AllowedSubscriberNetworks", tried.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unsubscribe_confirmation_is_delivered_with_its_token_and_then_the_subscription_is_removed()
    {
        await using var subscriber = await LoopbackSubscriber.StartAsync();
        await using var app = Host();
        var world = new SnsWorld(app.Services);
        var topic = await world.TopicAsync("leaving");
        var subscription = await world.SubscribeAsync(topic, "http", subscriber.BaseUrl + "/bye", SnsSubscriptionStatus.Unsubscribed);

        await world.PublishAsync(topic, "You have chosen to deactivate subscription.", type: SnsMessageType.UnsubscribeConfirmation, subscription: subscription);
        await world.SettledAsync(subscription.Id);

        var request = Assert.Single(subscriber.At("/bye"));
        Assert.Equal("UnsubscribeConfirmation", request.Headers["x-amz-sns-message-type"]);
        using var json = JsonDocument.Parse(request.Body);
        Assert.Equal(subscription.ConfirmationToken, json.RootElement.GetProperty("Token").GetString());
        Assert.True(SnsSignatureCheck.Verify(json.RootElement, await CertificateAsync(app, json.RootElement)));
        await using var db = app.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContext();
        Assert.False(await db.SnsSubscriptions.AnyAsync(s => s.Id == subscription.Id, Ct));
        Assert.Single(await world.AttemptsAsync(subscription.Id));
    }

    /// <summary>The PEM at the message's SigningCertURL, fetched anonymously from the app.</summary>
    internal static async Task<string> CertificateAsync(ConsoleAppFactory app, JsonElement message)
    {
        var url = new Uri(message.GetProperty("SigningCertURL").GetString()!);
        using var client = app.CreateClient();
        using var response = await client.GetAsync(url.PathAndQuery, Ct);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var pem = await response.Content.ReadAsStringAsync(Ct);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", pem, StringComparison.Ordinal);
        return pem;
    }

    private static async Task ConfirmAsync(ConsoleAppFactory app, Guid subscriptionId)
    {
        await using var db = app.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContext();
        await db.SnsSubscriptions.Where(s => s.Id == subscriptionId)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SnsSubscriptionStatus.Confirmed), Ct);
    }

    [GeneratedRegex(@"^https://console\.test:8443/sns/certs/SimpleNotificationService-[0-9a-f]{32}\.pem$")]
    private static partial Regex CertUrl();
}
