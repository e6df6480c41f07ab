using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Notifications;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Sns;

/// <summary>One console on a real Kestrel port whose operator allows the subscriber network 10.9.0.0/16 (loopback is allowed in Development).</summary>
public sealed class SnsApiServer : IAsyncLifetime
{
    public static readonly Caller OwnerA = new("sns-a", "owner@example.com", "111111111111", null, "arn:aws:iam::111111111111:root", false);
    public static readonly Caller OwnerB = new("sns-b", "delegate@example.com", "222222222222", null, "arn:aws:iam::222222222222:root", false);

    public KestrelConsoleAppFactory Server { get; } = new();

    public NewAccessKey KeyA { get; private set; } = null!;

    public NewAccessKey KeyB { get; private set; } = null!;

    public T Service<T>() where T : notnull => Server.App.Services.CreateScope().ServiceProvider.GetRequiredService<T>();

    public SesApiTestClient Client(NewAccessKey key, string service) => new(Server.BaseUrl, key.Id, key.Secret, service: service);

    public async ValueTask InitializeAsync()
    {
        Server.App.Settings["Notifications:AllowedSubscriberNetworks:0"] = "10.9.0.0/16";
        Server.Start();
        var keys = Service<AccessKeysService>();
        KeyA = (await keys.CreateAsync(OwnerA, null, TestContext.Current.CancellationToken)).Value!;
        KeyB = (await keys.CreateAsync(OwnerB, null, TestContext.Current.CancellationToken)).Value!;
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>The SNS Query API over real Kestrel: the real @aws-sdk/client-sns (tests/sdk-client/sns-topics.mjs), routing, and the data contract with the delivery worker.</summary>
public sealed class SnsApiTests(SnsApiServer sns) : IClassFixture<SnsApiServer>
{
    private static readonly XNamespace Ns = "http://sns.amazonaws.com/doc/2010-03-31/";

    [Fact]
    public async Task AWS_SDK_creates_subscribes_lists_publishes_and_deletes_with_SNS_errors()
    {
        var output = await KestrelConsoleAppFactory.RunNodeAsync("sns-topics.mjs", new Dictionary<string, string>
        {
            ["SNS_ENDPOINT"] = sns.Server.BaseUrl, ["SNS_REGION"] = "us-east-1", ["SNS_KEY"] = sns.KeyA.Id, ["SNS_SECRET"] = sns.KeyA.Secret,
            ["OTHER_KEY"] = sns.KeyB.Id, ["OTHER_SECRET"] = sns.KeyB.Secret, ["OTHER_ACCOUNT"] = "222222222222",
            ["HOOK_URL"] = "http://127.0.0.1:9/hook", ["PRIVATE_URL"] = "http://10.1.2.3/hook",
        });

        using var doc = JsonDocument.Parse(output);
        var r = doc.RootElement;
        const string Arn = "arn:aws:sns:us-east-1:111111111111:sdk-alerts";
        Assert.Equal(Arn, r.GetProperty("create").GetString());
        Assert.Equal(Arn, r.GetProperty("createAgain").GetString());
        Assert.Equal("InvalidParameterException", Error(r, "createDifferent").GetProperty("name").GetString());
        Assert.Contains(Arn, r.GetProperty("list").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("pending confirmation", r.GetProperty("subscribe").GetString());
        Assert.StartsWith(Arn + ":", r.GetProperty("subscribeEmail").GetString(), StringComparison.Ordinal);
        var refused = Error(r, "subscribePrivate");
        Assert.Equal("InvalidParameterException", refused.GetProperty("name").GetString());
        Assert.Contains("10.1.2.3", refused.GetProperty("message").GetString(), StringComparison.Ordinal);
        var subscriptions = r.GetProperty("subscriptions").EnumerateArray().ToList();
        Assert.Equal(2, subscriptions.Count);
        Assert.All(subscriptions, s => Assert.Equal("PendingConfirmation", s.GetProperty("arn").GetString()));
        Assert.Contains(subscriptions, s => s.GetProperty("endpoint").GetString() == "http://127.0.0.1:9/hook" && s.GetProperty("protocol").GetString() == "http");
        Assert.True(Guid.TryParse(r.GetProperty("publish").GetString(), out _), output);
        var attributes = r.GetProperty("attributes");
        Assert.Equal("111111111111", attributes.GetProperty("Owner").GetString());
        Assert.Equal("Alerts", attributes.GetProperty("DisplayName").GetString());
        Assert.Equal("2", attributes.GetProperty("SubscriptionsPending").GetString());
        Assert.Contains("__default_policy_ID", attributes.GetProperty("Policy").GetString(), StringComparison.Ordinal);
        var denied = Error(r, "otherPublish");
        Assert.Equal("AuthorizationErrorException", denied.GetProperty("name").GetString());
        Assert.Equal(403, denied.GetProperty("status").GetInt32());
        var badPolicy = Error(r, "badPolicy");
        Assert.Equal("InvalidParameterException", badPolicy.GetProperty("name").GetString());
        Assert.Matches(@"SNS:Pubish.*\(line 1, column \d+\)", badPolicy.GetProperty("message").GetString());
        Assert.Equal("ok", r.GetProperty("grant").GetString());
        Assert.True(Guid.TryParse(r.GetProperty("otherPublishGranted").GetString(), out _), output);
        Assert.Equal("ok", r.GetProperty("delete").GetString());
        var gone = Error(r, "afterDelete");
        Assert.Equal("NotFoundException", gone.GetProperty("name").GetString());
        Assert.Equal(404, gone.GetProperty("status").GetInt32());

        // Deleting the topic removed its subscriptions and messages.
        await using var db = await sns.Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);
        Assert.False(await db.SnsSubscriptions.AnyAsync(s => s.TopicArn == Arn, TestContext.Current.CancellationToken));
        Assert.False(await db.SnsMessages.AnyAsync(m => m.TopicArn == Arn, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Subscribe_stores_a_confirmation_for_the_worker_and_the_link_confirms_then_unsubscribes()
    {
        var ct = TestContext.Current.CancellationToken;
        using var a = sns.Client(sns.KeyA, "sns");
        var arn = Value(await Q(a, "sns", ("Action", "CreateTopic"), ("Version", "2010-03-31"), ("Name", "contract")), "TopicArn");
        var subscribed = await Q(a, "sns", ("Action", "Subscribe"), ("Version", "2010-03-31"), ("TopicArn", arn), ("Protocol", "https"),
            ("Endpoint", "https://10.9.1.1/hook"), ("ReturnSubscriptionArn", "true"));
        var subscriptionArn = Value(subscribed, "SubscriptionArn");

        await using var db = await sns.Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(ct);
        var subscription = await db.SnsSubscriptions.AsNoTracking().SingleAsync(s => s.Arn == subscriptionArn, ct);
        Assert.Equal(SnsSubscriptionStatus.PendingConfirmation, subscription.Status);
        Assert.True(subscription.ConfirmationToken!.Length >= 64);
        var confirmation = await db.SnsMessages.AsNoTracking().SingleAsync(m => m.SubscriptionId == subscription.Id, ct);
        Assert.Equal(SnsMessageType.SubscriptionConfirmation, confirmation.Type);
        Assert.Equal($"You have chosen to subscribe to the topic {arn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.", confirmation.Message);

        using var http = new HttpClient();
        var wrong = await http.GetAsync(SnsUrls.SubscribeUrl(sns.Server.BaseUrl, arn, "not-the-token"), ct);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var confirmed = await http.GetAsync(SnsUrls.SubscribeUrl(sns.Server.BaseUrl, arn, subscription.ConfirmationToken), ct);
        var confirmedXml = XDocument.Parse(await confirmed.Content.ReadAsStringAsync(ct)).Root!;
        Assert.Equal(Ns + "ConfirmSubscriptionResponse", confirmedXml.Name);
        Assert.Equal(subscriptionArn, confirmedXml.Descendants(Ns + "SubscriptionArn").Single().Value);

        var published = await Q(a, "sns", ("Action", "Publish"), ("Version", "2010-03-31"), ("TopicArn", arn), ("Message", "m1"));
        var messageId = Value(published, "MessageId");
        var notification = await db.SnsMessages.AsNoTracking().SingleAsync(m => m.MessageId == messageId, ct);
        Assert.Equal(SnsMessageType.Notification, notification.Type); // the delivery worker fans it out (docs/notifications.md#delivery)

        var unsubscribed = await http.GetAsync(SnsUrls.UnsubscribeUrl(sns.Server.BaseUrl, subscriptionArn), ct);
        Assert.Equal(Ns + "UnsubscribeResponse", XDocument.Parse(await unsubscribed.Content.ReadAsStringAsync(ct)).Root!.Name);
        // Unsubscribed until the worker has tried its UnsubscribeConfirmation (refused here: a private address), then removed.
        var after = await db.SnsSubscriptions.AsNoTracking().SingleOrDefaultAsync(s => s.Arn == subscriptionArn, ct);
        Assert.True(after is null || (after.Status == SnsSubscriptionStatus.Unsubscribed && after.ConfirmationToken is not null), after?.Status.ToString());
        Assert.True(await db.SnsMessages.AnyAsync(m => m.SubscriptionId == subscription.Id && m.Type == SnsMessageType.UnsubscribeConfirmation, ct));
    }

    [Fact]
    public async Task Post_root_is_routed_by_the_signatures_service_SES_still_works()
    {
        using var ses = sns.Client(sns.KeyA, "ses");
        using var snsClient = sns.Client(sns.KeyA, "sns");
        using var sts = sns.Client(sns.KeyA, "sts");

        var sesAnswer = await ses.V1Async(("Action", "ListIdentities"));
        var snsAnswer = await Q(snsClient, "sns", ("Action", "ListTopics"), ("Version", "2010-03-31"));
        var stsAnswer = await Q(sts, "sts", ("Action", "GetCallerIdentity"), ("Version", "2011-06-15"));
        var unknown = await Q(snsClient, "sns", ("Action", "CreatePlatformApplication"), ("Version", "2010-03-31"));

        Assert.Equal(200, sesAnswer.Status);
        Assert.Equal("ListIdentitiesResponse", sesAnswer.Xml.Name.LocalName);
        Assert.Equal(200, snsAnswer.Status);
        Assert.Equal(Ns + "ListTopicsResponse", snsAnswer.Xml.Name);
        Assert.Equal("GetCallerIdentityResponse", stsAnswer.Xml.Name.LocalName);
        Assert.Equal(400, unknown.Status);
        Assert.Equal("InvalidAction", unknown.Xml.Descendants(Ns + "Code").Single().Value);
    }

    [Fact]
    public async Task Errors_have_SNS_shape_and_status()
    {
        using var a = sns.Client(sns.KeyA, "sns");
        var arn = Value(await Q(a, "sns", ("Action", "CreateTopic"), ("Version", "2010-03-31"), ("Name", "errors")), "TopicArn");

        var badName = await Q(a, "sns", ("Action", "CreateTopic"), ("Version", "2010-03-31"), ("Name", "no spaces"));
        var missing = await Q(a, "sns", ("Action", "Publish"), ("Version", "2010-03-31"), ("TopicArn", "arn:aws:sns:us-east-1:111111111111:nope"), ("Message", "x"));
        var tooLong = await Q(a, "sns", ("Action", "Publish"), ("Version", "2010-03-31"), ("TopicArn", arn), ("Message", new string('x', 256 * 1024 + 1)));
        var subject = await Q(a, "sns", ("Action", "Publish"), ("Version", "2010-03-31"), ("TopicArn", arn), ("Message", "x"), ("Subject", new string('s', 101)));
        var protocol = await Q(a, "sns", ("Action", "Subscribe"), ("Version", "2010-03-31"), ("TopicArn", arn), ("Protocol", "sms"), ("Endpoint", "+15555550100"));
        var delivery = await Q(a, "sns", ("Action", "SetTopicAttributes"), ("Version", "2010-03-31"), ("TopicArn", arn), ("AttributeName", "DeliveryPolicy"),
            ("AttributeValue", """{"http": {"defaultHealthyRetryPolicy": {"numRetries": "three"}}}"""));
        using var forged = new SesApiTestClient(sns.Server.BaseUrl, sns.KeyA.Id, "wrong-secret", service: "sns");
        var badSignature = await Q(forged, "sns", ("Action", "ListTopics"), ("Version", "2010-03-31"));

        foreach (var (answer, code, status) in new[] { (badName, "InvalidParameter", 400), (missing, "NotFound", 404), (tooLong, "InvalidParameter", 400),
                     (subject, "InvalidParameter", 400), (protocol, "InvalidParameter", 400), (delivery, "InvalidParameter", 400), (badSignature, "SignatureDoesNotMatch", 403) })
        {
            Assert.Equal(status, answer.Status);
            Assert.Equal(Ns + "ErrorResponse", answer.Xml.Name);
            Assert.Equal(code, answer.Xml.Descendants(Ns + "Code").Single().Value);
            Assert.False(string.IsNullOrEmpty(answer.Xml.Element(Ns + "RequestId")?.Value));
        }
    }

    [Fact]
    public async Task Another_accounts_topics_are_not_listed_and_not_readable()
    {
        using var a = sns.Client(sns.KeyA, "sns");
        using var b = sns.Client(sns.KeyB, "sns");
        var arn = Value(await Q(a, "sns", ("Action", "CreateTopic"), ("Version", "2010-03-31"), ("Name", "private-a")), "TopicArn");

        var listed = await Q(b, "sns", ("Action", "ListTopics"), ("Version", "2010-03-31"));
        var read = await Q(b, "sns", ("Action", "GetTopicAttributes"), ("Version", "2010-03-31"), ("TopicArn", arn));
        var subscribe = await Q(b, "sns", ("Action", "Subscribe"), ("Version", "2010-03-31"), ("TopicArn", arn), ("Protocol", "email"), ("Endpoint", "b@example.com"));

        Assert.DoesNotContain(arn, listed.Body, StringComparison.Ordinal);
        Assert.Equal("AuthorizationError", read.Xml.Descendants(Ns + "Code").Single().Value);
        Assert.Equal(403, subscribe.Status);
    }

    private static Task<SesApiResponse> Q(SesApiTestClient client, string service, params (string Name, string Value)[] fields) =>
        client.SendAsync(service, HttpMethod.Post, "/", SesApiTestClient.Form(fields), "application/x-www-form-urlencoded");

    private static JsonElement Error(JsonElement r, string step) => r.GetProperty(step).GetProperty("error");

    private static string Value(SesApiResponse response, string element)
    {
        Assert.True(response.Status == 200, response.Body);
        return response.Xml.Descendants(Ns + element).Single().Value;
    }
}
