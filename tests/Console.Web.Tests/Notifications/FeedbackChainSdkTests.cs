using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Notifications;

/// <summary>
/// The whole feedback chain under sending authorization with nothing but real clients
/// (docs/notifications.md#feedback-routing-under-delegation): the console serves HTTPS with a configured certificate;
/// <c>tests/sdk-client/feedback-chain.mjs</c> wires topics, subscriptions, identity notification topics and a
/// configuration set with <c>@aws-sdk/client-sns</c>, <c>-ses</c> and <c>-sesv2</c>, runs an HTTP subscriber that
/// confirms by GETting the SubscribeURL, sends as the delegate to the mailbox simulator, and checks every received
/// message with <c>sns-validator</c>. This test asserts exactly what each party heard.
/// </summary>
public sealed class FeedbackChainSdkTests
{
    private const string Owner = "111111111111";
    private const string Delegate = "222222222222";
    private const string Domain = "chain.example";
    private const string IdentityArn = $"arn:aws:ses:us-east-1:{Owner}:identity/{Domain}";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Owner_and_delegate_each_hear_exactly_their_feedback_signed_and_verifiable()
    {
        var directory = Directory.CreateTempSubdirectory("sesconsole-chain-").FullName;
        using var ca = new TestCertificates("SesConsole Chain CA");
        var caPath = Path.Combine(directory, "ca.pem");
        await File.WriteAllTextAsync(caPath, ca.AuthorityPem, Ct);
        var pfxPath = Path.Combine(directory, "console.pfx");
        using (var certificate = ca.IssueServer())
        {
            await File.WriteAllBytesAsync(pfxPath, certificate.Export(X509ContentType.Pfx, "chain-pass"), Ct);
        }

        await using var app = new ConsoleAppFactory
        {
            Settings =
            {
                ["Urls"] = "https://127.0.0.1:0",
                ["Kestrel:Certificates:Default:Path"] = pfxPath,
                ["Kestrel:Certificates:Default:Password"] = "chain-pass",
                ["Notifications:AllowedSubscriberNetworks:0"] = "127.0.0.1/32",
                ["Notifications:DeliveryPollInterval"] = "00:00:00.200",
            },
        };
        app.UseKestrel();
        app.StartServer();
        var baseUrl = app.ClientOptions.BaseAddress.ToString().TrimEnd('/');

        using var scope = app.Services.CreateScope();
        var keys = scope.ServiceProvider.GetRequiredService<AccessKeysService>();
        var ownerKey = (await keys.CreateAsync(new Caller("chain-a", "owner@example.com", Owner, null, $"arn:aws:iam::{Owner}:root", false), null, Ct)).Value!;
        var delegateKey = (await keys.CreateAsync(new Caller("chain-b", "delegate@example.com", Delegate, null, $"arn:aws:iam::{Delegate}:root", false), null, Ct)).Value!;
        var now = DateTimeOffset.UtcNow;
        await using (var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct))
        {
            var identity = new SendingIdentityEntity
            {
                Id = Guid.NewGuid(), AccountId = Owner, Region = "us-east-1", Type = SendingIdentityType.Domain, Name = Domain,
                VerificationStatus = VerificationStatus.Success, VerificationStatusSince = now, VerifiedAt = now, CreatedAt = now,
            };
            identity.Policies.Add(new IdentityPolicyEntity
            {
                Id = Guid.NewGuid(), Name = "delegate", UpdatedAt = now, UpdatedBy = "test",
                Document = $$"""
                    {"Version":"2012-10-17","Statement":[{"Sid":"AllowDelegate","Effect":"Allow","Principal":{"AWS":"{{Delegate}}"},
                     "Action":["ses:SendEmail","ses:SendRawEmail"],"Resource":"{{IdentityArn}}"}]}
                    """,
            });
            db.SendingIdentities.Add(identity);
            await db.SaveChangesAsync(Ct);
        }

        var output = await KestrelConsoleAppFactory.RunNodeAsync("feedback-chain.mjs", new Dictionary<string, string>
        {
            ["SES_ENDPOINT"] = baseUrl, ["SES_REGION"] = "us-east-1",
            ["OWNER_KEY"] = ownerKey.Id, ["OWNER_SECRET"] = ownerKey.Secret, ["DELEGATE_KEY"] = delegateKey.Id, ["DELEGATE_SECRET"] = delegateKey.Secret,
            ["IDENTITY_ARN"] = IdentityArn, ["FROM"] = $"news@{Domain}", ["OWNER_ACCOUNT"] = Owner, ["DELEGATE_ACCOUNT"] = Delegate,
            ["CERT_HOST_PATTERN"] = "^" + Regex.Escape(new Uri(baseUrl).Authority) + "$",
            ["NODE_EXTRA_CA_CERTS"] = caPath, ["WAIT_MS"] = "60000",
        });

        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        foreach (var step in root.GetProperty("steps").EnumerateObject())
        {
            Assert.False(step.Value.ValueKind == JsonValueKind.Object && step.Value.TryGetProperty("error", out _), $"{step.Name}: {step.Value}");
        }

