using System.Text.Json;
using SesConsole.Domain.Sending;
using SesConsole.Domain.Sending.Events;
using static SesConsole.Domain.Tests.Sending.SendWorld;

namespace SesConsole.Domain.Tests.Sending;

public sealed class SendEventsTests
{
    private static async Task<AcceptedMessage> Accepted(params string[] to)
    {
        var world = new SendWorld();
        world.Suppression.Entries[(DelegateAccount, "gone@example.org")] = SuppressionReason.Bounce;
        var outcome = await world.Run(Simple(Alice, "sender@example.com", OwnerDomainArn, to) with { Tags = new Dictionary<string, string> { ["campaign"] = "fall" } });
        return outcome.Accepted!;
    }

    [Fact]
    public async Task ForAccepted_SendPlusSyntheticOutcomes()
    {
        var message = await Accepted("gone@example.org", "to@example.org", "success@simulator.amazonses.com", "bounce@simulator.amazonses.com",
            "complaint@simulator.amazonses.com", "suppressionlist@simulator.amazonses.com");

        var events = SendEvents.ForAccepted(message);

        Assert.Equal([SendEventType.Send, SendEventType.Bounce, SendEventType.Delivery, SendEventType.Bounce, SendEventType.Bounce, SendEventType.Complaint],
            events.Select(e => e.Type));
        Assert.Equal(("Permanent", "OnAccountSuppressionList"), (events[1].Bounce!.BounceType, events[1].Bounce!.BounceSubType));
        Assert.Equal(["success@simulator.amazonses.com", "complaint@simulator.amazonses.com"], events[2].Delivery!.Recipients);
        Assert.Equal(("Permanent", "General"), (events[3].Bounce!.BounceType, events[3].Bounce!.BounceSubType));
        Assert.Equal(("Permanent", "Suppressed"), (events[4].Bounce!.BounceType, events[4].Bounce!.BounceSubType));
        Assert.Equal("abuse", events[5].Complaint!.ComplaintFeedbackType);
        Assert.All(events, e => Assert.False(e.FeedsSuppressionList));
        Assert.All(events, e => Assert.False(e.CountsTowardReputation));
    }

