using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SesConsole.Domain.Sending;
using SesConsole.Web.Features.Mail;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Mail;

public sealed class SmtpRelayTransportTests
{
    private static readonly MailComposer Composer = new(new MailOptions(), new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero)));

    private static SmtpRelayTransport RelayTo(int port, string? userName = null, string? password = null) =>
        new(new MailOptions
        {
            Mode = MailMode.SmtpRelay,
            Relay = new RelayOptions
            {
                Host = "127.0.0.1", Port = port, Security = RelaySecurity.None, UserName = userName, Password = password, Timeout = TimeSpan.FromSeconds(10),
            },
        }, NullLogger<SmtpRelayTransport>.Instance);

    private static OutboundMessage Message(string body = "Hello over SMTP") =>
        Composer.Compose(new ProductMail("111111111111", "header-to@example.com", "Relay test", body, $"<p>{body}</p>")) with
        {
            // The envelope differs from the headers on purpose: the relay must use the envelope.
            EnvelopeFrom = "bounces@sender.example",
            Recipients = ["first@rcpt.example", "second@rcpt.example"],
        };

    [Fact]
    public async Task Messages_one_after_another_share_one_pooled_connection_and_concurrent_ones_get_one_each()
    {
        await using var server = await LoopbackSmtpServer.StartAsync();
        await using var relay = RelayTo(server.Port);

        for (var i = 0; i < 3; i++)
        {
            Assert.True((await relay.SendAsync(Message($"one after another {i}"), TestContext.Current.CancellationToken)).IsSuccess);
        }

        Assert.Equal(1, server.Sessions);
        server.Delay = TimeSpan.FromMilliseconds(200); // so that the four are in flight together
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => relay.SendAsync(Message($"concurrent {i}"), TestContext.Current.CancellationToken)));

        Assert.All(results, r => Assert.True(r.IsSuccess, r.Error?.ToString()));
        Assert.Equal(7, server.Messages.Count);
        Assert.Equal(4, server.Sessions); // the pooled one plus three new ones, no more
    }

    [Fact]
    public async Task SendAsync_delivers_with_the_given_envelope_and_body()
    {
        await using var server = await LoopbackSmtpServer.StartAsync();
        var message = Message();

        var result = await RelayTo(server.Port).SendAsync(message, TestContext.Current.CancellationToken);

        Assert.True(result.IsSuccess, result.Error?.ToString());
        var received = Assert.Single(server.Messages);
        Assert.Equal("bounces@sender.example", received.From);
        Assert.Equal(["first@rcpt.example", "second@rcpt.example"], received.To);
        var data = Encoding.UTF8.GetString(received.Data);
        Assert.Contains("Hello over SMTP", data, StringComparison.Ordinal);
        Assert.Contains($"Message-Id: <{result.Value}>", data, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task SendAsync_with_the_right_credentials_authenticates_and_delivers()
    {
        await using var server = await LoopbackSmtpServer.StartAsync("relay-user", "relay-secret");

        var result = await RelayTo(server.Port, "relay-user", "relay-secret").SendAsync(Message(), TestContext.Current.CancellationToken);

        Assert.True(result.IsSuccess, result.Error?.ToString());
        Assert.Single(server.Messages);
    }

    [Fact]
    public async Task SendAsync_to_a_recipient_the_server_refuses_is_recipient_rejected_naming_the_address()
    {
        await using var server = await LoopbackSmtpServer.StartAsync();

        var result = await RelayTo(server.Port).SendAsync(Message() with { Recipients = ["unknown@example.net"] }, TestContext.Current.CancellationToken);

        Assert.Equal(MailTransportErrors.RecipientRejected, result.Error?.Code);
        Assert.Equal("unknown@example.net", result.Error!.Location);
        Assert.Contains("550", result.Error.Message, StringComparison.Ordinal);
        Assert.Empty(server.Messages);
    }

    [Fact]
    public async Task SendAsync_with_wrong_credentials_is_relay_failed_with_the_servers_reply()
    {
        await using var server = await LoopbackSmtpServer.StartAsync("relay-user", "relay-secret");

        var result = await RelayTo(server.Port, "relay-user", "wrong").SendAsync(Message(), TestContext.Current.CancellationToken);

        Assert.Equal(SmtpRelayTransport.RelayFailed, result.Error?.Code);
        Assert.Contains($"127.0.0.1:{server.Port}", result.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("535", result.Error.Message, StringComparison.Ordinal);
        Assert.Empty(server.Messages);
    }

    [Fact]
    public async Task SendAsync_without_credentials_where_auth_is_required_is_relay_failed_with_the_servers_reply()
    {
        await using var server = await LoopbackSmtpServer.StartAsync("relay-user", "relay-secret");

        var result = await RelayTo(server.Port).SendAsync(Message(), TestContext.Current.CancellationToken);

        Assert.Equal(SmtpRelayTransport.RelayFailed, result.Error?.Code);
        Assert.Contains($"127.0.0.1:{server.Port}", result.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("requires authentication (set Mail:Relay:UserName and Mail:Relay:Password): authentication required", result.Error.Message, StringComparison.Ordinal);
        Assert.Empty(server.Messages);
    }

    [Fact]
    public async Task SendAsync_when_nothing_listens_is_relay_failed_not_an_exception()
    {
        // A port the OS just handed out and that is closed again: connecting is refused at once.
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var result = await RelayTo(port).SendAsync(Message(), TestContext.Current.CancellationToken);

        Assert.Equal(SmtpRelayTransport.RelayFailed, result.Error?.Code);
        Assert.Contains($"Could not connect to the SMTP relay 127.0.0.1:{port}", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_bad_envelope_recipient_is_refused_before_connecting()
    {
        var result = await RelayTo(1).SendAsync(Message() with { Recipients = ["not an address"] }, TestContext.Current.CancellationToken);

        Assert.Equal("mail.invalid_address", result.Error?.Code);
    }
}