        var sent = root.GetProperty("sent");
        var success = sent.GetProperty("success").GetString()!;
        var bounce = sent.GetProperty("bounce").GetString()!;
        var complaint = sent.GetProperty("complaint").GetString()!;
        var ownerHeard = Messages(root, "owner");
        var delegateHeard = Messages(root, "delegate");

        // Every message, confirmations included, verifies with sns-validator over the console's HTTPS certificate.
        Assert.All(ownerHeard.Concat(delegateHeard), m => Assert.True(m.Valid, $"{m.Type}: {m.Error}"));
        Assert.Equal(200, Assert.Single(ownerHeard, m => m.Type == "SubscriptionConfirmation").ConfirmStatus);
        Assert.Equal(200, Assert.Single(delegateHeard, m => m.Type == "SubscriptionConfirmation").ConfirmStatus);

        // The owner's Bounce topic (its own): one Bounce notification for the delegate's bounced send, and nothing else.
        var ownerBounce = Assert.Single(ownerHeard, m => m.Type == "Notification");
        Assert.Equal(("Bounce", null, bounce, IdentityArn, Delegate), ownerBounce.Describe());

        // The delegate: the owner pointed the identity's Complaint topic at the delegate's topic, and the delegate's own
        // configuration set publishes Send, Delivery, Bounce and Complaint events to the same topic.
        var delegateNotes = delegateHeard.Where(m => m.Type == "Notification").Select(m => m.Describe())
            .OrderBy(d => d.ToString(), StringComparer.Ordinal).ToList();
        var expected = new List<(string?, string?, string, string, string)>
        {
            ("Complaint", null, complaint, IdentityArn, Delegate),
            (null, "Send", success, IdentityArn, Delegate),
            (null, "Send", bounce, IdentityArn, Delegate),
            (null, "Send", complaint, IdentityArn, Delegate),
            (null, "Delivery", success, IdentityArn, Delegate),
            (null, "Delivery", complaint, IdentityArn, Delegate),
            (null, "Bounce", bounce, IdentityArn, Delegate),
            (null, "Complaint", complaint, IdentityArn, Delegate),
        }.OrderBy(d => d.ToString(), StringComparer.Ordinal).ToList();
        Assert.Equal(expected, delegateNotes);

        // Forwarding is on (the default): the bounce and the complaint are also mailed to the Return-Path (the Source).
        await using (var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct))
        {
            var notices = await db.OutboxMessages.AsNoTracking().Where(m => m.MessageId.StartsWith("feedback.")).ToListAsync(Ct);
            Assert.Equal(2, notices.Count);
            Assert.All(notices, n => Assert.Equal($"news@{Domain}", n.Recipients));
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await app.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }

    private static List<Heard> Messages(JsonElement root, string path) =>
        [.. root.GetProperty("received").GetProperty(path).EnumerateArray().Select(e => new Heard(
            e.GetProperty("messageType").GetString()!,
            e.GetProperty("valid").ValueKind == JsonValueKind.True,
            e.GetProperty("valid").ValueKind == JsonValueKind.String ? e.GetProperty("valid").GetString() : null,
            e.TryGetProperty("confirmStatus", out var status) ? status.GetInt32() : null,
            e.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object ? message.Clone() : null))];

    private sealed record Heard(string Type, bool Valid, string? Error, int? ConfirmStatus, JsonElement? Message)
    {
        /// <summary>(notificationType, eventType, mail.messageId, mail.sourceArn, mail.sendingAccountId).</summary>
        public (string?, string?, string, string, string) Describe()
        {
            var m = Message ?? throw new InvalidOperationException($"{Type} without a JSON message");
            var mail = m.GetProperty("mail");
            return (m.TryGetProperty("notificationType", out var n) ? n.GetString() : null,
                m.TryGetProperty("eventType", out var e) ? e.GetString() : null,
                mail.GetProperty("messageId").GetString()!, mail.GetProperty("sourceArn").GetString()!, mail.GetProperty("sendingAccountId").GetString()!);
        }
    }
}
