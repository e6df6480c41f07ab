using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using SmtpServer;
using SmtpServer.IO;
using SmtpServer.Net;

namespace SesConsole.Web.Features.Smtp;

/// <summary>
/// SmtpServer's endpoint listener, with Nagle's algorithm off on every accepted connection. SmtpServer 11.1.0 leaves it
/// on, and a pipelined MAIL/RCPT/DATA group is answered with separate small writes: the second waited for the client's
/// delayed ACK of the first (40 ms on Linux), so one connection sent about 20 messages/s whatever the pipeline cost.
/// With <see cref="Socket.NoDelay"/> the replies go out as they are written (≈ 7 ms per message, 8 times the throughput).
/// </summary>
internal sealed class SmtpSocketListener : IEndpointListener
{
    private readonly TcpListener _listener;
    private readonly Action _stopped;

    public SmtpSocketListener(IEndpointDefinition endpoint, Action<EndpointEventArgs> started, Action stopped)
    {
        _listener = new TcpListener(endpoint.Endpoint);
        _listener.Start();
        _stopped = stopped;
        started(new EndpointEventArgs(endpoint, _listener.LocalEndpoint));
    }

    public async Task<ISecurableDuplexPipe> GetPipeAsync(ISessionContext context, CancellationToken cancellationToken)
    {
        var socket = await _listener.AcceptSocketAsync(cancellationToken);
        socket.NoDelay = true;
        context.Properties.Add(EndpointListener.LocalEndPointKey, _listener.LocalEndpoint);
        context.Properties.Add(EndpointListener.RemoteEndPointKey, socket.RemoteEndPoint!);
        return new SocketPipe(socket);
    }

    public void Dispose()
    {
        _listener.Stop();
        _stopped();
    }

    /// <summary>The connection as a duplex pipe that STARTTLS (or an implicit-TLS port) upgrades to TLS in place.</summary>
    internal sealed class SocketPipe : ISecurableDuplexPipe
    {
        private readonly NetworkStream _network;
        private Stream _stream;

        public SocketPipe(Socket socket)
        {
            Socket = socket;
            _network = new NetworkStream(socket, ownsSocket: true);
            _stream = _network;
            Input = PipeReader.Create(_network);
            Output = PipeWriter.Create(_network);
        }

        /// <summary>The accepted connection.</summary>
        public Socket Socket { get; }

        public PipeReader Input { get; private set; }

        public PipeWriter Output { get; private set; }

        public bool IsSecure => _stream is SslStream;

        public SslProtocols SslProtocol => (_stream as SslStream)?.SslProtocol ?? SslProtocols.None;

        public async Task UpgradeAsync(X509Certificate certificate, SslProtocols protocols, CancellationToken cancellationToken)
        {
            var tls = new SslStream(_stream, leaveInnerStreamOpen: true);
            await tls.AuthenticateAsServerAsync(
                new SslServerAuthenticationOptions { ServerCertificate = certificate, EnabledSslProtocols = protocols, ClientCertificateRequired = false },
                cancellationToken);
            _stream = tls;
            Input = PipeReader.Create(tls);
            Output = PipeWriter.Create(tls);
        }

        public void Dispose()
        {
            if (!ReferenceEquals(_stream, _network))
            {
                _stream.Dispose();
            }

            _network.Dispose();
        }
    }
}
