using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Domain.Authentication;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Features.Smtp;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Smtp;

/// <summary>
/// The limits that keep a slow or abusive client from exhausting the SMTP listener, each hit with a bare TCP client
/// against the real listener (small limits so the tests are quick; AUTH without TLS so the bytes are readable).
/// </summary>
public sealed class SmtpLimitsTests(SmtpLimitsTests.App app) : IClassFixture<SmtpLimitsTests.App>
{
    private const int MaxConnections = 4;
    private const int MaxCommands = 60;
    private const int MaxBadCommands = 3;
    private const int MaxMessageSize = 64 * 1024;

    public sealed class App : IAsyncLifetime
    {
        public ConsoleAppFactory Factory { get; } = new();

        public SmtpListener Listener { get; private set; } = default!;

        public NewAccessKey Key { get; private set; } = default!;

        /// <summary>The listener's generated self-signed certificate.</summary>
        public string Thumbprint { get; private set; } = "";

        public async ValueTask InitializeAsync()
        {
            var settings = Factory.Settings;
            settings["Smtp:Enabled"] = "true";
            settings["Smtp:Endpoints:0:Port"] = "0";
            settings["Smtp:Endpoints:1:Port"] = "0";
            settings["Smtp:Endpoints:1:ImplicitTls"] = "true";
            settings["Smtp:AllowAuthWithoutTls"] = "true";
            settings["Smtp:MaxConnections"] = MaxConnections.ToString(CultureInfo.InvariantCulture);
            settings["Smtp:MaxCommandsPerConnection"] = MaxCommands.ToString(CultureInfo.InvariantCulture);
            settings["Smtp:MaxBadCommands"] = MaxBadCommands.ToString(CultureInfo.InvariantCulture);
            settings["Smtp:MaxMessageSize"] = MaxMessageSize.ToString(CultureInfo.InvariantCulture);
            settings["Smtp:CommandTimeout"] = "00:00:03";
            settings["Smtp:DataTimeout"] = "00:00:02";
            Listener = Factory.Services.GetRequiredService<SmtpListener>();
            await Listener.Started.WaitAsync(TimeSpan.FromSeconds(20));
            using (var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(
                Path.Combine(Factory.DataDirectory, "smtp-selfsigned.pfx"), password: null))
            {
                Thumbprint = certificate.GetCertHashString();
            }

            var owner = new Caller("t", "delegate@example.com", "222222222222", null, "arn:aws:iam::222222222222:root", false);
            using var scope = Factory.Services.CreateScope();
            Key = (await scope.ServiceProvider.GetRequiredService<AccessKeysService>().CreateAsync(owner, "mailer")).Value!;
        }

        public async ValueTask DisposeAsync() => await Factory.DisposeAsync();
    }

    private int Port => app.Listener.PortFor(implicitTls: false);

    /// <summary>The other tests' connections are gone (the server closes them asynchronously).</summary>
    private async Task NoConnectionsOpenAsync()
    {
        for (var i = 0; i < 100 && app.Listener.OpenConnections > 0; i++)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Equal(0, app.Listener.OpenConnections);
    }

