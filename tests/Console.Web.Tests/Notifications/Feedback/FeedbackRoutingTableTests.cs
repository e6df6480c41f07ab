using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Features.Sns;
using SesConsole.Web.Tests.Features.Api;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Notifications.Feedback;

/// <summary>
/// The who-receives-what table under sending authorization (docs/notifications.md#feedback-routing-under-delegation), row
/// by row, on a real host with real SQLite: owner A (111111111111) verified a domain and lets account B (222222222222)
/// send as it; B sends through the v2 API over Kestrel (SigV4) to the mailbox simulator, and each test asserts exactly
/// which SNS messages, published events and feedback mails each party gets.
/// </summary>
public sealed class FeedbackRoutingTableTests(SesApiServer api) : IClassFixture<SesApiServer>
{
    private const string A = "111111111111";
    private const string B = "222222222222";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string IdentityArn(string domain, string region = "us-east-1") => $"arn:aws:ses:{region}:{A}:identity/{domain}";

    private static string TopicArn(string account, string name, string region = "us-east-1") => $"arn:aws:sns:{region}:{account}:{name}";

    /// <summary>A topic policy letting SES publish for A's identities (the form the SES guide documents).</summary>
    private static string SesMayPublish(string topicArn) => $$"""
        {"Version":"2012-10-17","Statement":[{"Sid":"ses","Effect":"Allow","Principal":{"Service":"ses.amazonaws.com"},"Action":"SNS:Publish",
          "Resource":"{{topicArn}}","Condition":{"StringEquals":{"aws:SourceAccount":"{{A}}"} } } ] }
        """;

    /// <summary>A policy that lets account B publish, and nobody else (no SES).</summary>
    private static string OnlyB(string topicArn) => $$"""
        {"Version":"2012-10-17","Statement":[{"Sid":"b","Effect":"Allow","Principal":{"AWS":"{{B}}"},"Action":"SNS:Publish","Resource":"{{topicArn}}" } ] }
        """;

    private IDbContextFactory<ConsoleDbContext> Db => api.Service<IDbContextFactory<ConsoleDbContext>>();

    /// <summary>A's verified domain in the given regions, with a policy letting B send as it.</summary>
    private async Task OwnerDomainAsync(string domain, params string[] regions)
    {
        var now = DateTimeOffset.UtcNow;
        await using (var db = await Db.CreateDbContextAsync(Ct))
        {
            foreach (var region in regions.DefaultIfEmpty("us-east-1"))
            {
                db.SendingIdentities.Add(new SendingIdentityEntity
                {
                    Id = Guid.NewGuid(), AccountId = A, Region = region, Type = SendingIdentityType.Domain, Name = domain,
                    VerificationStatus = VerificationStatus.Success, VerificationStatusSince = now, VerifiedAt = now, CreatedAt = now,
                });
            }

            await db.SaveChangesAsync(Ct);
        }

        foreach (var region in regions.DefaultIfEmpty("us-east-1"))
        {
            var document = $$"""
                {"Version":"2012-10-17","Statement":[{"Sid":"AllowB","Effect":"Allow","Principal":{"AWS":"{{B}}"},
                 "Action":["ses:SendEmail","ses:SendRawEmail"],"Resource":"{{IdentityArn(domain, region)}}"}]}
                """;
            using var owner = new SesApiTestClient(api.Server.BaseUrl, api.KeyA.Id, api.KeyA.Secret, region);
            var put = await owner.V2Async(HttpMethod.Post, $"/v2/email/identities/{domain}/policies/p1", JsonSerializer.Serialize(new { Policy = document }));
            Assert.True(put.Status == 200, put.Body);
        }
    }

    /// <summary>A client of a new access key (a principal has at most two: the fixture made one).</summary>
    private async Task<SesApiTestClient> ClientAsync(SesConsole.Web.Features.Principals.Caller caller, string region)
    {
        var created = await api.Service<AccessKeysService>().CreateAsync(caller, null, Ct);
        Assert.True(created.IsSuccess, created.Error?.Message);
        var key = created.Value!;
        return new SesApiTestClient(api.Server.BaseUrl, key.Id, key.Secret, region);
    }

