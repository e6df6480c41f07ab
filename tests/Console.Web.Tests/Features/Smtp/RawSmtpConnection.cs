using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace SesConsole.Web.Tests.Features.Smtp;

/// <summary>A bare TCP SMTP client that sends exactly the bytes a test says, for the limits no well-behaved client hits.</summary>
public sealed class RawSmtpConnection : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly Stream _stream;
    private readonly StreamReader _reader;

    private RawSmtpConnection(TcpClient tcp, Stream stream)
    {
        (_tcp, _stream) = (tcp, stream);
        _reader = new StreamReader(stream, Encoding.ASCII, detectEncodingFromByteOrderMarks: false, bufferSize: 1024, leaveOpen: true);
    }

    /// <param name="port">The listener's port.</param>
    /// <param name="tlsThumbprint">When set, TLS from the first byte, trusting exactly the certificate with this thumbprint.</param>
    public static async Task<RawSmtpConnection> OpenAsync(int port, string? tlsThumbprint = null)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port, TestContext.Current.CancellationToken);
        Stream stream = tcp.GetStream();
        if (tlsThumbprint is not null)
        {
            var tls = new SslStream(stream, leaveInnerStreamOpen: false, (_, certificate, _, _) => certificate?.GetCertHashString() == tlsThumbprint);
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, TestContext.Current.CancellationToken);
            stream = tls;
        }

        return new RawSmtpConnection(tcp, stream);
    }

    /// <summary>One reply (all lines of a multi-line one, joined by newlines), or null when the server closed the connection.</summary>
    public async Task<string?> ReadReplyAsync(TimeSpan? wait = null)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(wait ?? TimeSpan.FromSeconds(15));
        var lines = new List<string>();
        while (true)
        {
            string? line;
            try
            {
                line = await _reader.ReadLineAsync(timeout.Token);
            }
            catch (IOException)
            {
                line = null;
            }

            if (line is null)
            {
                return lines.Count == 0 ? null : string.Join('\n', lines);
            }

            lines.Add(line);
            if (line.Length < 4 || line[3] != '-')
            {
                return string.Join('\n', lines);
            }
        }
    }

    public async Task SendAsync(string text)
    {
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(text), TestContext.Current.CancellationToken);
        await _stream.FlushAsync(TestContext.Current.CancellationToken);
    }

    public Task SendLineAsync(string line) => SendAsync(line + "\r\n");

    /// <summary>Sends a command and returns its reply.</summary>
    public async Task<string?> CommandAsync(string line)
    {
        await SendLineAsync(line);
        return await ReadReplyAsync();
    }

    /// <summary>True when the server has closed the connection (reads see the end of the stream).</summary>
    public async Task<bool> IsClosedByServerAsync(TimeSpan? wait = null) => await ReadReplyAsync(wait) is null;

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}
