using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;
using SesConsole.Domain.Authentication;
using SesConsole.Domain.Identities;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Policies;
using SesConsole.Web.Features.Smtp;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Smtp;

/// <summary>
/// Delegate B (IAM user 222222222222/mailer) sends through the real SMTP listener with the clients people use, swaks and
/// nodemailer, as owner A's identities: brand.example (verified, DKIM, a policy allowing B), closed.example (verified, no
/// policy) and pending.example (not verified, a policy allowing B).
/// </summary>
public sealed partial class SmtpRealClientTests(SmtpRealClientTests.World world) : IClassFixture<SmtpRealClientTests.World>
{
    private const int MaxMessageSize = 1024 * 1024;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public sealed class World : IAsyncLifetime
    {
        public AppFixture App { get; } = new();

        public SmtpListener Listener { get; private set; } = default!;

        public NewAccessKey Key { get; private set; } = default!;

        public string CaPem { get; private set; } = "";

        public async ValueTask InitializeAsync()
        {
            var settings = App.Factory.Settings;
            settings["Smtp:Enabled"] = "true";
            settings["Smtp:Endpoints:0:Port"] = "0";
            settings["Smtp:MaxMessageSize"] = MaxMessageSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await App.InitializeAsync();
            Listener = App.Factory.Services.GetRequiredService<SmtpListener>();
            await Listener.Started.WaitAsync(TimeSpan.FromSeconds(20));
            using (var certificate = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(App.Factory.DataDirectory, "smtp-selfsigned.pfx"), password: null))
            {
                CaPem = certificate.ExportCertificatePem();
            }

            Key = (await App.Get<AccessKeysService>().CreateAsync(App.OwnerB, "mailer")).Value!;
            var allowB = """
                { "Version": "2012-10-17", "Statement": [ { "Sid": "AllowB", "Effect": "Allow", "Principal": { "AWS": "222222222222" },
                  "Action": "ses:SendRawEmail", "Resource": "arn:aws:ses:us-east-1:111111111111:identity/DOMAIN" } ] }
                """;
            await AddOwnerDomainAsync("brand.example", verified: true, allowB.Replace("DOMAIN", "brand.example", StringComparison.Ordinal));
            await AddOwnerDomainAsync("closed.example", verified: true, policy: null);
            await AddOwnerDomainAsync("pending.example", verified: false, allowB.Replace("DOMAIN", "pending.example", StringComparison.Ordinal));

            // The send rate counts recipients (a token bucket of one second's worth): at the demo's 14/s the 50-recipient
            // messages the clients send back to back would be throttled, and these tests are about SMTP, not the rate.
            await using var db = App.Db();
            (await db.Accounts.SingleAsync(a => a.Id == "222222222222")).MaxSendRate = 10_000;
            await db.SaveChangesAsync();
        }

        private async Task AddOwnerDomainAsync(string domain, bool verified, string? policy)
        {
            var created = await App.Get<IdentitiesService>().CreateDomainAsync(App.OwnerA, "us-east-1", domain, new NewDomainIdentity { DkimKeyLength = 1024 });
            Assert.True(created.IsSuccess);
            if (verified)
            {
                await using var db = App.Db();
                var identity = await db.SendingIdentities.SingleAsync(i => i.Name == domain);
                // As if DNS showed the records.
                (identity.VerificationStatus, identity.DkimStatus, identity.DkimSigningEnabled) = (VerificationStatus.Success, VerificationStatus.Success, true);
                await db.SaveChangesAsync();
            }

            if (policy is not null)
            {
                var saved = await App.Get<IdentityPoliciesService>().SaveAsync(App.OwnerA, "us-east-1", domain, originalName: null, "AllowB", policy);
                Assert.True(saved.IsSuccess);
            }
        }