    private async Task TopicAsync(string arn, string? policy)
    {
        var parts = arn.Split(':');
        await using var db = await Db.CreateDbContextAsync(Ct);
        db.SnsTopics.Add(new SnsTopicEntity
        {
            Id = Guid.NewGuid(), AccountId = parts[4], Region = parts[3], Name = parts[5], Arn = arn, Policy = policy, CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync(Ct);
        api.Service<SnsTopicCache>().Invalidate(); // written here, not through the SNS API that drops it
    }

    private async Task SetTopicAsync(string domain, string type, string? arn, int expectedStatus = 200)
    {
        var set = await api.A.V1Async(("Action", "SetIdentityNotificationTopic"), ("Identity", domain), ("NotificationType", type), ("SnsTopic", arn ?? ""));
        Assert.True(set.Status == expectedStatus, set.Body);
    }

    /// <summary>B sends as A's domain to one simulator address; returns the MessageId.</summary>
    private static async Task<string> SendAsBAsync(SesApiTestClient client, string domain, string to, string region = "us-east-1", string? configurationSet = null, string? returnPath = null)
    {
        var sent = await client.V2Async(HttpMethod.Post, "/v2/email/outbound-emails", JsonSerializer.Serialize(new
        {
            FromEmailAddress = $"news@{domain}",
            FromEmailAddressIdentityArn = IdentityArn(domain, region),
            FeedbackForwardingEmailAddress = returnPath,
            FeedbackForwardingEmailAddressIdentityArn = returnPath is null ? null : IdentityArn(domain, region),
            Destination = new { ToAddresses = new[] { to } },
            Content = new { Simple = new { Subject = new { Data = "Feedback routing" }, Body = new { Text = new { Data = "Hello" } } } },
            ConfigurationSetName = configurationSet,
        }));
        Assert.True(sent.Status == 200, sent.Body);
        return sent.Json.GetProperty("MessageId").GetString()!;
    }

    private async Task<List<SnsMessageEntity>> SnsAsync(string messageId)
    {
        await using var db = await Db.CreateDbContextAsync(Ct);
        return await db.SnsMessages.AsNoTracking().Where(m => m.Message.Contains(messageId)).OrderBy(m => m.Id).ToListAsync(Ct);
    }

    private async Task<List<PublishedEventEntity>> PublishedAsync(string messageId)
    {
        await using var db = await Db.CreateDbContextAsync(Ct);
        return await db.PublishedEvents.AsNoTracking().Where(e => e.MessageId == messageId).OrderBy(e => e.Id).ToListAsync(Ct);
    }

    /// <summary>The feedback notices about <paramref name="messageId"/> in the outbox: (recipient, MIME).</summary>
    private async Task<List<(string To, MimeMessage Mime)>> FeedbackMailsAsync(string messageId)
    {
        await using var db = await Db.CreateDbContextAsync(Ct);
        var rows = await db.OutboxMessages.AsNoTracking().Where(m => m.MessageId.StartsWith("feedback.")).ToListAsync(Ct);
        return [.. rows.Where(r => Encoding.UTF8.GetString(r.Mime).Contains(messageId, StringComparison.Ordinal))
            .Select(r => (r.Recipients, MimeMessage.Load(new MemoryStream(r.Mime))))];
    }

    private static JsonElement Json(SnsMessageEntity m) => JsonDocument.Parse(m.Message).RootElement;

    [Theory]
    [InlineData("bounce@simulator.amazonses.com", "Bounce", true)]
    [InlineData("complaint@simulator.amazonses.com", "Delivery,Complaint", true)]
    [InlineData("success@simulator.amazonses.com", "Delivery", false)]
    [InlineData("ooto@simulator.amazonses.com", "Delivery", false)]
    public async Task Owner_topics_fire_for_delegate_sends_as_the_owner_identity_and_forwarding_mails_the_source(string to, string expectedTypes, bool mailed)
    {
        var domain = $"owner-topics-{to.Split('@')[0]}.example";
        await OwnerDomainAsync(domain);
        var topic = TopicArn(A, $"fb-{to.Split('@')[0]}-all");
        await TopicAsync(topic, SesMayPublish(topic));
        foreach (var type in new[] { "Bounce", "Complaint", "Delivery" })
        {
            await SetTopicAsync(domain, type, topic);
        }

        var messageId = await SendAsBAsync(api.B, domain, to);

        var sns = await SnsAsync(messageId);
        Assert.Equal(expectedTypes.Split(',').Order(StringComparer.Ordinal), sns.Select(m => Json(m).GetProperty("notificationType").GetString()!).Order(StringComparer.Ordinal));
        foreach (var m in sns)
        {
            var mail = Json(m).GetProperty("mail");
            Assert.Equal(topic, m.TopicArn);
            Assert.Equal(("ses.amazonaws.com", SnsMessageType.Notification, (string?)null), (m.PublishedBy, m.Type, m.Subject)); // FannedOut is the delivery worker's, which runs beside the test
            Assert.True(Guid.TryParse(m.MessageId, out _));
            Assert.Equal(IdentityArn(domain), mail.GetProperty("sourceArn").GetString());
            Assert.Equal(B, mail.GetProperty("sendingAccountId").GetString());
            Assert.Equal($"news@{domain}", mail.GetProperty("source").GetString());
            Assert.False(string.IsNullOrEmpty(mail.GetProperty("callerIdentity").GetString()));
            Assert.Equal("Feedback routing", mail.GetProperty("commonHeaders").GetProperty("subject").GetString());
            Assert.False(mail.TryGetProperty("headers", out _)); // headers are off by default
            Assert.False(mail.TryGetProperty("tags", out _));
        }

        Assert.Empty(await PublishedAsync(messageId)); // no configuration set named
        var mails = await FeedbackMailsAsync(messageId);
        Assert.Equal(mailed ? [$"news@{domain}"] : Array.Empty<string>(), mails.Select(m => m.To).ToArray());
    }

    [Fact]
    public async Task Owner_topics_fire_only_in_the_identity_region()
    {
        const string domain = "owner-region.example";
        await OwnerDomainAsync(domain, "us-east-1", "eu-west-1");
        var topic = TopicArn(A, "fb-region-deliveries");
        await TopicAsync(topic, SesMayPublish(topic));
        await SetTopicAsync(domain, "Delivery", topic); // in us-east-1 only
        using var bInEurope = await ClientAsync(SesApiServer.OwnerB, "eu-west-1");

        var inUs = await SendAsBAsync(api.B, domain, "success@simulator.amazonses.com");
        var inEu = await SendAsBAsync(bInEurope, domain, "success@simulator.amazonses.com", region: "eu-west-1");

        Assert.Single(await SnsAsync(inUs));
        Assert.Empty(await SnsAsync(inEu));
    }

    [Fact]
    public async Task A_topic_in_another_region_than_the_identity_is_refused()
    {
        const string domain = "owner-topic-region.example";
        await OwnerDomainAsync(domain);
        var topic = TopicArn(A, "fb-eu-topic", "eu-west-1");
        await TopicAsync(topic, SesMayPublish(topic));

        var set = await api.A.V1Async(("Action", "SetIdentityNotificationTopic"), ("Identity", domain), ("NotificationType", "Bounce"), ("SnsTopic", topic));

        Assert.Equal((400, "InvalidParameterValue"), (set.Status, set.V1Code));
    }

    [Fact]
    public async Task The_delegate_configuration_set_fires_for_the_delegate_sends_only_when_named()
    {
        const string domain = "delegate-set.example";
        await OwnerDomainAsync(domain);
        var created = await api.B.V2Async(HttpMethod.Post, "/v2/email/configuration-sets", """{"ConfigurationSetName":"fb-delegate-set"}""");
        Assert.True(created.Status == 200, created.Body);
        var topic = TopicArn(B, "fb-delegate-events");
        await TopicAsync(topic, null); // B's own topic, default policy
        await using (var db = await Db.CreateDbContextAsync(Ct))
        {
            var set = await db.ConfigurationSets.SingleAsync(c => c.AccountId == B && c.Name == "fb-delegate-set", Ct);
            db.ConfigurationSetEventDestinations.AddRange(
                new ConfigurationSetEventDestinationEntity
                {
                    Id = Guid.NewGuid(), ConfigurationSetId = set.Id, Name = "log", MatchingEventTypes = "Send,Delivery,Bounce,Complaint", Kind = EventDestinationKind.EventLog,
                },
                new ConfigurationSetEventDestinationEntity
                {
                    Id = Guid.NewGuid(), ConfigurationSetId = set.Id, Name = "sns", MatchingEventTypes = "Bounce", Kind = EventDestinationKind.Sns, TopicArn = topic,
                });
            await db.SaveChangesAsync(Ct);
        }

        var named = await SendAsBAsync(api.B, domain, "bounce@simulator.amazonses.com", configurationSet: "fb-delegate-set");
        var unnamed = await SendAsBAsync(api.B, domain, "bounce@simulator.amazonses.com");

        var published = await PublishedAsync(named);
        Assert.Equal(["log:Bounce", "log:Send", "sns:Bounce"], published.Select(p => $"{p.DestinationName}:{p.EventType}").Order(StringComparer.Ordinal).ToArray());
        Assert.All(published, p => Assert.Equal((B, "us-east-1", "fb-delegate-set"), (p.AccountId, p.Region, p.ConfigurationSetName)));
        var sns = Assert.Single(await SnsAsync(named));
        var e = Json(sns);
        Assert.Equal(topic, sns.TopicArn);
        Assert.Equal("Bounce", e.GetProperty("eventType").GetString());
        Assert.False(e.TryGetProperty("notificationType", out _));
        Assert.Equal(IdentityArn(domain), e.GetProperty("mail").GetProperty("sourceArn").GetString());
        Assert.Equal(B, e.GetProperty("mail").GetProperty("sendingAccountId").GetString());
        Assert.Equal("fb-delegate-set", e.GetProperty("mail").GetProperty("tags").GetProperty("ses:configuration-set")[0].GetString());
        Assert.Empty(await PublishedAsync(unnamed));
        Assert.Empty(await SnsAsync(unnamed));

        // The owner set up nothing: forwarding (on by default) mails both bounces to the Source.
        Assert.Single(await FeedbackMailsAsync(named));
        Assert.Single(await FeedbackMailsAsync(unnamed));
    }

    [Fact]
    public async Task An_owner_topic_of_the_delegate_account_works_when_its_policy_lets_ses_publish_and_is_refused_or_skipped_otherwise()
    {
        const string domain = "delegate-topic.example";
        await OwnerDomainAsync(domain);
        var allowed = TopicArn(B, "fb-delegate-bounces");
        var refused = TopicArn(B, "fb-delegate-closed");
        await TopicAsync(allowed, SesMayPublish(allowed));
        await TopicAsync(refused, OnlyB(refused));

        await SetTopicAsync(domain, "Bounce", allowed);
        var refusal = await api.A.V1Async(("Action", "SetIdentityNotificationTopic"), ("Identity", domain), ("NotificationType", "Complaint"), ("SnsTopic", refused));
        var first = await SendAsBAsync(api.B, domain, "bounce@simulator.amazonses.com");

        Assert.Equal((400, "InvalidParameterValue"), (refusal.Status, refusal.V1Code));
        var sns = Assert.Single(await SnsAsync(first));
        Assert.Equal(allowed, sns.TopicArn);

        // B closes its topic to SES afterwards: the publish is skipped (logged), forwarding still mails the bounce.
        await using (var db = await Db.CreateDbContextAsync(Ct))
        {
            var topic = await db.SnsTopics.SingleAsync(t => t.Arn == allowed, Ct);
            topic.Policy = OnlyB(allowed);
            await db.SaveChangesAsync(Ct);
            api.Service<SnsTopicCache>().Invalidate();
        }

        var second = await SendAsBAsync(api.B, domain, "bounce@simulator.amazonses.com");

        Assert.Empty(await SnsAsync(second));
        Assert.Single(await FeedbackMailsAsync(second));
    }

    [Fact]
    public async Task Forwarding_off_with_topics_mails_nothing_and_clearing_a_topic_while_off_brings_the_safety_net_mail()
    {
        const string domain = "forwarding-off.example";
        await OwnerDomainAsync(domain);
        var topic = TopicArn(A, "fb-forwarding-off");
        await TopicAsync(topic, SesMayPublish(topic));
        await SetTopicAsync(domain, "Bounce", topic);
        await SetTopicAsync(domain, "Complaint", topic);
        var off = await api.A.V1Async(("Action", "SetIdentityFeedbackForwardingEnabled"), ("Identity", domain), ("ForwardingEnabled", "false"));
        Assert.True(off.Status == 200, off.Body);

        var withTopics = await SendAsBAsync(api.B, domain, "bounce@simulator.amazonses.com");

        Assert.Single(await SnsAsync(withTopics));
        Assert.Empty(await FeedbackMailsAsync(withTopics));

        await SetTopicAsync(domain, "Bounce", null); // allowed while forwarding is off; it stays off
        var attributes = await api.A.V1Async(("Action", "GetIdentityNotificationAttributes"), ("Identities.member.1", domain));
        var entry = attributes.Xml.Descendants(SesApiTestClient.Ns + "value").Single();
        Assert.Equal("false", entry.Element(SesApiTestClient.Ns + "ForwardingEnabled")!.Value);
        Assert.Null(entry.Element(SesApiTestClient.Ns + "BounceTopic"));

        var safetyNet = await SendAsBAsync(api.B, domain, "bounce@simulator.amazonses.com");
        var complaint = await SendAsBAsync(api.B, domain, "complaint@simulator.amazonses.com");

        Assert.Empty(await SnsAsync(safetyNet));
        Assert.Equal([$"news@{domain}"], (await FeedbackMailsAsync(safetyNet)).Select(m => m.To).ToArray());
        Assert.Equal(["Complaint"], (await SnsAsync(complaint)).Select(m => Json(m).GetProperty("notificationType").GetString()).ToArray());
        Assert.Empty(await FeedbackMailsAsync(complaint)); // the complaint topic still takes complaints
    }

    [Fact]
    public async Task Forwarding_mails_a_bounce_notice_to_the_return_path_and_the_notice_gets_no_feedback_of_its_own()
    {
        const string domain = "return-path.example";
        await OwnerDomainAsync(domain);

        var messageId = await SendAsBAsync(api.B, domain, "bounce@simulator.amazonses.com", returnPath: $"bounces@{domain}");

        var (to, notice) = Assert.Single(await FeedbackMailsAsync(messageId));
        Assert.Equal($"bounces@{domain}", to);
        Assert.Equal("MAILER-DAEMON@amazonses.com", notice.From.Mailboxes.Single().Address);
        var report = Assert.IsType<MultipartReport>(notice.Body);
        Assert.Equal("delivery-status", report.ReportType);
        var status = Assert.IsAssignableFrom<MimePart>(report[1]);
        Assert.Equal("message/delivery-status", status.ContentType.MimeType);
        using var text = new MemoryStream();
        status.Content!.DecodeTo(text, Ct);
        Assert.Contains("Final-Recipient: rfc822; bounce@simulator.amazonses.com", Encoding.ASCII.GetString(text.ToArray()), StringComparison.Ordinal);
        Assert.Equal("text/rfc822-headers", report[2].ContentType.MimeType);

        // Delivered like any mail, it raises no events and so no feedback about feedback.
        var stored = await api.Server.App.Services.DeliveredAsync(notice.MessageId!, Ct);
        await using var db = await Db.CreateDbContextAsync(Ct);
        var noticeId = (await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Recipients == to && m.MessageId.StartsWith("feedback."), Ct)).MessageId;
        Assert.False(await db.SendEvents.AnyAsync(e => e.MessageId == noticeId, Ct));
        Assert.NotNull(stored);
    }

    [Fact]
    public async Task No_feedback_mail_goes_to_an_address_on_the_sender_suppression_list()
    {
        const string domain = "suppressed-feedback.example";
        await OwnerDomainAsync(domain);
        var put = await api.B.V2Async(HttpMethod.Put, "/v2/email/suppression/addresses", JsonSerializer.Serialize(new { EmailAddress = $"news@{domain}", Reason = "BOUNCE" }));
        Assert.True(put.Status == 200, put.Body);

        var messageId = await SendAsBAsync(api.B, domain, "bounce@simulator.amazonses.com");

        Assert.Empty(await FeedbackMailsAsync(messageId));
    }

    [Fact]
    public async Task Headers_are_included_only_for_the_types_that_asked_for_them()
    {
        const string domain = "headers.example";
        await OwnerDomainAsync(domain);
        var topic = TopicArn(A, "fb-headers");
        await TopicAsync(topic, SesMayPublish(topic));
        await SetTopicAsync(domain, "Bounce", topic);
        await SetTopicAsync(domain, "Delivery", topic);
        var on = await api.A.V1Async(("Action", "SetIdentityHeadersInNotificationsEnabled"), ("Identity", domain), ("NotificationType", "Bounce"), ("Enabled", "true"));
        Assert.True(on.Status == 200, on.Body);

        var bounced = await SendAsBAsync(api.B, domain, "bounce@simulator.amazonses.com");
        var delivered = await SendAsBAsync(api.B, domain, "success@simulator.amazonses.com");

        var bounceMail = Json(Assert.Single(await SnsAsync(bounced))).GetProperty("mail");
        var deliveryMail = Json(Assert.Single(await SnsAsync(delivered))).GetProperty("mail");
        Assert.False(bounceMail.GetProperty("headersTruncated").GetBoolean());
        Assert.Contains(bounceMail.GetProperty("headers").EnumerateArray(), h => h.GetProperty("name").GetString() == "Subject" && h.GetProperty("value").GetString() == "Feedback routing");
        Assert.False(deliveryMail.TryGetProperty("headers", out _));
        Assert.True(deliveryMail.TryGetProperty("commonHeaders", out _));
    }
}
