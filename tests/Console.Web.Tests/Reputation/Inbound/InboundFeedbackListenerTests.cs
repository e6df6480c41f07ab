using System.Text.Json;
using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data.Entities;
using SesConsole.Domain.Sending.Steps;
using SesConsole.Web.Reputation.Inbound;
using SesConsole.Web.Sending;

namespace SesConsole.Web.Tests.Reputation.Inbound;

/// <summary>
/// The inbound feedback listener over a real port with MailKit's SmtpClient (docs/reputation.md#inbound-feedback):
/// which return addresses it takes, and what a DSN, an ARF report, an auto-reply or garbage to a delegate's message does.
/// </summary>
public sealed class InboundFeedbackListenerTests(InboundFeedbackWorld world) : IClassFixture<InboundFeedbackWorld>
{
    private const string A = InboundFeedbackWorld.A;
    private const string B = InboundFeedbackWorld.B;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Accepted_mail_carries_a_tagged_return_address_in_the_default_bounce_domain()
    {
        await world.OwnerDomainAsync("verp-shape.example");

        var messageId = await world.SendAsBAsync("verp-shape.example", "reader@verp-shape.example.net");
        var envelope = await world.EnvelopeOfAsync(messageId);

        Assert.Matches($"^{messageId}-[a-z2-7]{{10}}@us-east-1\\.amazonses\\.com$", envelope);
        Assert.True(ReturnAddress.TryParse(envelope, out var parsed));
        Assert.Equal(messageId, parsed.MessageId);
        Assert.Equal(messageId, await world.Service<ReturnAddresses>().VerifyAsync(envelope, Ct));
    }

    [Fact]
    public async Task The_key_is_stored_once_protected_and_a_fresh_instance_makes_the_same_tags()
    {
        await world.OwnerDomainAsync("verp-key.example");
        var messageId = await world.SendAsBAsync("verp-key.example", "reader@verp-key.example.net");
        var envelope = await world.EnvelopeOfAsync(messageId);

        await using var db = await world.Db.CreateDbContextAsync(Ct);
        var secret = await db.InstallationSecrets.AsNoTracking().SingleAsync(s => s.Name == ReturnAddresses.KeyName, Ct);
        using var fresh = new ReturnAddresses(world.Db, world.Service<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>(),
            world.Service<Microsoft.Extensions.Options.IOptions<FeedbackOptions>>(), TimeProvider.System);

        Assert.StartsWith("CfDJ8", secret.ProtectedValue, StringComparison.Ordinal); // a Data Protection payload, not the key
        Assert.Equal(envelope.Split('@')[0], await fresh.LocalPartAsync(messageId, Ct));
    }

    [Fact]
    public async Task Rcpt_to_unknown_forged_or_wrong_domain_addresses_is_refused_with_550_5_1_1()
    {
        await world.OwnerDomainAsync("rcpt-refused.example");
        var messageId = await world.SendAsBAsync("rcpt-refused.example", "reader@rcpt-refused.example.net");
        var envelope = await world.EnvelopeOfAsync(messageId);
        var local = envelope.Split('@')[0];
        var tag = local[^10..];
        var forgedTag = (tag[0] == 'a' ? 'b' : 'a') + tag[1..];
        const string unsent = "0100019a00000000-99999999-8888-7777-6666-555555555555-000000";
        var unsentLocal = await world.Service<ReturnAddresses>().LocalPartAsync(unsent, Ct);

        string[] refused =
        [
            "postmaster@us-east-1.amazonses.com",
            $"{messageId}@us-east-1.amazonses.com", // untagged, the old form
            $"{messageId}-{forgedTag}@us-east-1.amazonses.com",
            $"{local}@eu-west-1.amazonses.com",
            $"{local}@attacker.example",
            $"{unsentLocal}@us-east-1.amazonses.com", // a genuine tag, but no such message
        ];
        foreach (var address in refused)
        {
            var refusal = await world.RcptAsync(address);

            Assert.NotNull(refusal);
            Assert.Equal(SmtpStatusCode.MailboxUnavailable, refusal.StatusCode);
            Assert.Contains("5.1.1", refusal.Message, StringComparison.Ordinal);
        }

        Assert.Null(await world.RcptAsync(envelope));
        Assert.Null(await world.RcptAsync(envelope.ToUpperInvariant()));
        Assert.Equal([InboundFeedbackKind.AutoReply, InboundFeedbackKind.AutoReply], (await world.InboundAsync(messageId)).Select(f => f.Kind));
    }

