using System.Buffers;
using System.IO.Pipelines;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using SmtpServer;
using SmtpServer.IO;
using SmtpServer.Protocol;

namespace SesConsole.Web.Features.Smtp;

/// <summary>
/// One accepted SMTP connection, wrapped to enforce what SmtpServer 11.1.0 leaves open:
/// <list type="bullet">
/// <item>the message size while DATA is read: past <see cref="SmtpOptions.MaxMessageSize"/> the rest of the message is
/// discarded as it arrives (never buffered) and the DATA reply is <c>552 Message is too long.</c>;</item>
/// <item>an idle timeout between reads of the message, a TLS handshake timeout and a cap on the length of a command line;</item>
/// <item>commands per connection and failed commands per connection (then <c>421</c> and the connection is closed);</item>
/// <item>SES's wording of replies the library words its own way (<c>552 size limit exceeded</c>, the
/// <c>, N retry(ies) remaining.</c> suffix, <c>221</c> on a timeout).</item>
/// </list>
/// Releases its connection slot (see <see cref="SmtpConnectionLimiter"/>) when disposed.
/// </summary>
public sealed partial class SmtpGuardedPipe : ISecurableDuplexPipe
{
    /// <summary>A command line (AUTH included) longer than this closes the connection.</summary>
    public const int MaxCommandLine = 64 * 1024;

    private static readonly byte[] DotBlock = "\r\n.\r\n"u8.ToArray();

    private readonly ISecurableDuplexPipe _inner;
    private readonly ISessionContext _context;
    private readonly SmtpOptions _options;
    private readonly TimeProvider _time;
    private readonly Action _release;
    private readonly GuardedReader _reader;
    private readonly ReplyWriter _writer;
    private int _commands;
    private int _failures;
    private bool _readingData;
    private string? _closeAfterReply;
    private volatile bool _closed;
    private int _disposed;

    public SmtpGuardedPipe(ISecurableDuplexPipe inner, ISessionContext context, SmtpOptions options, TimeProvider time, Action release)
    {
        (_inner, _context, _options, _time, _release) = (inner, context, options, time, release);
        _reader = new GuardedReader(this);
        _writer = new ReplyWriter(this);
        context.CommandExecuting += OnCommandExecuting;
        context.CommandExecuted += OnCommandExecuted;
        context.ResponseException += OnResponseException;
    }

    public PipeReader Input => _reader;

    public PipeWriter Output => _writer;

    public bool IsSecure => _inner.IsSecure;

    public SslProtocols SslProtocol => _inner.SslProtocol;

    public async Task UpgradeAsync(X509Certificate certificate, SslProtocols protocols, CancellationToken cancellationToken = default)
    {
        using var timeout = new CancellationTokenSource(_options.CommandTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await _inner.UpgradeAsync(certificate, protocols, linked.Token);
        }
        catch
        {
            // Half a handshake leaves nothing to talk over.
            _closed = true;
            throw;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _context.CommandExecuting -= OnCommandExecuting;
            _context.CommandExecuted -= OnCommandExecuted;
            _context.ResponseException -= OnResponseException;
            _inner.Dispose();
            _release();
        }
    }

    private void OnCommandExecuting(object? sender, SmtpCommandEventArgs e)
    {
        if (e.Command is not QuitCommand && ++_commands > _options.MaxCommandsPerConnection)
        {
            throw new SmtpResponseException(new SmtpResponse((SmtpReplyCode)421, "Too many commands, closing connection"), quit: true);
        }

        if (e.Command is DataCommand)
        {
            _readingData = true;
        }
    }

    private void OnCommandExecuted(object? sender, SmtpCommandEventArgs e)
    {
        if (e.Command is DataCommand)
        {
            _readingData = false;
        }
    }

    private void OnResponseException(object? sender, SmtpResponseExceptionEventArgs e)
    {
        if (!e.Exception.IsQuitRequested && ++_failures >= _options.MaxBadCommands)
        {
            _closeAfterReply = "421 Too many errors, closing connection";
        }
    }

