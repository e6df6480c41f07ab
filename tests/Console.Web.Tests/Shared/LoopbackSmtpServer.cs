using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Mail;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace SesConsole.Web.Tests.Shared;

/// <summary>A message as the loopback SMTP server received it: the envelope and the DATA bytes.</summary>
public sealed record ReceivedMail(string From, IReadOnlyList<string> To, byte[] Data);

/// <summary>
/// A real SMTP server (SmtpServer 11) on 127.0.0.1 with an OS-chosen port, capturing every message. With credentials it
/// requires AUTH (allowed without TLS on loopback) and accepts only those credentials. Recipients whose local part starts
/// with <c>unknown</c> are refused at RCPT TO with 550, as a real mailbox provider refuses an unknown user.
/// </summary>
public sealed class LoopbackSmtpServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly SmtpServer.SmtpServer _server;
    private Task _running = Task.CompletedTask;

    private LoopbackSmtpServer(string? userName, string? password)
    {
        var options = new SmtpServerOptionsBuilder()
            .ServerName("loopback.test")
            .Endpoint(e =>
            {
                e.Endpoint(new IPEndPoint(IPAddress.Loopback, 0));
                if (userName is not null)
                {
                    e.AuthenticationRequired(true).AllowUnsecureAuthentication(true);
                }
            })
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new CapturingStore(this));
        services.Add(new UnknownUserFilter());
        if (userName is not null)
        {
            services.Add(new DelegatingUserAuthenticator((user, pass) => user == userName && pass == password));
        }

        var listeners = new EndpointListenerFactory();
        listeners.EndpointStarted += (_, e) => Started.TrySetResult(((IPEndPoint)e.LocalEndPoint).Port);
        services.Add(listeners);
        _server = new SmtpServer.SmtpServer(options, services);
        _server.SessionCreated += (_, _) => Interlocked.Increment(ref _sessions);
    }

    private int _sessions;

    /// <summary>How many SMTP sessions (connections) the server has accepted.</summary>
    public int Sessions => Volatile.Read(ref _sessions);

    public ConcurrentQueue<ReceivedMail> Messages { get; } = new();

    /// <summary>How long the server waits after taking a message before it answers 250 (a slow relay). Zero by default.</summary>
    public TimeSpan Delay { get; set; }

    public int Port { get; private set; }

    private TaskCompletionSource<int> Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Starts the server and returns once it is listening (the listener's own "started" event, not a delay).</summary>
    public static async Task<LoopbackSmtpServer> StartAsync(string? userName = null, string? password = null)
    {
        var server = new LoopbackSmtpServer(userName, password);
        server._running = server._server.StartAsync(server._stop.Token);
        server.Port = await server.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
            // Stopping is what was asked for.
        }

        _stop.Dispose();
    }

    private sealed class UnknownUserFilter : IMailboxFilter
    {
        public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken) => Task.FromResult(true);

        public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken) =>
            Task.FromResult(!to.User.StartsWith("unknown", StringComparison.OrdinalIgnoreCase));
    }

    private sealed class CapturingStore(LoopbackSmtpServer server) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            server.Messages.Enqueue(new ReceivedMail(
                transaction.From.AsAddress(),
                transaction.To.Select(t => t.AsAddress()).ToList(),
                buffer.ToArray()));
            if (server.Delay > TimeSpan.Zero)
            {
                await Task.Delay(server.Delay, cancellationToken);
            }

            return SmtpResponse.Ok;
        }
    }
}
