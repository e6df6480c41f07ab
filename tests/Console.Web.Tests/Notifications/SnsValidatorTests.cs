using System.Security.Cryptography.X509Certificates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using System.Text.Json;
using System.Text.RegularExpressions;
using SesConsole.Data.Entities;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Notifications;

/// <summary>
/// The console serving HTTPS with a configured certificate (<c>Kestrel:Certificates:Default:Path/Password</c>, as an
/// operator sets it), so that the real npm <c>sns-validator</c> fetches SigningCertURL and accepts the messages the
/// console delivered; and, as a client, trusting an HTTPS subscriber through <c>Notifications:TrustedCaPath</c> only.
/// </summary>
public sealed class SnsValidatorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Messages_delivered_over_HTTPS_pass_sns_validator_with_both_signature_versions()
    {
        var directory = Directory.CreateTempSubdirectory("sesconsole-sns-tls-").FullName;
        using var ca = new TestCertificates("SesConsole Test CA");
        using var otherCa = new TestCertificates("Untrusted Test CA");
        var caPath = Path.Combine(directory, "ca.pem");
        await File.WriteAllTextAsync(caPath, ca.AuthorityPem, Ct);
        var pfxPath = Path.Combine(directory, "console.pfx");
        using (var consoleCertificate = ca.IssueServer())
        {
            await File.WriteAllBytesAsync(pfxPath, consoleCertificate.Export(X509ContentType.Pfx, "console-pass"), Ct);
        }

        using var subscriberCertificate = ca.IssueServer();
        using var strangerCertificate = otherCa.IssueServer();
        await using var subscriber = await LoopbackSubscriber.StartAsync(subscriberCertificate);
        await using var stranger = await LoopbackSubscriber.StartAsync(strangerCertificate);
        await using var app = new ConsoleAppFactory
        {
            Settings =
            {
                ["Urls"] = "https://127.0.0.1:0",
                ["Kestrel:Certificates:Default:Path"] = pfxPath,
                ["Kestrel:Certificates:Default:Password"] = "console-pass",
                ["Notifications:TrustedCaPath"] = caPath,
                ["Notifications:AllowedSubscriberNetworks:0"] = "127.0.0.1/32",
                ["Notifications:DeliveryPollInterval"] = "00:00:00.200",
            },
        };
        app.UseKestrel();
        app.StartServer();
        var baseUrl = app.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        Assert.StartsWith("https://127.0.0.1:", baseUrl, StringComparison.Ordinal);

        var world = new SnsWorld(app.Services);
        var v2 = await world.TopicAsync("signed-v2");
        var v1 = await world.TopicAsync("signed-v1", signatureVersion: 1);
        var pending = await world.SubscribeAsync(v2, "https", subscriber.BaseUrl + "/v2", SnsSubscriptionStatus.PendingConfirmation);
        var confirmedV1 = await world.SubscribeAsync(v1, "https", subscriber.BaseUrl + "/v1");
        var leaving = await world.SubscribeAsync(v1, "https", subscriber.BaseUrl + "/bye", SnsSubscriptionStatus.Unsubscribed);
        var untrusted = await world.SubscribeAsync(v2, "https", stranger.BaseUrl + "/x", deliveryPolicy: """{"healthyRetryPolicy":{"numRetries":0}}""");
        await world.PublishAsync(v2, "Confirm, please.", type: SnsMessageType.SubscriptionConfirmation, subscription: pending);
        await world.PublishAsync(v1, "Plain text with \"quotes\", ünïcödé and\nnew lines", subject: "Version 1");
        await world.PublishAsync(v1, "Gone.", type: SnsMessageType.UnsubscribeConfirmation, subscription: leaving);
        await world.SettledAsync(pending.Id);
        await world.SettledAsync(confirmedV1.Id);
        await world.SettledAsync(leaving.Id);
        await using (var db = app.Services.GetRequiredService<IDbContextFactory<SesConsole.Data.ConsoleDbContext>>().CreateDbContext())
        {
            await db.SnsSubscriptions.Where(s => s.Id == pending.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SnsSubscriptionStatus.Confirmed), Ct);
        }

        await world.PublishAsync(v2, """{"notificationType":"Bounce"}""", subject: "Version 2");
        await world.SettledAsync(pending.Id, count: 2);
        var refused = Assert.Single(await world.SettledAsync(untrusted.Id));

        // As a client: the subscriber under the trusted CA got everything; the one under another CA nothing.
        Assert.Equal(SnsDeliveryStatus.Failed, refused.Status);
        Assert.Contains("SSL", refused.LastError, StringComparison.OrdinalIgnoreCase);
        var v2Bodies = subscriber.At("/v2").Select(r => r.Body).ToList();
        Assert.Equal(2, v2Bodies.Count);
        var v1Body = Assert.Single(subscriber.At("/v1")).Body;
        var bodies = new List<string> { v2Bodies[0], v1Body, Assert.Single(subscriber.At("/bye")).Body, v2Bodies[1] };
        var fields = JsonSerializer.Deserialize<Dictionary<string, string>>(v1Body)!;
        fields["Message"] = "changed";
        var tampered = JsonSerializer.Serialize(fields);
        bodies.Add(tampered);

        var messagesPath = Path.Combine(directory, "messages.json");
        await File.WriteAllTextAsync(messagesPath, JsonSerializer.Serialize(bodies), Ct);
        var output = await KestrelConsoleAppFactory.RunNodeAsync("sns-verify.mjs", new Dictionary<string, string>
        {
            ["SNS_MESSAGES"] = messagesPath,
            ["SNS_HOST_PATTERN"] = "^" + Regex.Escape(new Uri(baseUrl).Authority) + "$",
            ["NODE_EXTRA_CA_CERTS"] = caPath,
        });
        var results = JsonSerializer.Deserialize<List<VerifyResult>>(output)!;

        Assert.Equal(
        [
            new VerifyResult("SubscriptionConfirmation", "2", true, null, true),
            new VerifyResult("Notification", "1", true, null, true),
            // sns-validator 0.3.5 checks an UnsubscribeConfirmation without Token; it is signed as AWS documents.
            new VerifyResult("UnsubscribeConfirmation", "1", false, "The message signature is invalid.", true),
            new VerifyResult("Notification", "2", true, null, true),
            new VerifyResult("Notification", "1", false, "The message signature is invalid.", false),
        ], results);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    private sealed record VerifyResult(string Type, string SignatureVersion, bool Valid, string? Error, bool AwsKeyListValid);
}
