using System.Collections.Concurrent;
using System.Net.Sockets;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using MimeKit.Utils;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Sending;

namespace SesConsole.Web.Features.Mail;

/// <summary>
/// Hands each message to the configured SMTP relay with MailKit, using the envelope given (not the addresses in the
/// headers), over pooled connections: a connection that delivered a message goes back to the pool and carries the next
/// one, so concurrent callers (the delivery worker's <c>Sending:Delivery:Parallelism</c>) each hold one open connection
/// instead of connecting, greeting and authenticating per message. A connection that fails is closed, never pooled again;
/// when a pooled connection turns out to be dead (the relay closed it while idle) the message is tried once more on a new
/// one (docs/send-pipeline.md#delivery). A delivery failure comes back naming the relay and its reply: a permanent (5xx)
/// refusal of a recipient as <see cref="MailTransportErrors.RecipientRejected"/> (that address in the error's location),
/// of the message as <see cref="MailTransportErrors.ContentRejected"/>, anything else as <see cref="MailTransportErrors.RelayFailed"/>.
/// </summary>
public sealed class SmtpRelayTransport(MailOptions options, ILogger<SmtpRelayTransport> logger) : IMailTransport, IAsyncDisposable, IDisposable
{
    public const string RelayFailed = MailTransportErrors.RelayFailed;

    /// <summary>Connections kept open beyond this many idle ones are closed.</summary>
    private const int MaxIdleConnections = 64;

    private readonly ConcurrentBag<SmtpClient> _idle = [];
    private int _disposed;

    private readonly RelayOptions _relay = options.Relay;
    private readonly string _host = options.Relay.Host ?? throw new InvalidOperationException("Mail:Relay:Host is required for the SMTP relay.");

    private string Relay => $"{_host}:{_relay.Port}";

    public async Task<Result<string>> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var check = MailEnvelope.Check(message);
        if (!check.IsSuccess)
        {
            return check.Error;
        }

        var parsed = await MailEnvelope.ParseAsync(message.Mime, cancellationToken);
        if (!parsed.IsSuccess)
        {
            return parsed.Error;
        }

        var mime = parsed.Value;
        if (string.IsNullOrEmpty(mime.MessageId))
        {
            mime.MessageId = MimeUtils.GenerateMessageId();
        }