    [Fact]
    public async Task Serialize_Bounce_HasSesFieldsUnderDelegation()
    {
        var message = await Accepted("bounce@simulator.amazonses.com");
        var bounce = SendEvents.ForAccepted(message).Single(e => e.Type == SendEventType.Bounce);

        using var json = JsonDocument.Parse(SesNotificationJson.Serialize(bounce));

        var root = json.RootElement;
        Assert.Equal("Bounce", root.GetProperty("notificationType").GetString());
        var mail = root.GetProperty("mail");
        Assert.Equal(OwnerDomainArn, mail.GetProperty("sourceArn").GetString());
        Assert.Equal(DelegateAccount, mail.GetProperty("sendingAccountId").GetString());
        Assert.Equal("Alice", mail.GetProperty("callerIdentity").GetString());
        Assert.Equal(message.MessageId, mail.GetProperty("messageId").GetString());
        Assert.Equal("sender@example.com", mail.GetProperty("source").GetString());
        Assert.Equal("2026-11-28T12:00:00.000Z", mail.GetProperty("timestamp").GetString());
        Assert.Equal("192.0.2.10", mail.GetProperty("sourceIp").GetString());
        Assert.Equal(["bounce@simulator.amazonses.com"], mail.GetProperty("destination").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("fall", mail.GetProperty("tags").GetProperty("campaign")[0].GetString());
        var b = root.GetProperty("bounce");
        Assert.Equal("Permanent", b.GetProperty("bounceType").GetString());
        Assert.Equal("General", b.GetProperty("bounceSubType").GetString());
        var recipient = b.GetProperty("bouncedRecipients")[0];
        Assert.Equal("bounce@simulator.amazonses.com", recipient.GetProperty("emailAddress").GetString());
        Assert.Equal("5.1.1", recipient.GetProperty("status").GetString());
        Assert.True(b.TryGetProperty("feedbackId", out _));
        Assert.True(b.TryGetProperty("reportingMTA", out _));
    }

    [Fact]
    public async Task Serialize_EventPublishing_UsesEventTypeAndEmptySendObject()
    {
        var send = SendEvents.ForAccepted(await Accepted("to@example.org"))[0];

        using var json = JsonDocument.Parse(SesNotificationJson.Serialize(send, NotificationFormat.EventPublishing));

        Assert.Equal("Send", json.RootElement.GetProperty("eventType").GetString());
        Assert.Equal(JsonValueKind.Object, json.RootElement.GetProperty("send").ValueKind);
        Assert.False(json.RootElement.TryGetProperty("notificationType", out _));
    }

    [Fact]
    public async Task Serialize_ComplaintDeliveryAndDelay()
    {
        var message = await Accepted("complaint@simulator.amazonses.com");
        var mail = MailInfo.From(message);
        var events = SendEvents.ForAccepted(message);
        var delay = SendEvents.DeliveryDelay(mail, "TransientCommunicationFailure",
            [new DelayedRecipient("x@example.org", "4.4.1", "smtp; 421 try later")], Now.AddMinutes(5), Now.AddHours(24));

        using var complaint = JsonDocument.Parse(SesNotificationJson.Serialize(events.Single(e => e.Type == SendEventType.Complaint)));
        using var delivery = JsonDocument.Parse(SesNotificationJson.Serialize(events.Single(e => e.Type == SendEventType.Delivery)));
        using var delayed = JsonDocument.Parse(SesNotificationJson.Serialize(delay, NotificationFormat.EventPublishing));

        Assert.Equal("complaint@simulator.amazonses.com", complaint.RootElement.GetProperty("complaint").GetProperty("complainedRecipients")[0].GetProperty("emailAddress").GetString());
        Assert.Equal(JsonValueKind.Null, complaint.RootElement.GetProperty("complaint").GetProperty("complaintSubType").ValueKind);
        Assert.Equal("250 2.6.0 Message received", delivery.RootElement.GetProperty("delivery").GetProperty("smtpResponse").GetString());
        Assert.Equal("DeliveryDelay", delayed.RootElement.GetProperty("eventType").GetString());
        Assert.Equal("TransientCommunicationFailure", delayed.RootElement.GetProperty("deliveryDelay").GetProperty("delayType").GetString());
        Assert.Equal("2026-11-29T12:00:00.000Z", delayed.RootElement.GetProperty("deliveryDelay").GetProperty("expirationTime").GetString());
    }

    [Fact]
    public async Task FeedsSuppressionList_OnlyRealHardBouncesAndComplaints()
    {
        var mail = MailInfo.From(await Accepted("to@example.org"));

        var hard = SendEvents.Bounce(mail, "Permanent", "NoEmail", [new BouncedRecipient("to@example.org")], Now);
        var soft = SendEvents.Bounce(mail, "Transient", "MailboxFull", [new BouncedRecipient("to@example.org")], Now);

        Assert.True(hard.FeedsSuppressionList);
        Assert.True(hard.CountsTowardReputation);
        Assert.False(soft.FeedsSuppressionList);
        Assert.False(soft.CountsTowardReputation);
    }

    [Fact]
    public async Task Stored_without_mail_and_put_back_together_a_notification_is_byte_for_byte_what_SES_writes()
    {
        var message = await Accepted("to@example.org", "bounce@simulator.amazonses.com", "complaint@simulator.amazonses.com");

        foreach (var e in SendEvents.ForAccepted(message))
        {
            var mail = SesNotificationJson.SerializeMail(e.Mail);
            var withoutMail = SesNotificationJson.SerializeWithoutMail(e);
            Assert.DoesNotContain("\"mail\"", withoutMail, StringComparison.Ordinal);
            Assert.Equal(SesNotificationJson.Serialize(e), SesNotificationJson.WithMail(withoutMail, mail));
            Assert.Equal(SesNotificationJson.Serialize(e), SesNotificationJson.WithMail(SesNotificationJson.Serialize(e), mail)); // full JSON stays as it is

            var stored = SesNotificationJson.SerializeStoredMail(e.Mail, e.Mail.Source, e.Mail.SourceArn);
            Assert.DoesNotContain(e.Mail.MessageId, stored, StringComparison.Ordinal);
            var read = SesNotificationJson.ReadStoredMail(stored, e.Mail.Timestamp, e.Mail.MessageId, e.Mail.SendingAccountId, e.Mail.Source, e.Mail.SourceArn);
            Assert.Equal(mail, SesNotificationJson.SerializeMail(read));
        }
    }
}


public sealed class FeedbackRoutingTests
{
    private static readonly SendEvent Bounce = SendEvents.Bounce(
        new MailInfo(Now, "m", "m@us-east-1.amazonses.com", OwnerDomainArn, null, DelegateAccount, "Alice", ["x@example.org"]),
        "Permanent", "General", [new BouncedRecipient("x@example.org")], Now);

    private static readonly EventDestination DelegateBounces = new("delegate-sns", new HashSet<SendEventType> { SendEventType.Bounce });