        public async ValueTask DisposeAsync() => await App.DisposeAsync();
    }

    private SmtpJob Job(string domain, params string[] to) =>
        new(world.Listener.PortFor(implicitTls: false), world.Key.Id, SmtpCredentials.DerivePassword(world.Key.Secret, "us-east-1"), $"news@{domain}",
            to.Length > 0 ? to : ["reader@customer.example"])
        {
            // The envelope sender (MAIL FROM) and the From header are both the owner's: each needs its ARN (X-SES-FROM-ARN
            // alone leaves MAIL FROM to be checked as the delegate's own address, which is not verified).
            Headers =
            {
                ["X-SES-SOURCE-ARN"] = $"arn:aws:ses:us-east-1:111111111111:identity/{domain}",
                ["X-SES-FROM-ARN"] = $"arn:aws:ses:us-east-1:111111111111:identity/{domain}",
            },
        };

    private Task<SmtpClientOutcome> SendAsync(string client, SmtpJob job) => ExternalSmtpClient.SendAsync(client, job, world.CaPem);

    [GeneratedRegex(@"250 Ok (?<id>[0-9a-f-]+)")]
    private static partial Regex AcceptedReply();

    [Theory]
    [InlineData("swaks")]
    [InlineData("nodemailer")]
    public async Task An_allowed_delegate_send_is_delivered_without_X_SES_headers_and_signed_with_the_owners_DKIM_key(string client)
    {
        var job = Job("brand.example") with { Subject = "allowed via " + client };

        var outcome = await SendAsync(client, job);

        Assert.True(outcome.Accepted, outcome.Transcript);
        var messageId = AcceptedReply().Match(outcome.Transcript).Groups["id"].Value;
        Assert.NotEmpty(messageId);
        var row = await world.App.Factory.Services.DeliveredAsync(messageId, Ct);
        await using var db = world.App.Db();
        Assert.Equal("222222222222", row.AccountId);
        var message = await MimeMessage.LoadAsync(new MemoryStream(row.Mime), Ct);
        Assert.Equal("allowed via " + client, message.Subject);
        Assert.DoesNotContain(message.Headers, h => h.Field.StartsWith("X-SES-", StringComparison.OrdinalIgnoreCase));
        var signature = message.Headers.Single(h => h.Id == HeaderId.DkimSignature);
        Assert.Contains("d=brand.example", signature.Value, StringComparison.Ordinal);
        var brand = await db.SendingIdentities.SingleAsync(i => i.Name == "brand.example", Ct);
        var key = await db.DkimKeys.SingleAsync(k => k.IdentityId == brand.Id && signature.Value.Contains("s=" + k.Selector), Ct);
        Assert.True(new DkimVerifier(new OneKey(DkimRecord.TxtValue(key.PublicKey))).Verify(message, signature, Ct));
        var attempt = await db.SendAttempts.SingleAsync(a => a.MessageId == messageId, Ct);
        Assert.Equal("111111111111", attempt.OwnerAccountId);
    }

    [Theory]
    [InlineData("swaks")]
    [InlineData("nodemailer")]
    public async Task A_delegate_send_without_a_policy_gets_554_Access_denied(string client)
    {
        var outcome = await SendAsync(client, Job("closed.example"));

        Assert.False(outcome.Accepted, outcome.Transcript);
        // SES's SMTP wording: no quotes around the ARNs (the v1 API's has backtick … apostrophe).
        Assert.True(outcome.Transcript.Contains(
            "554 Access denied: User arn:aws:iam::222222222222:user/mailer is not authorized to perform ses:SendRawEmail on resource arn:aws:ses:us-east-1:111111111111:identity/closed.example",
            StringComparison.Ordinal), outcome.Transcript);
    }

    [Theory]
    [InlineData("swaks")]
    [InlineData("nodemailer")]
    public async Task A_send_as_an_unverified_identity_gets_554_Message_rejected_not_verified(string client)
    {
        var outcome = await SendAsync(client, Job("pending.example"));

        Assert.False(outcome.Accepted, outcome.Transcript);
        Assert.Contains("554 Message rejected: Email address is not verified. The following identities failed the check in region US-EAST-1: ", outcome.Transcript, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("swaks")]
    [InlineData("nodemailer")]
    public async Task Bad_credentials_get_535_Authentication_Credentials_Invalid(string client)
    {
        // The secret key itself is not the SMTP password: the password is derived from it.
        var outcome = await SendAsync(client, Job("brand.example") with { Password = world.Key.Secret });

        Assert.False(outcome.Accepted, outcome.Transcript);
        Assert.Contains("535 Authentication Credentials Invalid", outcome.Transcript, StringComparison.Ordinal);
        Assert.DoesNotContain("235", outcome.Transcript, StringComparison.Ordinal);

        // Secrets use "+" and "/": one starting with "+" must reach the server as a password, not as a client option.
        var plus = await SendAsync(client, Job("brand.example") with { Password = "+" + world.Key.Secret[1..] });
        Assert.Contains("535 Authentication Credentials Invalid", plus.Transcript, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("swaks")]
    [InlineData("nodemailer")]
    public async Task Without_TLS_AUTH_is_not_offered_and_nothing_is_sent(string client)
    {
        var outcome = await SendAsync(client, Job("brand.example") with { PlainText = true });

        Assert.False(outcome.Accepted, outcome.Transcript);
        Assert.DoesNotContain("235", outcome.Transcript, StringComparison.Ordinal);
        Assert.DoesNotContain("250 Ok", outcome.Transcript, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AUTH_before_STARTTLS_is_refused_by_the_server()
    {
        await using var smtp = await RawSmtpConnection.OpenAsync(world.Listener.PortFor(implicitTls: false));
        await smtp.ReadReplyAsync();
        var ehlo = await smtp.CommandAsync("EHLO client.example");
        var plain = Convert.ToBase64String(Encoding.ASCII.GetBytes($"\0{world.Key.Id}\0{SmtpCredentials.DerivePassword(world.Key.Secret, "us-east-1")}"));

        var reply = await smtp.CommandAsync("AUTH PLAIN " + plain);

        Assert.Contains("STARTTLS", ehlo, StringComparison.Ordinal);
        Assert.DoesNotContain("AUTH", ehlo, StringComparison.Ordinal);
        Assert.StartsWith("5", reply, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("swaks")]
    [InlineData("nodemailer")]
    public async Task A_message_over_the_size_limit_gets_552_Message_is_too_long(string client)
    {
        var outcome = await SendAsync(client, Job("brand.example") with { BodySize = 2 * MaxMessageSize });

        Assert.False(outcome.Accepted, outcome.Transcript.Length > 4000 ? outcome.Transcript[..4000] : outcome.Transcript);
        Assert.Contains("552 Message is too long.", outcome.Transcript, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("swaks")]
    [InlineData("nodemailer")]
    public async Task The_51st_recipient_is_refused(string client)
    {
        var to = Enumerable.Range(1, 51).Select(i => $"reader{i.ToString(System.Globalization.CultureInfo.InvariantCulture)}@customer.example").ToArray();

        var outcome = await SendAsync(client, Job("brand.example", to));

        Assert.Contains("554 Transaction failed: Recipient count exceeds 50.", outcome.Transcript, StringComparison.Ordinal);
    }

    private sealed class OneKey(string txt) : DkimPublicKeyLocatorBase
    {
        public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) => GetPublicKey(txt);

        public override Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            Task.FromResult(GetPublicKey(txt));
    }
}
