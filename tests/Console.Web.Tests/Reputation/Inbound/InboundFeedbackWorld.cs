using System.Text.Json;
using System.Xml.Linq;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Features.Sns;
using SesConsole.Web.Reputation.Inbound;
using SesConsole.Web.Tests.Features.Api;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Reputation.Inbound;

/// <summary>
/// The console on a real Kestrel port with the inbound feedback listener on (an OS-chosen port) and delivery through the
/// SMTP relay transport to a <see cref="LoopbackSmtpServer"/> started here: owner A (111111111111) verifies domains and
/// lets delegate B (222222222222) send as them over the real API (SigV4); tests send reports to the listener with MailKit.
/// </summary>
public sealed class InboundFeedbackWorld : IAsyncLifetime
{
    public const string A = "111111111111";
    public const string B = "222222222222";

    public LoopbackSmtpServer Relay { get; private set; } = null!;

    public KestrelConsoleAppFactory Server { get; } = new();

    public SesApiTestClient ClientA { get; private set; } = null!;

    public SesApiTestClient ClientB { get; private set; } = null!;

    public int InboundPort { get; private set; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public IDbContextFactory<ConsoleDbContext> Db => Service<IDbContextFactory<ConsoleDbContext>>();

    public T Service<T>() where T : notnull => Server.App.Services.CreateScope().ServiceProvider.GetRequiredService<T>();

    public async ValueTask InitializeAsync()
    {
        Relay = await LoopbackSmtpServer.StartAsync();
        var settings = Server.App.Settings;
        settings["Mail:Mode"] = "SmtpRelay";
        settings["Mail:Relay:Host"] = "127.0.0.1";
        settings["Mail:Relay:Port"] = Relay.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Mail:Relay:Security"] = "None";
        settings["Feedback:Inbound:Enabled"] = "true";
        settings["Feedback:Inbound:Port"] = "0";
        Server.Start();
        var keys = Service<AccessKeysService>();
        var a = (await keys.CreateAsync(SesApiServer.OwnerA, null, Ct)).Value!;
        var b = (await keys.CreateAsync(SesApiServer.OwnerB, null, Ct)).Value!;
        ClientA = new SesApiTestClient(Server.BaseUrl, a.Id, a.Secret);
        ClientB = new SesApiTestClient(Server.BaseUrl, b.Id, b.Secret);
        InboundPort = await Service<InboundFeedbackListener>().Started.WaitAsync(TimeSpan.FromSeconds(10), Ct);
    }

    public async ValueTask DisposeAsync()
    {
        ClientA?.Dispose();
        ClientB?.Dispose();
        await Server.DisposeAsync();
        await Relay.DisposeAsync();
    }

    public static string IdentityArn(string domain) => $"arn:aws:ses:us-east-1:{A}:identity/{domain}";

    /// <summary>A's verified domain, with a policy letting B send as it.</summary>
    public async Task OwnerDomainAsync(string domain)
    {
        var now = DateTimeOffset.UtcNow;
        await using (var db = await Db.CreateDbContextAsync(Ct))
        {
            db.SendingIdentities.Add(new SendingIdentityEntity
            {
                Id = Guid.NewGuid(), AccountId = A, Region = "us-east-1", Type = SendingIdentityType.Domain, Name = domain,
                VerificationStatus = VerificationStatus.Success, VerificationStatusSince = now, VerifiedAt = now, CreatedAt = now,
            });
            await db.SaveChangesAsync(Ct);
        }

        var document = $$"""
            {"Version":"2012-10-17","Statement":[{"Sid":"AllowB","Effect":"Allow","Principal":{"AWS":"{{B}}"},
             "Action":["ses:SendEmail","ses:SendRawEmail"],"Resource":"{{IdentityArn(domain)}}"}]}
            """;
        var put = await ClientA.V2Async(HttpMethod.Post, $"/v2/email/identities/{domain}/policies/p1", JsonSerializer.Serialize(new { Policy = document }));
        Assert.True(put.Status == 200, put.Body);
    }

    /// <summary>An SNS topic of A that SES may publish to, set as <paramref name="domain"/>'s topic for <paramref name="type"/>.</summary>
    public async Task<string> OwnerTopicAsync(string domain, string type)
    {
        var arn = $"arn:aws:sns:us-east-1:{A}:fb-{domain.Replace('.', '-')}-{type}";
        await using (var db = await Db.CreateDbContextAsync(Ct))
        {
            db.SnsTopics.Add(new SnsTopicEntity
            {
                Id = Guid.NewGuid(), AccountId = A, Region = "us-east-1", Name = arn.Split(':')[5], Arn = arn, CreatedAt = DateTimeOffset.UtcNow,
                Policy = $$"""
                    {"Version":"2012-10-17","Statement":[{"Sid":"ses","Effect":"Allow","Principal":{"Service":"ses.amazonaws.com"},"Action":"SNS:Publish",
                      "Resource":"{{arn}}","Condition":{"StringEquals":{"aws:SourceAccount":"{{A}}"} } } ] }
                    """,
            });
            await db.SaveChangesAsync(Ct);
        }

        Service<SnsTopicCache>().Invalidate();
        var set = await ClientA.V1Async(("Action", "SetIdentityNotificationTopic"), ("Identity", domain), ("NotificationType", type), ("SnsTopic", arn));
        Assert.True(set.Status == 200, set.Body);
        return arn;
    }

    /// <summary>B sends as A's <paramref name="domain"/> over v2 SendEmail; returns the MessageId.</summary>
    public async Task<string> SendAsBAsync(string domain, params string[] to)
    {
        var sent = await ClientB.V2Async(HttpMethod.Post, "/v2/email/outbound-emails", JsonSerializer.Serialize(new
        {
            FromEmailAddress = $"news@{domain}",
            FromEmailAddressIdentityArn = IdentityArn(domain),
            Destination = new { ToAddresses = to },
            Content = new { Simple = new { Subject = new { Data = "Hello" }, Body = new { Text = new { Data = "Hello" } } } },
        }));
        Assert.True(sent.Status == 200, sent.Body);
        return sent.Json.GetProperty("MessageId").GetString()!;
    }

    /// <summary>The envelope sender the message was accepted with (its outbox row).</summary>
    public async Task<string> EnvelopeOfAsync(string messageId)
    {
        await using var db = await Db.CreateDbContextAsync(Ct);
        return await db.OutboxMessages.AsNoTracking().Where(m => m.MessageId == messageId).Select(m => m.EnvelopeFrom).SingleAsync(Ct);
    }

    /// <summary>Sends <paramref name="mime"/> to the inbound listener over SMTP (MailKit), envelope sender null as in a DSN.</summary>
    public async Task SendReportAsync(string mime, params string[] recipients)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", InboundPort, SecureSocketOptions.None, Ct);
        using var message = MimeMessage.Load(new MemoryStream(FeedbackMime.Bytes(mime)));
        await client.SendAsync(message, new MailboxAddress("", "mailer-daemon@mx.example.net"), recipients.Select(r => MailboxAddress.Parse(r)), Ct);
        await client.DisconnectAsync(true, Ct);
    }