    [Fact]
    public void Route_OwnerTopicDelegateSetAndForwarding_AllReceive()
    {
        var targets = FeedbackRouting.Route(Bounce, new IdentityNotificationSettings(BounceTopicArn: "arn:aws:sns:us-east-1:888888888888:bounces"),
            [DelegateBounces], "sender@example.com");

        Assert.Equal(
            [new FeedbackTarget(FeedbackChannel.IdentityTopic, "arn:aws:sns:us-east-1:888888888888:bounces"),
             new FeedbackTarget(FeedbackChannel.ConfigurationSetDestination, "delegate-sns"),
             new FeedbackTarget(FeedbackChannel.EmailForwarding, "sender@example.com")],
            targets);
    }

    [Fact]
    public void Route_ForwardingOffAndNoChannel_FallbackEmail()
    {
        var targets = FeedbackRouting.Route(Bounce, new IdentityNotificationSettings(ForwardingEnabled: false), [], "sender@example.com");

        Assert.Equal([new FeedbackTarget(FeedbackChannel.FallbackEmail, "sender@example.com")], targets);
    }

    [Fact]
    public void Route_ForwardingOffButDelegateSetTakesBounces_NoEmail()
    {
        var targets = FeedbackRouting.Route(Bounce, new IdentityNotificationSettings(ForwardingEnabled: false), [DelegateBounces], "sender@example.com");

        Assert.Equal([new FeedbackTarget(FeedbackChannel.ConfigurationSetDestination, "delegate-sns")], targets);
    }

    [Fact]
    public void Route_Delivery_NeverEmailed()
    {
        var delivery = SendEvents.Delivery(Bounce.Mail, ["x@example.org"], Now, "250 ok");

        Assert.Empty(FeedbackRouting.Route(delivery, new IdentityNotificationSettings(), [], "sender@example.com"));
    }
}

public sealed class SendQuotaMathTests
{
    [Fact]
    public void FitsDailyQuota_UnlimitedAndBoundary()
    {
        Assert.True(SendQuotaMath.FitsDailyQuota(-1, 1e9, 50));
        Assert.True(SendQuotaMath.FitsDailyQuota(200, 150, 50));
        Assert.False(SendQuotaMath.FitsDailyQuota(200, 151, 50));
        Assert.True(SendQuotaMath.FitsDailyQuota(0, 0, 0));
    }

    [Fact]
    public void TokenBucket_RefillsAtTheRate()
    {
        var bucket = SendQuotaMath.Full(2, Now);

        Assert.True(SendQuotaMath.TryTake(ref bucket, 2, 2, Now));
        Assert.False(SendQuotaMath.TryTake(ref bucket, 2, 1, Now.AddMilliseconds(100)));
        Assert.True(SendQuotaMath.TryTake(ref bucket, 2, 1, Now.AddMilliseconds(600)));
    }

    [Fact]
    public void TokenBucket_MessageLargerThanCapacity_PassesWhenFull()
    {
        var bucket = SendQuotaMath.Full(1, Now);

        Assert.True(SendQuotaMath.TryTake(ref bucket, 1, 50, Now));
        Assert.Equal(0, bucket.Tokens);
    }
}

public sealed class MailAddressAndSimulatorTests
{
    [Theory]
    [InlineData("a@example.com", "a@example.com", null)]
    [InlineData("John Doe <john@example.com>", "john@example.com", "John Doe")]
    [InlineData("\"Doe, John\" <john@example.com>", "john@example.com", "Doe, John")]
    [InlineData("x@Bücher.example", "x@xn--bcher-kva.example", null)]
    public void Parse_Valid(string text, string address, string? display)
    {
        var parsed = MailAddress.Parse(text).GetValueOrThrow();

        Assert.Equal((address, display), (parsed.Address, parsed.DisplayName));
    }

    [Theory]
    [InlineData("no-at-sign")]
    [InlineData("@example.com")]
    [InlineData("a b@example.com")]
    [InlineData("é@example.com")]
    [InlineData("a@localhost")]
    [InlineData("Name <a@example.com")]
    public void Parse_Invalid(string text)
    {
        Assert.Equal("message.invalid_address", MailAddress.Parse(text).Error!.Code);
    }

    [Theory]
    [InlineData("success@simulator.amazonses.com", SimulatorScenario.Success)]
    [InlineData("bounce+label1@simulator.amazonses.com", SimulatorScenario.Bounce)]
    [InlineData("OOTO@Simulator.AmazonSES.com", SimulatorScenario.OutOfOffice)]
    [InlineData("complaint@simulator.amazonses.com", SimulatorScenario.Complaint)]
    [InlineData("suppressionlist@simulator.amazonses.com", SimulatorScenario.SuppressionList)]
    [InlineData("other@simulator.amazonses.com", SimulatorScenario.None)]
    [InlineData("success@example.com", SimulatorScenario.None)]
    public void Classify(string address, SimulatorScenario expected)
    {
        Assert.Equal(expected, MailboxSimulator.Classify(address));
    }
}
