using SesConsole.Web.Features.Sending;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Sending;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Sending.Delivery;
using SesConsole.Web.Sending;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Sending;

/// <summary>The demo world with the background delivery worker off: the tests run delivery themselves.</summary>
public sealed class WorkerOffAppFixture() : AppFixture(new Dictionary<string, string?> { ["Sending:Delivery:PollInterval"] = "00:00:00" });

/// <summary>
/// Events the delivery worker writes for messages accepted through <see cref="SendService"/>, and the mailbox simulator's
/// out-of-the-office auto-reply.
/// </summary>
public sealed class DeliveryEventsTests(WorkerOffAppFixture app) : IClassFixture<WorkerOffAppFixture>
{
    private const string Arn = "arn:aws:ses:us-east-1:111111111111:identity/brand.example";
    private const string SourceIp = "198.51.100.7";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task EnsureDelegatedDomainAsync()
    {
        await using var db = app.Db();
        if (await db.SendingIdentities.AnyAsync(i => i.Name == "brand.example", Ct))
        {
            return;
        }

        await app.Get<IdentitiesService>().CreateDomainAsync(app.OwnerA, "us-east-1", "brand.example", new NewDomainIdentity { DkimKeyLength = 1024 }, Ct);
        var identity = await db.SendingIdentities.SingleAsync(i => i.Name == "brand.example", Ct);
        (identity.VerificationStatus, identity.DkimStatus, identity.DkimSigningEnabled) = (VerificationStatus.Success, VerificationStatus.Success, true);
        db.IdentityPolicies.Add(new IdentityPolicyEntity
        {
            Id = Guid.NewGuid(), IdentityId = identity.Id, Name = "Delegate", UpdatedBy = "test", Document = """
                { "Version": "2012-10-17", "Statement": [ { "Sid": "AllowAgency", "Effect": "Allow", "Principal": { "AWS": "222222222222" },
                  "Action": ["ses:SendEmail", "ses:SendRawEmail"], "Resource": "arn:aws:ses:us-east-1:111111111111:identity/brand.example" } ] }
                """,
        });
        await db.SaveChangesAsync(Ct);
    }

    /// <summary>The delegate's IAM user "mailer" sends as the owner's brand.example through the real send path.</summary>
    private async Task<string> SendAsDelegateAsync(IReadOnlyList<string> to, string? returnPath = null)
    {
        await EnsureDelegatedDomainAsync();
        var service = app.Get<SendService>();
        var caller = await service.CallerAsync(app.IamUserB, SourceIp, secureTransport: true, Ct);
        var request = new SendRequest(caller, SendApi.V2Simple, "us-east-1", DateTimeOffset.UtcNow, new SimpleContent(to, Subject: "Spring sale", TextBody: "Body"))
        {
            Source = "Brand News <news@brand.example>",
            FromArn = Arn,
            SourceArn = Arn,
            ReturnPath = returnPath,
        };
        var outcome = await service.SendAsync(request, "Test", Ct);
        Assert.True(outcome.IsAccepted, outcome.Rejection?.Error.Message);
        return outcome.MessageId!;
    }

    private OutboxDelivery Delivery(IMailTransport transport, TimeProvider time) =>
        new(app.Factory.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>(), transport,
            Options.Create(new DeliveryOptions()), time, NullLogger<OutboxDelivery>.Instance);

    [Fact]
    public async Task DeliveryDelay_Bounce_and_Delivery_events_carry_the_Send_events_whole_mail_object_and_their_own_recipients_in_the_detail()
    {
        string[] to = ["reader@customer.example", "gone@customer.example", "success@simulator.amazonses.com"];
        var messageId = await SendAsDelegateAsync(to);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow.AddSeconds(1));
        var transport = new ScriptedTransport(app.Factory.Services.GetRequiredService<IMailTransport>(),
            new Error(MailTransportErrors.RelayFailed, "421 4.4.1 try later"),
            new Error(MailTransportErrors.RecipientRejected, "550 5.1.1 no such user", "gone@customer.example"));

        await Delivery(transport, time).DeliverDueAsync(Ct); // relay down: DeliveryDelay for both transport recipients
        time.Advance(new DeliveryOptions().RetryDelay);
        await Delivery(transport, time).DeliverDueAsync(Ct); // gone@ refused: a Permanent bounce for it
        await Delivery(transport, time).DeliverDueAsync(Ct); // reader@ delivered to the sink