    [Fact]
    public async Task A_dsn_records_a_permanent_bounce_charged_to_the_delegate_suppresses_on_its_list_and_fans_out_to_the_identity_topic()
    {
        const string domain = "dsn-permanent.example";
        const string reader = "gone@dsn-permanent.example.net";
        await world.OwnerDomainAsync(domain);
        var topic = await world.OwnerTopicAsync(domain, "Bounce");
        var messageId = await world.SendAsBAsync(domain, reader, "stays@dsn-permanent.example.net");
        var envelope = await world.EnvelopeOfAsync(messageId);

        await world.SendReportAsync(FeedbackMime.Postfix(envelope, messageId, reader), envelope);

        var bounce = Assert.Single(await world.EventsAsync(messageId, "Bounce"));
        Assert.Equal((B, A, reader, true), (bounce.AccountId, bounce.OwnerAccountId, bounce.Recipient, bounce.CountsTowardReputation));
        var json = JsonDocument.Parse(bounce.Json).RootElement.GetProperty("bounce");
        Assert.Equal(("Permanent", "NoEmail", "dns; mx.example.net"), (json.GetProperty("bounceType").GetString(), json.GetProperty("bounceSubType").GetString(), json.GetProperty("reportingMTA").GetString()));
        var recipient = Assert.Single(json.GetProperty("bouncedRecipients").EnumerateArray());
        Assert.Equal((reader, "failed", "5.1.1"), (recipient.GetProperty("emailAddress").GetString(), recipient.GetProperty("action").GetString(), recipient.GetProperty("status").GetString()));
        Assert.StartsWith("smtp; 550 5.1.1", recipient.GetProperty("diagnosticCode").GetString(), StringComparison.Ordinal);
        Assert.Equal("BOUNCE", await world.SuppressedAsync(B, reader));
        Assert.Null(await world.SuppressedAsync(A, reader));
        Assert.Null(await world.SuppressedAsync(B, "stays@dsn-permanent.example.net"));
        Assert.Equal((1, 0, 0), await world.BucketsAsync(B, domain));
        Assert.Equal((0, 0, 0), await world.BucketsAsync(A, domain));
        var kept = Assert.Single(await world.InboundAsync(messageId));
        Assert.Equal((InboundFeedbackKind.Bounce, true, B, envelope), (kept.Kind, kept.Recorded, kept.AccountId, kept.EnvelopeTo));
        await using (var db = await world.Db.CreateDbContextAsync(Ct))
        {
            var sns = await db.SnsMessages.AsNoTracking().Where(m => m.TopicArn == topic && m.Message.Contains(messageId)).ToListAsync(Ct);
            var notification = JsonDocument.Parse(Assert.Single(sns).Message).RootElement;
            Assert.Equal("Bounce", notification.GetProperty("notificationType").GetString());
            Assert.Equal(B, notification.GetProperty("mail").GetProperty("sendingAccountId").GetString());
        }

        // The same report again (an MTA retrying) is kept, and counts nothing the second time.
        await world.SendReportAsync(FeedbackMime.Postfix(envelope, messageId, reader), envelope);

        Assert.Single(await world.EventsAsync(messageId, "Bounce"));
        Assert.Equal((1, 0, 0), await world.BucketsAsync(B, domain));
        Assert.Equal([true, false], (await world.InboundAsync(messageId)).Select(f => f.Recorded));
    }