    /// <summary>Sends a last reply and ends the session: reads then see the end of the input, writes go nowhere.</summary>
    private async Task CloseAsync(string reply, CancellationToken cancellationToken)
    {
        _closed = true;
        try
        {
            await _inner.Output.WriteAsync(Encoding.ASCII.GetBytes(reply + "\r\n"), cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client is gone already.
        }
    }

    /// <summary>SES's words for the replies SmtpServer words its own way.</summary>
    private static string SesWording(string replies)
    {
        if (replies.Contains("retry(ies) remaining.", StringComparison.Ordinal))
        {
            replies = RetriesSuffix().Replace(replies, "");
        }

        return replies
            .Replace("552 size limit exceeded\r\n", "552 Message is too long.\r\n", StringComparison.Ordinal)
            .Replace("221 Timeout while waiting for input.\r\n", "421 Timeout waiting for a command, closing connection\r\n", StringComparison.Ordinal)
            .Replace("221 The session has be cancelled.\r\n", "421 Closing connection (session time limit or server shutdown)\r\n", StringComparison.Ordinal);
    }

    [GeneratedRegex(@", \d+ retry\(ies\) remaining\.(?=\r\n)")]
    private static partial Regex RetriesSuffix();

    private static readonly ReadResult Ended = new(ReadOnlySequence<byte>.Empty, isCanceled: false, isCompleted: true);

    /// <summary>Reads through the connection's current reader (a new one after STARTTLS) and guards what it returns.</summary>
    private sealed class GuardedReader(SmtpGuardedPipe pipe) : PipeReader
    {
        private PipeReader Inner => pipe._inner.Input;

        public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            if (pipe._closed)
            {
                return Ended;
            }

            if (!pipe._readingData)
            {
                var line = await Inner.ReadAsync(cancellationToken);
                if (line.Buffer.Length > MaxCommandLine && line.Buffer.Slice(0, MaxCommandLine).PositionOf((byte)'\n') is null)
                {
                    Inner.AdvanceTo(line.Buffer.End);
                    await pipe.CloseAsync("500 Line too long, closing connection", cancellationToken);
                    return Ended;
                }

                return line;
            }

            var result = await ReadDataAsync(cancellationToken);
            var limit = pipe._options.MaxMessageSize + (long)DotBlock.Length;
            if (pipe._closed)
            {
                return Ended;
            }

            if (result.Buffer.Length <= limit || Ends(result.Buffer.Slice(0, limit)))
            {
                return result;
            }

            // Over the limit: the client is answered once it has sent the whole message, which is discarded as it comes.
            if (!await DiscardThroughEndAsync(result, cancellationToken))
            {
                return Ended;
            }

            // SmtpServer's DATA command ends quietly on an SmtpResponseException, so the reply is sent here.
            await pipe._writer.WriteAsync("552 Message is too long.\r\n"u8.ToArray(), cancellationToken);
            throw new SmtpResponseException(new SmtpResponse(SmtpReplyCode.SizeLimitExceeded, "Message is too long."));
        }

        private static bool Ends(ReadOnlySequence<byte> buffer)
        {
            var reader = new SequenceReader<byte>(buffer);
            return reader.TryReadTo(out ReadOnlySequence<byte> _, DotBlock);
        }

        /// <summary>Waits for more of the message, at most <see cref="SmtpOptions.DataTimeout"/>.</summary>
        private async ValueTask<ReadResult> ReadDataAsync(CancellationToken cancellationToken)
        {
            using var idle = new CancellationTokenSource(pipe._options.DataTimeout, pipe._time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token);
            try
            {
                return await Inner.ReadAsync(linked.Token);
            }
            catch (OperationCanceledException) when (idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                await pipe.CloseAsync("421 Timeout waiting for data, closing connection", cancellationToken);
                return Ended;
            }
        }

        /// <summary>Consumes input up to and including the end-of-data line; false when the connection ended first.</summary>
        private async ValueTask<bool> DiscardThroughEndAsync(ReadResult result, CancellationToken cancellationToken)
        {
            var matched = 0;
            while (true)
            {
                long offset = 0;
                foreach (var segment in result.Buffer)
                {
                    var span = segment.Span;
                    for (var i = 0; i < span.Length; i++)
                    {
                        matched = span[i] == DotBlock[matched] ? matched + 1 : span[i] == '\r' ? 1 : 0;
                        if (matched == DotBlock.Length)
                        {
                            Inner.AdvanceTo(result.Buffer.GetPosition(offset + i + 1));
                            return true;
                        }
                    }

                    offset += span.Length;
                }

                Inner.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    return false;
                }

                result = await ReadDataAsync(cancellationToken);
                if (pipe._closed)
                {
                    return false;
                }
            }
        }

        public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            if (pipe._closed)
            {
                return;
            }

            Inner.AdvanceTo(consumed, examined);
        }

        public override bool TryRead(out ReadResult result)
        {
            if (pipe._closed)
            {
                result = Ended;
                return true;
            }

            return Inner.TryRead(out result);
        }

        public override void CancelPendingRead() => Inner.CancelPendingRead();

        public override void Complete(Exception? exception = null) => Inner.Complete(exception);
    }

    /// <summary>Collects a reply until it is flushed, then sends it in SES's words.</summary>
    private sealed class ReplyWriter(SmtpGuardedPipe pipe) : PipeWriter
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(256);

        private PipeWriter Inner => pipe._inner.Output;

        public override void Advance(int bytes) => _buffer.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => _buffer.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => _buffer.GetSpan(sizeHint);

        public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            if (pipe._closed)
            {
                _buffer.Clear();
                return new FlushResult(isCanceled: false, isCompleted: true);
            }

            var text = SesWording(Encoding.ASCII.GetString(_buffer.WrittenSpan));
            _buffer.Clear();
            var last = pipe._closeAfterReply;
            if (last is not null)
            {
                text += last + "\r\n";
                pipe._closed = true;
            }

            return await Inner.WriteAsync(Encoding.ASCII.GetBytes(text), cancellationToken);
        }

        public override void CancelPendingFlush() => Inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => Inner.Complete(exception);
    }
}