    /// <summary>The RCPT TO reply to <paramref name="recipient"/>: null when accepted (the report is then not sent), else the refusal.</summary>
    public async Task<SmtpCommandException?> RcptAsync(string recipient)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", InboundPort, SecureSocketOptions.None, Ct);
        using var message = MimeMessage.Load(new MemoryStream(FeedbackMime.Bytes(FeedbackMime.Vacation(recipient))));
        try
        {
            await client.SendAsync(message, new MailboxAddress("", "reader@example.net"), [MailboxAddress.Parse(recipient)], Ct);
            return null;
        }
        catch (SmtpCommandException ex)
        {
            return ex;
        }
        finally
        {
            await client.DisconnectAsync(true, Ct);
        }
    }

    public async Task<List<InboundFeedbackEntity>> InboundAsync(string messageId)
    {
        await using var db = await Db.CreateDbContextAsync(Ct);
        return await db.InboundFeedback.AsNoTracking().Where(f => f.MessageId == messageId).OrderBy(f => f.Id).ToListAsync(Ct);
    }

    public async Task<List<SendEventEntity>> EventsAsync(string messageId, string type)
    {
        await using var db = await Db.CreateDbContextAsync(Ct);
        return await db.SendEvents.AsNoTracking().Where(e => e.MessageId == messageId && e.Type == type).OrderBy(e => e.Id).ToListAsync(Ct);
    }

    public async Task<string?> SuppressedAsync(string account, string address)
    {
        await using var db = await Db.CreateDbContextAsync(Ct);
        return await db.SuppressedDestinations.AsNoTracking().Where(s => s.AccountId == account && s.Address == address).Select(s => s.Reason).SingleOrDefaultAsync(Ct);
    }

    /// <summary>The reputation buckets of <paramref name="account"/> for identities of <paramref name="domain"/>, summed.</summary>
    public async Task<(long HardBounces, long SoftBounces, long Complaints)> BucketsAsync(string account, string domain)
    {
        await using var db = await Db.CreateDbContextAsync(Ct);
        var rows = await db.ReputationBuckets.AsNoTracking().Where(b => b.AccountId == account && b.SourceArn == IdentityArn(domain)).ToListAsync(Ct);
        return (rows.Sum(r => r.HardBounces), rows.Sum(r => r.SoftBounces), rows.Sum(r => r.Complaints));
    }

    /// <summary>v1 GetSendStatistics of <paramref name="client"/>'s account: bounces and complaints over every data point.</summary>
    public static async Task<(long Bounces, long Complaints, long DeliveryAttempts)> StatisticsAsync(SesApiTestClient client)
    {
        var response = await client.V1Async(("Action", "GetSendStatistics"));
        Assert.True(response.Status == 200, response.Body);
        var points = XDocument.Parse(response.Body).Descendants().Where(e => e.Name.LocalName == "member").ToList();
        long Sum(string name) => points.Sum(p => long.Parse(p.Elements().First(e => e.Name.LocalName == name).Value, System.Globalization.CultureInfo.InvariantCulture));
        return (Sum("Bounces"), Sum("Complaints"), Sum("DeliveryAttempts"));
    }
}