    [Fact]
    public async Task A_dsn_after_the_outbox_row_went_with_its_body_is_recorded_from_the_attempt()
    {
        // docs/storage-and-retention.md#outbox-rows: the row goes a day after delivery; feedback can come later.
        const string domain = "dsn-after-purge.example";
        const string reader = "gone@dsn-after-purge.example.net";
        await world.OwnerDomainAsync(domain);
        var topic = await world.OwnerTopicAsync(domain, "Bounce");
        var set = await world.ClientB.V2Async(HttpMethod.Post, "/v2/email/configuration-sets", """{"ConfigurationSetName":"after-purge"}""");
        Assert.True(set.Status == 200, set.Body);
        var sent = await world.ClientB.V2Async(HttpMethod.Post, "/v2/email/outbound-emails", JsonSerializer.Serialize(new
        {
            FromEmailAddress = $"news@{domain}", FromEmailAddressIdentityArn = InboundFeedbackWorld.IdentityArn(domain),
            FeedbackForwardingEmailAddress = $"bounces@{domain}", FeedbackForwardingEmailAddressIdentityArn = InboundFeedbackWorld.IdentityArn(domain),
            ConfigurationSetName = "after-purge", Destination = new { ToAddresses = new[] { reader } },
            Content = new { Simple = new { Subject = new { Data = "Hello" }, Body = new { Text = new { Data = "Hello" } } } },
        }));
        Assert.True(sent.Status == 200, sent.Body);
        var messageId = sent.Json.GetProperty("MessageId").GetString()!;
        var envelope = await world.EnvelopeOfAsync(messageId);
        await using (var db = await world.Db.CreateDbContextAsync(Ct))
        {
            for (var i = 0; i < 200 && !await db.SendEvents.AnyAsync(e => e.MessageId == messageId && e.Type == "Delivery", Ct); i++)
            {
                await Task.Delay(50, Ct);
            }

            var whileKept = (await MessageMailReader.FindAsync(db, messageId, Ct))!.Value;
            Assert.Equal(1, await db.OutboxMessages.Where(m => m.MessageId == messageId && m.Status == OutboxStatus.Delivered).ExecuteDeleteAsync(Ct));
            var (subject, mail) = (await MessageMailReader.FindAsync(db, messageId, Ct))!.Value;

            Assert.Equal(whileKept.Message with { Mime = null }, subject);
            Assert.Equal((B, "after-purge", $"bounces@{domain}"), (subject.AccountId, subject.ConfigurationSetName, subject.FeedbackAddress));
            Assert.Equal([reader], mail.Info.Destination);
            Assert.True(mail.HeldByAttempt);
        }

        Assert.Null(await world.RcptAsync(envelope));
        await world.SendReportAsync(FeedbackMime.Postfix(envelope, messageId, reader), envelope);

        var bounce = Assert.Single(await world.EventsAsync(messageId, "Bounce"));
        Assert.Equal((B, A, reader, true), (bounce.AccountId, bounce.OwnerAccountId, bounce.Recipient, bounce.CountsTowardReputation));
        Assert.Equal("BOUNCE", await world.SuppressedAsync(B, reader));
        Assert.Equal((1, 0, 0), await world.BucketsAsync(B, domain));
        await using (var db = await world.Db.CreateDbContextAsync(Ct))
        {
            var sns = await db.SnsMessages.AsNoTracking().Where(m => m.TopicArn == topic && m.Message.Contains(messageId)).ToListAsync(Ct);
            var mail = JsonDocument.Parse(Assert.Single(sns).Message).RootElement.GetProperty("mail");
            Assert.Equal((B, reader), (mail.GetProperty("sendingAccountId").GetString(), mail.GetProperty("destination")[0].GetString()));
        }

        // Still refused without the row: the right local part in another domain, and a genuine tag for a message never sent.
        var (local, domainPart) = (envelope.Split('@')[0], envelope.Split('@')[1]);
        var unsent = await world.Service<ReturnAddresses>().LocalPartAsync(AcceptStep.NewMessageId(DateTimeOffset.UtcNow, Guid.NewGuid()), Ct);
        foreach (var address in new[] { $"{local}@attacker.example", $"{local}@eu-west-1.amazonses.com", $"{unsent}@{domainPart}" })
        {
            var refusal = await world.RcptAsync(address);
            Assert.True(refusal?.StatusCode == SmtpStatusCode.MailboxUnavailable, address);
        }
    }