    private async Task<RawSmtpConnection> AuthenticatedAsync()
    {
        var smtp = await RawSmtpConnection.OpenAsync(Port);
        Assert.StartsWith("220 ", await smtp.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250", await smtp.CommandAsync("EHLO client.example"), StringComparison.Ordinal);
        var plain = Convert.ToBase64String(Encoding.ASCII.GetBytes($"\0{app.Key.Id}\0{SmtpCredentials.DerivePassword(app.Key.Secret, "us-east-1")}"));
        Assert.StartsWith("235", await smtp.CommandAsync("AUTH PLAIN " + plain), StringComparison.Ordinal);
        return smtp;
    }

    [Fact]
    public async Task A_connection_over_MaxConnections_gets_421_and_is_closed_and_a_freed_slot_is_reusable()
    {
        await NoConnectionsOpenAsync();
        var open = new List<RawSmtpConnection>();
        try
        {
            for (var i = 0; i < MaxConnections; i++)
            {
                var smtp = await RawSmtpConnection.OpenAsync(Port);
                open.Add(smtp);
                Assert.StartsWith("220 ", await smtp.ReadReplyAsync(), StringComparison.Ordinal);
            }

            await using (var extra = await RawSmtpConnection.OpenAsync(Port))
            {
                Assert.Equal("421 Too many connections, try again later", await extra.ReadReplyAsync());
                Assert.True(await extra.IsClosedByServerAsync());
            }

            await using (var extraTls = await RawSmtpConnection.OpenAsync(app.Listener.PortFor(implicitTls: true), app.Thumbprint))
            {
                Assert.Equal("421 Too many connections, try again later", await extraTls.ReadReplyAsync());
                Assert.True(await extraTls.IsClosedByServerAsync());
            }

            Assert.StartsWith("221", await open[0].CommandAsync("QUIT"), StringComparison.Ordinal);
            await open[0].DisposeAsync();
            open.RemoveAt(0);
            for (var i = 0; i < 100 && app.Listener.OpenConnections >= MaxConnections; i++)
            {
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }

            await using var next = await RawSmtpConnection.OpenAsync(Port);
            Assert.StartsWith("220 ", await next.ReadReplyAsync(), StringComparison.Ordinal);
        }
        finally
        {
            foreach (var smtp in open)
            {
                await smtp.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task The_command_after_MaxCommandsPerConnection_gets_421_and_the_connection_is_closed()
    {
        await using var smtp = await RawSmtpConnection.OpenAsync(Port);
        await smtp.ReadReplyAsync();
        for (var i = 0; i < MaxCommands; i++)
        {
            Assert.StartsWith("250", await smtp.CommandAsync(i == 0 ? "EHLO client.example" : "NOOP"), StringComparison.Ordinal);
        }

        Assert.Equal("421 Too many commands, closing connection", await smtp.CommandAsync("NOOP"));
        Assert.True(await smtp.IsClosedByServerAsync());
    }

    [Fact]
    public async Task After_MaxBadCommands_failed_commands_the_server_says_421_and_closes()
    {
        await using var smtp = await RawSmtpConnection.OpenAsync(Port);
        await smtp.ReadReplyAsync();
        Assert.StartsWith("250", await smtp.CommandAsync("EHLO client.example"), StringComparison.Ordinal);

        var replies = new List<string?>();
        for (var i = 0; i < MaxBadCommands; i++)
        {
            replies.Add(await smtp.CommandAsync("BOGUS " + i.ToString(CultureInfo.InvariantCulture)));
        }

        Assert.All(replies, r => Assert.StartsWith("5", r, StringComparison.Ordinal));
        Assert.All(replies, r => Assert.DoesNotContain("retry(ies)", r, StringComparison.Ordinal));
        Assert.Equal("421 Too many errors, closing connection", await smtp.ReadReplyAsync());
        Assert.True(await smtp.IsClosedByServerAsync());
    }

    [Fact]
    public async Task An_idle_client_is_told_421_and_disconnected_after_CommandTimeout()
    {
        await using var smtp = await RawSmtpConnection.OpenAsync(Port);
        await smtp.ReadReplyAsync();
        var started = DateTime.UtcNow;

        var reply = await smtp.ReadReplyAsync(TimeSpan.FromSeconds(20));

        Assert.Equal("421 Timeout waiting for a command, closing connection", reply);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(15));
        Assert.True(await smtp.IsClosedByServerAsync());
    }

    [Fact]
    public async Task A_client_that_stalls_inside_DATA_is_told_421_and_disconnected_after_DataTimeout()
    {
        await using var smtp = await AuthenticatedAsync();
        Assert.StartsWith("250", await smtp.CommandAsync("MAIL FROM:<news@example.com>"), StringComparison.Ordinal);
        Assert.StartsWith("250", await smtp.CommandAsync("RCPT TO:<reader@customer.example>"), StringComparison.Ordinal);
        Assert.StartsWith("354", await smtp.CommandAsync("DATA"), StringComparison.Ordinal);
        await smtp.SendAsync("Subject: slow\r\n\r\nthe first half of a line that never ends");

        var reply = await smtp.ReadReplyAsync(TimeSpan.FromSeconds(20));

        Assert.Equal("421 Timeout waiting for data, closing connection", reply);
        Assert.True(await smtp.IsClosedByServerAsync());
    }

    [Fact]
    public async Task A_message_over_MaxMessageSize_gets_552_Message_is_too_long_and_the_session_goes_on()
    {
        await using var smtp = await AuthenticatedAsync();
        Assert.StartsWith("250", await smtp.CommandAsync("MAIL FROM:<news@example.com>"), StringComparison.Ordinal);
        Assert.StartsWith("250", await smtp.CommandAsync("RCPT TO:<reader@customer.example>"), StringComparison.Ordinal);
        Assert.StartsWith("354", await smtp.CommandAsync("DATA"), StringComparison.Ordinal);
        var line = new string('x', 998) + "\r\n";
        var body = new StringBuilder("From: news@example.com\r\nTo: reader@customer.example\r\nSubject: big\r\n\r\n");
        while (body.Length < 4 * MaxMessageSize)
        {
            body.Append(line);
        }

        await smtp.SendAsync(body.ToString());

        Assert.Equal("552 Message is too long.", await smtp.CommandAsync("."));
        Assert.StartsWith("250", await smtp.CommandAsync("RSET"), StringComparison.Ordinal);
        Assert.StartsWith("221", await smtp.CommandAsync("QUIT"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_declared_SIZE_over_the_limit_is_refused_at_MAIL_FROM_in_SES_words()
    {
        await using var smtp = await AuthenticatedAsync();

        var reply = await smtp.CommandAsync($"MAIL FROM:<news@example.com> SIZE={(MaxMessageSize + 1).ToString(CultureInfo.InvariantCulture)}");

        Assert.Equal("552 Message is too long.", reply);
    }

    [Fact]
    public async Task The_51st_recipient_is_refused_and_the_first_50_are_accepted()
    {
        await using var smtp = await AuthenticatedAsync();
        Assert.StartsWith("250", await smtp.CommandAsync("MAIL FROM:<news@example.com>"), StringComparison.Ordinal);
        for (var i = 1; i <= 50; i++)
        {
            Assert.StartsWith("250", await smtp.CommandAsync($"RCPT TO:<reader{i.ToString(CultureInfo.InvariantCulture)}@customer.example>"), StringComparison.Ordinal);
        }

        var reply = await smtp.CommandAsync("RCPT TO:<reader51@customer.example>");

        Assert.Equal("554 Transaction failed: Recipient count exceeds 50.", reply);
    }

    [Fact]
    public async Task A_command_line_longer_than_64_KiB_closes_the_connection()
    {
        await using var smtp = await RawSmtpConnection.OpenAsync(Port);
        await smtp.ReadReplyAsync();

        await smtp.SendAsync("EHLO " + new string('a', SmtpGuardedPipe.MaxCommandLine + 10));

        Assert.Equal("500 Line too long, closing connection", await smtp.ReadReplyAsync());
        Assert.True(await smtp.IsClosedByServerAsync());
    }
}