        // As shown: the Send event is the attempt's mail, the others are stored without it and shown with it.
        await using var db = app.Db();
        Assert.All(await db.SendEvents.AsNoTracking().Where(e => e.MessageId == messageId).Select(e => e.Json).ToListAsync(Ct),
            json => Assert.Null(JsonNode.Parse(json)!["mail"]));
        var events = (await app.Get<SendingActivityService>().MessageAsync(app.IamUserB, messageId, Ct)).Value!.Events;
        var send = JsonNode.Parse(events.Single(e => e.Type == "Send").Json)!;
        var delay = JsonNode.Parse(events.Single(e => e.Type == "DeliveryDelay").Json)!;
        var bounce = JsonNode.Parse(events.Single(e => e.Type == "Bounce").Json)!;
        var delivery = JsonNode.Parse(events.Single(e => e.Type == "Delivery" && e.Recipient == "reader@customer.example").Json)!;
        foreach (var e in new[] { delay, bounce, delivery })
        {
            var mail = e["mail"]!;
            Assert.True(JsonNode.DeepEquals(send["mail"], mail), $"{e["notificationType"]}: {mail.ToJsonString()} differs from the Send event's {send["mail"]!.ToJsonString()}");
            Assert.Equal("mailer", (string?)mail["callerIdentity"]);
            Assert.Equal(SourceIp, (string?)mail["sourceIp"]);
            Assert.Equal(to, mail["destination"]!.AsArray().Select(d => (string?)d));
            Assert.Equal(Arn, (string?)mail["sourceArn"]);
            Assert.Equal("222222222222", (string?)mail["sendingAccountId"]);
            Assert.Equal(messageId, (string?)mail["messageId"]);
        }

        Assert.Equal(["reader@customer.example", "gone@customer.example"], delay["deliveryDelay"]!["delayedRecipients"]!.AsArray().Select(r => (string?)r!["emailAddress"]));
        Assert.Equal(["gone@customer.example"], bounce["bounce"]!["bouncedRecipients"]!.AsArray().Select(r => (string?)r!["emailAddress"]));
        Assert.Equal("Permanent", (string?)bounce["bounce"]!["bounceType"]);
        Assert.Equal(["reader@customer.example"], delivery["delivery"]!["recipients"]!.AsArray().Select(r => (string?)r));
        Assert.Equal("111111111111", (await db.SendEvents.SingleAsync(e => e.MessageId == messageId && e.Type == "Bounce", Ct)).OwnerAccountId);
    }

    [Fact]
    public async Task A_message_to_ooto_gets_one_RFC_3834_auto_reply_to_its_Return_Path_through_the_sink_even_when_delivery_runs_again()
    {
        var returnPath = $"bounces-{Guid.NewGuid():N}@brand.example";
        var messageId = await SendAsDelegateAsync(["ooto@simulator.amazonses.com"], returnPath);

        var row = await app.Factory.Services.DeliveredAsync(SimulatorAutoReply.Prefix + messageId, Ct);

        Assert.Equal(returnPath, row.Recipients);
        Assert.Equal("222222222222", row.AccountId);
        var reply = await MimeMessage.LoadAsync(new MemoryStream(row.Mime), Ct);
        Assert.Equal("auto-replied", reply.Headers["Auto-Submitted"]);
        Assert.Equal(returnPath, Assert.Single(reply.To.Mailboxes).Address);
        Assert.Equal("ooto@simulator.amazonses.com", Assert.Single(reply.From.Mailboxes).Address);
        Assert.Equal("Auto: Spring sale", reply.Subject);
        Assert.Equal($"{messageId}@us-east-1.amazonses.com", reply.InReplyTo);
        Assert.Equal([$"{messageId}@us-east-1.amazonses.com"], reply.References);

        // Delivery again, and again after a crash between handing it to the sink and recording that (the row is Pending).
        await app.Factory.Services.DeliveredAsync(SimulatorAutoReply.Prefix + messageId, Ct);
        await using (var db = app.Db())
        {
            await db.OutboxMessages.Where(m => m.MessageId == SimulatorAutoReply.Prefix + messageId)
                .ExecuteUpdateAsync(u => u.SetProperty(m => m.Status, OutboxStatus.Pending).SetProperty(m => m.NextAttemptAt, DateTimeOffset.UtcNow.AddMinutes(-1)), Ct);
        }

        await app.Factory.Services.DeliveredAsync(SimulatorAutoReply.Prefix + messageId, Ct);
        await using var check = app.Db();
        Assert.Equal(1, await check.MailboxMessages.CountAsync(m => m.MessageId.StartsWith(SimulatorAutoReply.Prefix + messageId), Ct));
        Assert.Equal(OutboxStatus.Delivered, (await check.OutboxMessages.SingleAsync(m => m.MessageId == SimulatorAutoReply.Prefix + messageId, Ct)).Status);
        Assert.False(await check.SendEvents.AnyAsync(e => e.MessageId.StartsWith(SimulatorAutoReply.Prefix), Ct)); // the reply is no SES message
        Assert.Equal(["Delivery"], await check.SendEvents.Where(e => e.MessageId == messageId).Select(e => e.Type).ToListAsync(Ct));
        Assert.Equal(["Send", "Delivery"], (await app.Get<SendingActivityService>().MessageAsync(app.IamUserB, messageId, Ct)).Value!.Events.Select(e => e.Type));
    }

    /// <summary>Fails with the given errors first, one per call, then hands every message to the real transport.</summary>
    private sealed class ScriptedTransport(IMailTransport inner, params Error[] failures) : IMailTransport
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<Error> _failures = new(failures);

        public Task<Result<string>> SendAsync(OutboundMessage message, CancellationToken cancellationToken) =>
            _failures.TryDequeue(out var error) ? Task.FromResult<Result<string>>(error) : inner.SendAsync(message, cancellationToken);
    }
}