    [Fact]
    public async Task A_dsn_with_the_null_sender_over_a_plain_socket_is_recorded()
    {
        const string domain = "dsn-null-sender.example";
        const string reader = "nobody@dsn-null-sender.example.net";
        await world.OwnerDomainAsync(domain);
        var messageId = await world.SendAsBAsync(domain, reader);
        var envelope = await world.EnvelopeOfAsync(messageId);
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(System.Net.IPAddress.Loopback, world.InboundPort, Ct);
        await using var stream = tcp.GetStream();
        using var lines = new StreamReader(stream, System.Text.Encoding.ASCII);
        await using var writer = new StreamWriter(stream, System.Text.Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        async Task<string> ReplyAsync()
        {
            string line;
            do
            {
                line = await lines.ReadLineAsync(Ct) ?? "";
            }
            while (line.Length > 3 && line[3] == '-');
            return line;
        }

        Assert.StartsWith("220", await ReplyAsync(), StringComparison.Ordinal);
        await writer.WriteLineAsync("EHLO mx.example.net");
        Assert.StartsWith("250", await ReplyAsync(), StringComparison.Ordinal);
        await writer.WriteLineAsync("MAIL FROM:<>");
        Assert.StartsWith("250", await ReplyAsync(), StringComparison.Ordinal);
        await writer.WriteLineAsync($"RCPT TO:<{envelope}>");
        Assert.StartsWith("250", await ReplyAsync(), StringComparison.Ordinal);
        await writer.WriteLineAsync("DATA");
        Assert.StartsWith("354", await ReplyAsync(), StringComparison.Ordinal);
        await writer.WriteAsync(System.Text.Encoding.ASCII.GetString(FeedbackMime.Bytes(FeedbackMime.Postfix(envelope, messageId, reader))));
        await writer.WriteLineAsync("\r\n.");
        Assert.StartsWith("250", await ReplyAsync(), StringComparison.Ordinal);
        await writer.WriteLineAsync("QUIT");

        var kept = Assert.Single(await world.InboundAsync(messageId));
        Assert.Equal(("", InboundFeedbackKind.Bounce, true), (kept.EnvelopeFrom, kept.Kind, kept.Recorded));
        Assert.Single(await world.EventsAsync(messageId, "Bounce"));
    }

    [Fact]
    public async Task A_transient_dsn_records_a_soft_bounce_and_suppresses_nothing()
    {
        const string domain = "dsn-transient.example";
        const string reader = "full@dsn-transient.example.net";
        await world.OwnerDomainAsync(domain);
        var messageId = await world.SendAsBAsync(domain, reader);
        var envelope = await world.EnvelopeOfAsync(messageId);

        await world.SendReportAsync(FeedbackMime.EximMailboxFull(envelope, messageId, reader), envelope);

        var bounce = Assert.Single(await world.EventsAsync(messageId, "Bounce"));
        Assert.False(bounce.CountsTowardReputation);
        Assert.Equal("Transient", JsonDocument.Parse(bounce.Json).RootElement.GetProperty("bounce").GetProperty("bounceType").GetString());
        Assert.Null(await world.SuppressedAsync(B, reader));
        Assert.Equal((0, 1, 0), await world.BucketsAsync(B, domain));
    }

    [Fact]
    public async Task An_arf_report_records_a_complaint_for_the_delegate_and_suppresses_the_complainer()
    {
        const string domain = "arf-ours.example";
        const string reader = "annoyed@arf-ours.example.net";
        await world.OwnerDomainAsync(domain);
        var messageId = await world.SendAsBAsync(domain, reader, "happy@arf-ours.example.net");
        var envelope = await world.EnvelopeOfAsync(messageId);

        await world.SendReportAsync(FeedbackMime.Arf(envelope, messageId, reader), envelope);

        var complaint = Assert.Single(await world.EventsAsync(messageId, "Complaint"));
        Assert.Equal((B, reader, true), (complaint.AccountId, complaint.Recipient, complaint.CountsTowardReputation));
        var json = JsonDocument.Parse(complaint.Json).RootElement.GetProperty("complaint");
        Assert.Equal(("abuse", "Mail.Example-FBL/1.0"), (json.GetProperty("complaintFeedbackType").GetString(), json.GetProperty("userAgent").GetString()));
        Assert.Equal("COMPLAINT", await world.SuppressedAsync(B, reader));
        Assert.Null(await world.SuppressedAsync(B, "happy@arf-ours.example.net"));
        Assert.Equal((0, 0, 1), await world.BucketsAsync(B, domain));
    }

    [Fact]
    public async Task An_arf_report_naming_another_message_is_kept_and_counts_nothing()
    {
        const string domain = "arf-other.example";
        const string reader = "reader@arf-other.example.net";
        await world.OwnerDomainAsync(domain);
        var ours = await world.SendAsBAsync(domain, reader);
        var other = await world.SendAsBAsync(domain, reader);
        var envelope = await world.EnvelopeOfAsync(ours);

        await world.SendReportAsync(FeedbackMime.Arf(envelope, other, reader), envelope);

        Assert.Empty(await world.EventsAsync(ours, "Complaint"));
        Assert.Empty(await world.EventsAsync(other, "Complaint"));
        Assert.Null(await world.SuppressedAsync(B, reader));
        Assert.Equal((0, 0, 0), await world.BucketsAsync(B, domain));
        var kept = Assert.Single(await world.InboundAsync(ours));
        Assert.Equal((InboundFeedbackKind.Unparsed, false), (kept.Kind, kept.Recorded));
        Assert.Contains(other, kept.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Garbage_is_kept_as_unparsed_and_the_listener_keeps_answering()
    {
        const string domain = "garbage.example";
        await world.OwnerDomainAsync(domain);
        var messageId = await world.SendAsBAsync(domain, "reader@garbage.example.net");
        var envelope = await world.EnvelopeOfAsync(messageId);

        await world.SendReportAsync("Content-Type: multipart/report; report-type=delivery-status; boundary=zz\r\n\r\n--zz\r\nContent-Type: message/delivery-status\r\n\r\n\u00ff\u00fe garbage\r\n--zz", envelope);
        await world.SendReportAsync(FeedbackMime.Vacation(envelope), envelope);

        var kept = await world.InboundAsync(messageId);
        Assert.Equal([InboundFeedbackKind.Unparsed, InboundFeedbackKind.AutoReply], kept.Select(f => f.Kind));
        Assert.All(kept, f => Assert.False(f.Recorded));
        Assert.NotEmpty(kept[0].Mime);
        Assert.Empty(await world.EventsAsync(messageId, "Bounce"));
    }
}
