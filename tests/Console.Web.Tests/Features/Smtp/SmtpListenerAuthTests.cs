using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Domain.Authentication;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Features.Smtp;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Smtp;

/// <summary>The real SMTP listener of the app, with MailKit as the client.</summary>
public sealed class SmtpListenerAuthTests : IAsyncLifetime
{
    private readonly ConsoleAppFactory _app = new();
    private SmtpListener _listener = default!;
    private NewAccessKey _key = default!;

    public async ValueTask InitializeAsync()
    {
        _app.Settings["Smtp:Enabled"] = "true";
        _app.Settings["Smtp:Endpoints:0:Port"] = "0";
        _app.Settings["Smtp:Endpoints:1:Port"] = "0";
        _app.Settings["Smtp:Endpoints:1:ImplicitTls"] = "true";
        _listener = _app.Services.GetRequiredService<SmtpListener>();
        await _listener.Started.WaitAsync(TimeSpan.FromSeconds(20));
        var owner = new Caller("t", "delegate@example.com", "222222222222", null, "arn:aws:iam::222222222222:root", false);
        _key = (await _app.Services.CreateScope().ServiceProvider.GetRequiredService<AccessKeysService>().CreateAsync(owner, "mailer")).Value!;
    }

    /// <summary>A MailKit client that trusts exactly the listener's generated self-signed certificate.</summary>
    private SmtpClient Client()
    {
        using var expected = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(
            Path.Combine(_app.DataDirectory, "smtp-selfsigned.pfx"), password: null);
        var thumbprint = expected.GetCertHashString();
        return new SmtpClient
        {
            ServerCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == thumbprint,
            Timeout = 10_000,
        };
    }

    [Fact]
    public async Task AUTH_with_SES_SMTP_credentials_after_STARTTLS_succeeds()
    {
        using var client = Client();
        await client.ConnectAsync("127.0.0.1", _listener.PortFor(implicitTls: false), SecureSocketOptions.StartTls, TestContext.Current.CancellationToken);

        await client.AuthenticateAsync(_key.Id, SmtpCredentials.DerivePassword(_key.Secret, "us-east-1"), TestContext.Current.CancellationToken);

        Assert.True(client.IsAuthenticated);
        Assert.True(client.IsSecure);
    }

    [Fact]
    public async Task AUTH_over_implicit_TLS_succeeds()
    {
        using var client = Client();
        await client.ConnectAsync("127.0.0.1", _listener.PortFor(implicitTls: true), SecureSocketOptions.SslOnConnect, TestContext.Current.CancellationToken);

        await client.AuthenticateAsync(_key.Id, SmtpCredentials.DerivePassword(_key.Secret, "us-east-1"), TestContext.Current.CancellationToken);

        Assert.True(client.IsAuthenticated);
    }

    [Theory]
    [InlineData("wrong-region")]
    [InlineData("raw-secret")]
    [InlineData("unknown-key")]
    public async Task Bad_credentials_get_535_Authentication_Credentials_Invalid(string variant)
    {
        using var client = Client();
        await client.ConnectAsync("127.0.0.1", _listener.PortFor(implicitTls: false), SecureSocketOptions.StartTls, TestContext.Current.CancellationToken);
        var (user, password) = variant switch
        {
            "wrong-region" => (_key.Id, SmtpCredentials.DerivePassword(_key.Secret, "eu-west-1")),
            "raw-secret" => (_key.Id, _key.Secret),
            _ => ("AKIAUNKNOWNUNKNOWN22", SmtpCredentials.DerivePassword(_key.Secret, "us-east-1")),
        };

        var error = await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync(user, password, TestContext.Current.CancellationToken));

        Assert.Contains("Authentication Credentials Invalid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AUTH_is_not_offered_before_TLS()
    {
        using var client = Client();
        await client.ConnectAsync("127.0.0.1", _listener.PortFor(implicitTls: false), SecureSocketOptions.None, TestContext.Current.CancellationToken);

        Assert.False(client.Capabilities.HasFlag(SmtpCapabilities.Authentication));
        Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.StartTLS));
        await Assert.ThrowsAsync<NotSupportedException>(() => client.AuthenticateAsync(_key.Id, SmtpCredentials.DerivePassword(_key.Secret, "us-east-1"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Owner_sends_over_SMTP_and_the_delivered_message_has_no_X_SES_headers()
    {
        var owner = new Caller("t", "owner@example.com", "111111111111", null, "arn:aws:iam::111111111111:root", false);
        using var scope = _app.Services.CreateScope();
        var ownerKey = (await scope.ServiceProvider.GetRequiredService<AccessKeysService>().CreateAsync(owner, null, TestContext.Current.CancellationToken)).Value!;
        await scope.ServiceProvider.GetRequiredService<SesConsole.Web.Features.Identities.IdentitiesService>()
            .CreateEmailAsync(owner, "us-east-1", "smtp@owner.example", new Uri("http://localhost/"), TestContext.Current.CancellationToken);
        await using (var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken))
        {
            await db.SendingIdentities.Where(i => i.Name == "smtp@owner.example")
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.VerificationStatus, SesConsole.Domain.Identities.VerificationStatus.Success), TestContext.Current.CancellationToken);
        }

        var message = new MimeKit.MimeMessage();
        message.From.Add(MimeKit.MailboxAddress.Parse("smtp@owner.example"));
        message.To.Add(MimeKit.MailboxAddress.Parse("reader@customer.example"));
        message.Subject = "over smtp";
        message.Headers.Add("X-SES-FROM-ARN", "arn:aws:ses:us-east-1:111111111111:identity/smtp@owner.example");
        message.Body = new MimeKit.TextPart("plain") { Text = "hi" };
        using var client = Client();
        await client.ConnectAsync("127.0.0.1", _listener.PortFor(implicitTls: false), SecureSocketOptions.StartTls, TestContext.Current.CancellationToken);
        await client.AuthenticateAsync(ownerKey.Id, SmtpCredentials.DerivePassword(ownerKey.Secret, "us-east-1"), TestContext.Current.CancellationToken);

        var reply = await client.SendAsync(message, TestContext.Current.CancellationToken);

        Assert.StartsWith("Ok ", reply, StringComparison.Ordinal);
        var messageId = reply[3..].Trim();
        var delivered = await scope.ServiceProvider.DeliveredAsync(messageId, TestContext.Current.CancellationToken);
        Assert.DoesNotContain("X-SES-", System.Text.Encoding.ASCII.GetString(delivered.Mime), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Delegate_without_a_policy_gets_554_Access_denied()
    {
        var message = new MimeKit.MimeMessage();
        message.From.Add(MimeKit.MailboxAddress.Parse("news@example.com"));
        message.To.Add(MimeKit.MailboxAddress.Parse("reader@customer.example"));
        message.Subject = "denied";
        message.Headers.Add("X-SES-SOURCE-ARN", "arn:aws:ses:us-east-1:111111111111:identity/example.com");
        message.Body = new MimeKit.TextPart("plain") { Text = "hi" };
        using var client = Client();
        await client.ConnectAsync("127.0.0.1", _listener.PortFor(implicitTls: false), SecureSocketOptions.StartTls, TestContext.Current.CancellationToken);
        await client.AuthenticateAsync(_key.Id, SmtpCredentials.DerivePassword(_key.Secret, "us-east-1"), TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(message, TestContext.Current.CancellationToken));

        Assert.Equal(554, (int)error.StatusCode);
        Assert.True(error.Message.StartsWith("Message rejected: ", StringComparison.Ordinal) || error.Message.StartsWith("Access denied: ", StringComparison.Ordinal), error.Message);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
