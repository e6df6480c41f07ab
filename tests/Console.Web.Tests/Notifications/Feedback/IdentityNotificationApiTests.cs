using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Web.Features.Sns;
using SesConsole.Web.Tests.Features.Api;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Notifications.Feedback;

/// <summary>
/// The identity notification settings through both SES APIs over Kestrel (docs/notifications.md#identity-notifications):
/// v1 SetIdentityNotificationTopic / GetIdentityNotificationAttributes / SetIdentityFeedbackForwardingEnabled /
/// SetIdentityHeadersInNotificationsEnabled, v2 PutEmailIdentityFeedbackAttributes and GetEmailIdentity's
/// FeedbackForwardingStatus, with SES's errors; a delegate gets the not-found shapes for the owner's identity.
/// </summary>
public sealed class IdentityNotificationApiTests(SesApiServer api) : IClassFixture<SesApiServer>
{
    private static readonly XNamespace Ns = SesApiTestClient.Ns;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> IdentityWithTopicAsync(string domain)
    {
        var now = DateTimeOffset.UtcNow;
        var topic = $"arn:aws:sns:us-east-1:111111111111:{domain.Replace('.', '-')}";
        await using var db = await api.Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct);
        db.SendingIdentities.Add(new SendingIdentityEntity
        {
            Id = Guid.NewGuid(), AccountId = "111111111111", Region = "us-east-1", Type = SendingIdentityType.Domain, Name = domain,
            VerificationStatus = VerificationStatus.Success, VerificationStatusSince = now, VerifiedAt = now, CreatedAt = now,
        });
        db.SnsTopics.Add(new SnsTopicEntity
        {
            Id = Guid.NewGuid(), AccountId = "111111111111", Region = "us-east-1", Name = domain.Replace('.', '-'), Arn = topic, CreatedAt = now,
            Policy = $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ses.amazonaws.com"},"Action":"SNS:Publish","Resource":"{{topic}}"}]}""",
        });
        await db.SaveChangesAsync(Ct);
        api.Service<SnsTopicCache>().Invalidate(); // written here, not through the SNS API that drops it
        return topic;
    }

    private static Task<SesApiResponse> V1Async(SesApiTestClient client, string action, params (string, string)[] fields) =>
        client.V1Async([("Action", action), .. fields]);

    private async Task<XElement> AttributesAsync(string identity)
    {
        var got = await V1Async(api.A, "GetIdentityNotificationAttributes", ("Identities.member.1", identity), ("Identities.member.2", "unknown.example"));
        Assert.True(got.Status == 200, got.Body);
        return Assert.Single(got.Xml.Descendants(Ns + "entry"));
    }

    [Fact]
    public async Task V1_set_and_get_topics_headers_and_forwarding()
    {
        const string domain = "api-settings.example";
        var topic = await IdentityWithTopicAsync(domain);

        var defaults = await AttributesAsync(domain);
        var bounce = await V1Async(api.A, "SetIdentityNotificationTopic", ("Identity", domain), ("NotificationType", "Bounce"), ("SnsTopic", topic));
        var complaint = await V1Async(api.A, "SetIdentityNotificationTopic", ("Identity", domain), ("NotificationType", "Complaint"), ("SnsTopic", topic));
        var headers = await V1Async(api.A, "SetIdentityHeadersInNotificationsEnabled", ("Identity", domain), ("NotificationType", "Complaint"), ("Enabled", "true"));
        var off = await V1Async(api.A, "SetIdentityFeedbackForwardingEnabled", ("Identity", domain), ("ForwardingEnabled", "false"));
        var after = await AttributesAsync(domain);

        Assert.Equal(domain, defaults.Element(Ns + "key")!.Value);
        var d = defaults.Element(Ns + "value")!;
        Assert.Equal(("true", "false", "false", "false"), (d.Element(Ns + "ForwardingEnabled")!.Value, d.Element(Ns + "HeadersInBounceNotificationsEnabled")!.Value,
            d.Element(Ns + "HeadersInComplaintNotificationsEnabled")!.Value, d.Element(Ns + "HeadersInDeliveryNotificationsEnabled")!.Value));
        Assert.Null(d.Element(Ns + "BounceTopic"));
        Assert.All(new[] { bounce, complaint, headers, off }, r => Assert.True(r.Status == 200, r.Body));
        var a = after.Element(Ns + "value")!;
        Assert.Equal((topic, topic, (string?)null), (a.Element(Ns + "BounceTopic")!.Value, a.Element(Ns + "ComplaintTopic")!.Value, a.Element(Ns + "DeliveryTopic")?.Value));
        Assert.Equal(("false", "true"), (a.Element(Ns + "ForwardingEnabled")!.Value, a.Element(Ns + "HeadersInComplaintNotificationsEnabled")!.Value));
    }

    [Fact]
    public async Task V1_errors_bad_type_bad_arn_unknown_topic_forwarding_rule_and_the_delegate()
    {
        const string domain = "api-errors.example";
        var topic = await IdentityWithTopicAsync(domain);

        var badType = await V1Async(api.A, "SetIdentityNotificationTopic", ("Identity", domain), ("NotificationType", "bounce"), ("SnsTopic", topic));
        var badArn = await V1Async(api.A, "SetIdentityNotificationTopic", ("Identity", domain), ("NotificationType", "Bounce"), ("SnsTopic", "not-an-arn"));
        var missing = await V1Async(api.A, "SetIdentityNotificationTopic", ("Identity", domain), ("NotificationType", "Bounce"),
            ("SnsTopic", "arn:aws:sns:us-east-1:111111111111:no-such-topic"));
        await V1Async(api.A, "SetIdentityNotificationTopic", ("Identity", domain), ("NotificationType", "Bounce"), ("SnsTopic", topic));
        var rule = await V1Async(api.A, "SetIdentityFeedbackForwardingEnabled", ("Identity", domain), ("ForwardingEnabled", "false"));
        var badBool = await V1Async(api.A, "SetIdentityFeedbackForwardingEnabled", ("Identity", domain), ("ForwardingEnabled", "yes"));
        var delegateSet = await V1Async(api.B, "SetIdentityNotificationTopic", ("Identity", domain), ("NotificationType", "Bounce"), ("SnsTopic", ""));
        var delegateGet = await V1Async(api.B, "GetIdentityNotificationAttributes", ("Identities.member.1", domain));

        Assert.Equal((400, "InvalidParameterValue"), (badType.Status, badType.V1Code));
        Assert.Equal((400, "InvalidParameterValue"), (badArn.Status, badArn.V1Code));
        Assert.Equal((400, "InvalidParameterValue"), (missing.Status, missing.V1Code));
        Assert.Equal((400, "InvalidParameterValue"), (rule.Status, rule.V1Code));
        Assert.Contains($"Feedback notification topic not set on identity {domain} for notification type(s) Complaint.", rule.Body, StringComparison.Ordinal);
        Assert.Equal((400, "InvalidParameterValue"), (badBool.Status, badBool.V1Code));
        Assert.Equal((400, "MessageRejected"), (delegateSet.Status, delegateSet.V1Code));
        Assert.Equal(200, delegateGet.Status);
        Assert.Empty(delegateGet.Xml.Descendants(Ns + "entry"));
        Assert.Equal(topic, (await AttributesAsync(domain)).Element(Ns + "value")!.Element(Ns + "BounceTopic")!.Value); // the delegate changed nothing
    }

    [Fact]
    public async Task V2_put_feedback_attributes_and_get_email_identity_status()
    {
        const string domain = "api-v2.example";
        var topic = await IdentityWithTopicAsync(domain);
        var path = $"/v2/email/identities/{domain}";

        var refused = await api.A.V2Async(HttpMethod.Put, path + "/feedback", """{"EmailForwardingEnabled":false}""");
        var before = await api.A.V2Async(HttpMethod.Get, path);
        foreach (var type in new[] { "Bounce", "Complaint" })
        {
            await V1Async(api.A, "SetIdentityNotificationTopic", ("Identity", domain), ("NotificationType", type), ("SnsTopic", topic));
        }

        var off = await api.A.V2Async(HttpMethod.Put, path + "/feedback", """{"EmailForwardingEnabled":false}""");
        var after = await api.A.V2Async(HttpMethod.Get, path);
        var delegatePut = await api.B.V2Async(HttpMethod.Put, path + "/feedback", """{"EmailForwardingEnabled":true}""");
        var wrongType = await api.A.V2Async(HttpMethod.Put, path + "/feedback", """{"EmailForwardingEnabled":"no"}""");

        Assert.Equal((400, "BadRequestException"), (refused.Status, refused.ErrorType));
        Assert.True(before.Json.GetProperty("FeedbackForwardingStatus").GetBoolean());
        Assert.Equal((200, "{}"), (off.Status, off.Body));
        Assert.False(after.Json.GetProperty("FeedbackForwardingStatus").GetBoolean());
        Assert.Equal((404, "NotFoundException"), (delegatePut.Status, delegatePut.ErrorType));
        Assert.Equal((400, "BadRequestException"), (wrongType.Status, wrongType.ErrorType));
        Assert.False((await api.A.V2Async(HttpMethod.Get, path)).Json.GetProperty("FeedbackForwardingStatus").GetBoolean());
    }

    [Fact]
    public async Task Clearing_a_topic_while_forwarding_is_off_is_allowed_and_leaves_it_off()
    {
        const string domain = "api-clear.example";
        var topic = await IdentityWithTopicAsync(domain);
        foreach (var type in new[] { "Bounce", "Complaint" })
        {
            await V1Async(api.A, "SetIdentityNotificationTopic", ("Identity", domain), ("NotificationType", type), ("SnsTopic", topic));
        }

        await V1Async(api.A, "SetIdentityFeedbackForwardingEnabled", ("Identity", domain), ("ForwardingEnabled", "false"));

        var cleared = await V1Async(api.A, "SetIdentityNotificationTopic", ("Identity", domain), ("NotificationType", "Complaint"));
        var value = (await AttributesAsync(domain)).Element(Ns + "value")!;

        Assert.Equal(200, cleared.Status);
        Assert.Null(value.Element(Ns + "ComplaintTopic"));
        Assert.Equal("false", value.Element(Ns + "ForwardingEnabled")!.Value);
    }
}
