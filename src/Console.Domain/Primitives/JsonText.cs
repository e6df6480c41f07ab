using System.Buffers;
using System.Text;
using System.Text.Json;

namespace SesConsole.Domain.Primitives;

/// <summary>
/// Writes a small JSON document to a string through a buffer and a <see cref="Utf8JsonWriter"/> kept per thread and reused
/// call after call (default writer options: compact, the default encoder). Every accepted message writes a few such
/// documents (its stored <c>mail</c> object and its events); a fresh writer over a fresh stream for each was the largest
/// single source of garbage on the send path (docs/send-performance.md#where-the-time-went). A nested call (a writer
/// callback that writes another document) gets a fresh buffer, so documents never mix.
/// </summary>
public static class JsonText
{
    /// <summary>A buffer grown beyond this by one large document is dropped after use rather than kept for the thread.</summary>
    private const int MaxKeptBytes = 64 * 1024;

    [ThreadStatic]
    private static Cache? _threadCache;

    /// <summary>The UTF-16 text of what <paramref name="write"/> writes with <paramref name="state"/>.</summary>
    public static string Write<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var cache = _threadCache ??= new Cache();
        if (cache.InUse)
        {
            var buffer = new ArrayBufferWriter<byte>(256);
            using var fresh = new Utf8JsonWriter(buffer);
            write(fresh, state);
            fresh.Flush();
            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }

        cache.InUse = true;
        try
        {
            cache.Buffer.ResetWrittenCount();
            cache.Writer.Reset(cache.Buffer);
            write(cache.Writer, state);
            cache.Writer.Flush();
            return Encoding.UTF8.GetString(cache.Buffer.WrittenSpan);
        }
        finally
        {
            cache.InUse = false;
            if (cache.Buffer.Capacity > MaxKeptBytes)
            {
                _threadCache = null;
            }
        }
    }

    private sealed class Cache
    {
        public Cache() => Writer = new Utf8JsonWriter(Buffer);

        public ArrayBufferWriter<byte> Buffer { get; } = new(1024);

        public Utf8JsonWriter Writer { get; }

        public bool InUse { get; set; }
    }
}
