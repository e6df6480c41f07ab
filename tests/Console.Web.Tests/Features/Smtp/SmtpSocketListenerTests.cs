using System.Net;
using System.Net.Sockets;
using System.Buffers;
using System.Text;
using SesConsole.Web.Features.Smtp;
using SmtpServer;
using SmtpServer.IO;
using SmtpServer.Net;

namespace SesConsole.Web.Tests.Features.Smtp;

public sealed class SmtpSocketListenerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Accepted_connections_have_Nagle_off_and_carry_the_endpoints_and_the_bytes()
    {
        var endpoint = new EndpointDefinitionBuilder().Endpoint(new IPEndPoint(IPAddress.Loopback, 0)).Build();
        EndPoint? bound = null;
        var stopped = false;
        using var listener = new SmtpSocketListener(endpoint, args => bound = args.LocalEndPoint, () => stopped = true);
        var port = ((IPEndPoint)bound!).Port;
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, Ct);
        var context = new Context();

        using var pipe = await listener.GetPipeAsync(context, Ct);
        await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes("EHLO test\r\n"), Ct);
        var read = await pipe.Input.ReadAtLeastAsync(11, Ct);

        Assert.True(((SmtpSocketListener.SocketPipe)pipe).Socket.NoDelay);
        Assert.Equal("EHLO test\r\n", Encoding.ASCII.GetString(read.Buffer.Slice(0, 11).ToArray()));
        Assert.Equal(((IPEndPoint)client.Client.LocalEndPoint!).Port, ((IPEndPoint)context.Properties[EndpointListener.RemoteEndPointKey]).Port);
        Assert.False(pipe.IsSecure);
        listener.Dispose();
        Assert.True(stopped);
    }

    /// <summary>Only <see cref="ISessionContext.Properties"/> is used by a listener.</summary>
    private sealed class Context : ISessionContext
    {
        public Guid SessionId { get; } = Guid.NewGuid();

        public IServiceProvider ServiceProvider => throw new NotSupportedException();

        public ISmtpServerOptions ServerOptions => throw new NotSupportedException();

        public IEndpointDefinition EndpointDefinition => throw new NotSupportedException();

        public ISecurableDuplexPipe Pipe => throw new NotSupportedException();

        public AuthenticationContext Authentication => throw new NotSupportedException();

        public IDictionary<string, object> Properties { get; } = new Dictionary<string, object>();

        public event EventHandler<SmtpCommandEventArgs>? CommandExecuting { add { } remove { } }

        public event EventHandler<SmtpCommandEventArgs>? CommandExecuted { add { } remove { } }

        public event EventHandler<SmtpResponseExceptionEventArgs>? ResponseException { add { } remove { } }

        public event EventHandler<EventArgs>? SessionAuthenticated { add { } remove { } }
    }
}
