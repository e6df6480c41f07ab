using MailKit.Net.Smtp;
using MailKit.Security;
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

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
