using System.Net;
using System.Security.Authentication;
using SmtpServer;
using SmtpServer.IO;
using SmtpServer.Net;
using SmtpServer.Protocol;

namespace SesConsole.Web.Features.Smtp;

/// <summary>
/// Caps the connections open at once over all SMTP endpoints, which SmtpServer 11.1.0 does not do: a connection over the
/// cap gets <c>421</c> (after the TLS handshake on an implicit-TLS port) and is closed; the accepted ones run through a
/// <see cref="SmtpGuardedPipe"/> that enforces the per-connection limits. Connections are accepted by
/// <see cref="SmtpSocketListener"/> (Nagle off).
/// </summary>
public sealed class SmtpConnectionLimiter(SmtpOptions options, TimeProvider time, ILogger logger) : EndpointListenerFactory
{
    private readonly SmtpOptions _options = options;
    private readonly TimeProvider _time = time;
    private readonly ILogger _logger = logger;
    private int _open;
    private int _rejecting;

    /// <summary>Connections accepted and not yet closed.</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    public override IEndpointListener CreateListener(IEndpointDefinition endpointDefinition)
    {
        EndpointEventArgs? started = null;
        var sockets = new SmtpSocketListener(endpointDefinition, args => OnEndpointStarted(started = args), () => OnEndpointStopped(started!));
        return new Listener(this, sockets, endpointDefinition);
    }

    private sealed class Listener(SmtpConnectionLimiter limiter, IEndpointListener inner, IEndpointDefinition endpoint) : IEndpointListener
    {
        public async Task<ISecurableDuplexPipe> GetPipeAsync(ISessionContext context, CancellationToken cancellationToken)
        {
            while (true)
            {
                var pipe = await inner.GetPipeAsync(context, cancellationToken);
                if (Interlocked.Increment(ref limiter._open) <= limiter._options.MaxConnections)
                {
                    return new SmtpGuardedPipe(pipe, context, limiter._options, limiter._time, () => Interlocked.Decrement(ref limiter._open));
                }

                Interlocked.Decrement(ref limiter._open);
                var remote = context.Properties.TryGetValue(EndpointListener.RemoteEndPointKey, out var ep) ? ep as EndPoint : null;
                limiter._logger.LogWarning("SMTP connection from {Remote} refused: {Max} connections are open", remote, limiter._options.MaxConnections);
                context.Properties.Remove(EndpointListener.LocalEndPointKey);
                context.Properties.Remove(EndpointListener.RemoteEndPointKey);

                // Off the accept loop: a client that never completes the TLS handshake must not stall other connections.
                _ = RefuseAsync(pipe, context);
            }
        }

        private async Task RefuseAsync(ISecurableDuplexPipe pipe, ISessionContext context)
        {
            using (pipe)
            {
                // Refusals in flight are capped too; beyond that the socket is just closed.
                if (Interlocked.Increment(ref limiter._rejecting) > limiter._options.MaxConnections)
                {
                    Interlocked.Decrement(ref limiter._rejecting);
                    return;
                }

                try
                {
                    using var timeout = new CancellationTokenSource(limiter._options.CommandTimeout, limiter._time);
                    if (endpoint.IsSecure && endpoint.CertificateFactory is { } certificates)
                    {
                        await pipe.UpgradeAsync(certificates.GetServerCertificate(context), endpoint.SupportedSslProtocols, timeout.Token);
                    }

                    await pipe.Output.WriteReplyAsync(new SmtpResponse((SmtpReplyCode)421, "Too many connections, try again later"), timeout.Token);
                }
                catch (Exception ex) when (ex is IOException or OperationCanceledException or AuthenticationException or ObjectDisposedException)
                {
                    limiter._logger.LogDebug(ex, "Refusing an SMTP connection failed");
                }
                finally
                {
                    Interlocked.Decrement(ref limiter._rejecting);
                }
            }
        }

        public void Dispose() => inner.Dispose();
    }
}