        var sender = MailboxAddress.Parse(message.EnvelopeFrom);
        var recipients = message.Recipients.Select(MailboxAddress.Parse).ToList();
        var client = _idle.TryTake(out var pooled) ? pooled : null;
        var reused = client is not null;
        try
        {
            while (true)
            {
                try
                {
                    client ??= await ConnectAsync(cancellationToken);
                    var reply = await client.SendAsync(mime, sender, recipients, cancellationToken);
                    logger.LogDebug("Relayed message {MessageId} through {Relay}: {Reply}", mime.MessageId, Relay, reply);
                    Return(client);
                    client = null;
                    return mime.MessageId;
                }
                catch (Exception ex) when (reused && IsDeadConnection(ex, cancellationToken))
                {
                    // The relay closed the idle connection; one more try on a new one.
                    logger.LogDebug(ex, "A pooled connection to {Relay} was closed; reconnecting", Relay);
                    client?.Dispose();
                    client = null;
                    reused = false;
                }
            }
        }
        catch (Exception ex) when (IsDeliveryFailure(ex, cancellationToken))
        {
            logger.LogWarning(ex, "Relaying message {MessageId} through {Relay} failed", mime.MessageId, Relay);
            return ex switch
            {
                SmtpCommandException { ErrorCode: SmtpErrorCode.RecipientNotAccepted, Mailbox: { } mailbox } refused when (int)refused.StatusCode >= 500 =>
                    new Error(MailTransportErrors.RecipientRejected, Describe(ex), mailbox.Address),
                SmtpCommandException { ErrorCode: SmtpErrorCode.MessageNotAccepted } refused when (int)refused.StatusCode >= 500 =>
                    new Error(MailTransportErrors.ContentRejected, Describe(ex)),
                _ => new Error(RelayFailed, Describe(ex)),
            };
        }
        finally
        {
            // A connection that failed (or was cancelled) mid-conversation is in an unknown state: closed, not pooled.
            client?.Dispose();
        }
    }

    private async Task<SmtpClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var client = new SmtpClient { Timeout = (int)_relay.Timeout.TotalMilliseconds };
        Socket? socket = null;
        try
        {
            socket = await ConnectSocketAsync(cancellationToken);
            await client.ConnectAsync(socket, _host, _relay.Port, ToMailKit(_relay.Security), cancellationToken);
            socket = null; // the client owns it now
            if (_relay.UserName is not null)
            {
                await client.AuthenticateAsync(_relay.UserName, _relay.Password ?? "", cancellationToken);
            }

            return client;
        }
        catch
        {
            socket?.Dispose();
            client.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The TCP connection to the relay, with Nagle's algorithm off (MailKit leaves it on when it connects by itself): the
    /// message's last small write would otherwise wait for the relay's delayed ACK of the one before, up to 40 ms per
    /// message on Linux (docs/send-pipeline.md#delivery). Bounded by <c>Mail:Relay:Timeout</c> like the conversation.
    /// </summary>
    private async Task<Socket> ConnectSocketAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_relay.Timeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(_host, _relay.Port, timeout.Token);
            return socket;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new TimeoutException($"Connecting to {Relay} timed out.");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private void Return(SmtpClient client)
    {
        if (Volatile.Read(ref _disposed) == 0 && client.IsConnected && _idle.Count < MaxIdleConnections)
        {
            _idle.Add(client);
        }
        else
        {
            client.Dispose();
        }
    }

    /// <summary>Closes the pooled connections (QUIT, then the socket).</summary>
    public async ValueTask DisposeAsync()
    {
        Interlocked.Exchange(ref _disposed, 1);
        while (_idle.TryTake(out var client))
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await client.DisconnectAsync(quit: true, timeout.Token);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or SmtpProtocolException or SmtpCommandException)
            {
                // Closing anyway.
            }
            finally
            {
                client.Dispose();
            }
        }
    }

    /// <summary>Closes the pooled connections without QUIT (a container disposed synchronously).</summary>
    public void Dispose()
    {
        Interlocked.Exchange(ref _disposed, 1);
        while (_idle.TryTake(out var client))
        {
            client.Dispose();
        }
    }

    /// <summary>A pooled connection the relay has closed: the socket or the protocol failed, not a reply to our commands.</summary>
    private static bool IsDeadConnection(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        OperationCanceledException => false,
        _ when cancellationToken.IsCancellationRequested => false,
        SmtpProtocolException or IOException or SocketException or MailKit.ServiceNotConnectedException => true,
        SmtpCommandException { StatusCode: SmtpStatusCode.ServiceNotAvailable } => true, // 421: closing the channel
        _ => false,
    };

    private string Describe(Exception ex) => ex switch
    {
        SmtpCommandException command => $"The SMTP relay {Relay} refused the message: {(int)command.StatusCode} {command.Message}",
        MailKit.ServiceNotAuthenticatedException required =>
            $"The SMTP relay {Relay} requires authentication (set Mail:Relay:UserName and Mail:Relay:Password): {required.Message}",
        AuthenticationException auth => $"The SMTP relay {Relay} refused the credentials of '{_relay.UserName}': {auth.Message}",
        SocketException socket => $"Could not connect to the SMTP relay {Relay}: {socket.Message}",
        SslHandshakeException => $"The TLS handshake with the SMTP relay {Relay} failed (check Mail:Relay:Security and the relay's certificate).",
        NotSupportedException notSupported => $"The SMTP relay {Relay} does not support what Mail:Relay asks for: {notSupported.Message}",
        OperationCanceledException or TimeoutException => $"The SMTP relay {Relay} did not answer within {_relay.Timeout.TotalSeconds:0.#} s.",
        _ => $"Talking to the SMTP relay {Relay} failed: {ex.Message}",
    };

    // Delivery problems are expected outcomes; the caller's own cancellation is not.
    private static bool IsDeliveryFailure(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        SmtpCommandException or SmtpProtocolException or AuthenticationException or SslHandshakeException or SocketException
            or IOException or TimeoutException or NotSupportedException or MailKit.ServiceNotConnectedException
            or MailKit.ServiceNotAuthenticatedException => true,
        _ => false,
    };

    private static SecureSocketOptions ToMailKit(RelaySecurity security) => security switch
    {
        RelaySecurity.None => SecureSocketOptions.None,
        RelaySecurity.StartTls => SecureSocketOptions.StartTls,
        RelaySecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.StartTlsWhenAvailable,
    };
}
