using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SesConsole.Web.Tests.Shared;

/// <summary>
/// A tiny authoritative DNS server on 127.0.0.1 (UDP, a free port) answering from an in-memory zone the test changes
/// while it runs. Supports TXT, CNAME (followed inside the zone) and MX; a name with no records is NXDOMAIN, a name with
/// records of other types is NODATA. <see cref="FailAll"/> makes every answer SERVFAIL. No test-framework dependency,
/// so the e2e fixture can use it too.
/// </summary>
public sealed class TestDnsServer : IDisposable
{
    private const ushort TypeCname = 5;
    private const ushort TypeMx = 15;
    private const ushort TypeTxt = 16;

    private readonly UdpClient _udp;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<(string Name, ushort Type), string[]> _zone = new();
    private readonly Task _loop;
    private int _queryCount;

    private TestDnsServer()
    {
        _udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_udp.Client.LocalEndPoint!).Port;
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    /// <summary><c>127.0.0.1:PORT</c>, the form <c>Dns:Servers</c> takes.</summary>
    public string Endpoint => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>When true, every query is answered SERVFAIL (a broken resolver).</summary>
    public bool FailAll { get; set; }

    public int QueryCount => Volatile.Read(ref _queryCount);

    public static TestDnsServer Start() => new();

    /// <summary>
    /// Replaces the records of <paramref name="type"/> (TXT, CNAME or MX) at <paramref name="name"/>. TXT values are the
    /// text (split into 255-byte strings on the wire); CNAME values are the target; MX values are <c>PREFERENCE HOST</c>.
    /// </summary>
    public void Set(string name, string type, params string[] values)
    {
        var code = TypeCode(type);
        if (code == TypeMx)
        {
            foreach (var value in values)
            {
                _ = ParseMx(value);
            }
        }

        _zone[(Normalize(name), code)] = values;
    }

    /// <summary>Removes every record at <paramref name="name"/> (queries then get NXDOMAIN).</summary>
    public void Remove(string name)
    {
        var key = Normalize(name);
        foreach (var entry in _zone.Keys.Where(k => k.Name == key))
        {
            _zone.TryRemove(entry, out _);
        }
    }

    /// <summary>Removes the records of one type at <paramref name="name"/>.</summary>
    public void Remove(string name, string type) => _zone.TryRemove((Normalize(name), TypeCode(type)), out _);

    public void Clear() => _zone.Clear();

    /// <summary>A loopback UDP port nobody listens on (bound and released), for "server unreachable" tests.</summary>
    public static int UnusedPort()
    {
        using var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _udp.Dispose();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult request;
            try
            {
                request = await _udp.ReceiveAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            Interlocked.Increment(ref _queryCount);
            var response = Answer(request.Buffer);
            if (response is null)
            {
                continue;
            }

            try
            {
                await _udp.SendAsync(response, request.RemoteEndPoint, _stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                // The client went away or we are stopping.
            }
        }
    }

    private byte[]? Answer(byte[] query)
    {
        if (query.Length < 12 || BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(4)) != 1)
        {
            return null;
        }

        var offset = 12;
        var labels = new List<string>();
        while (offset < query.Length && query[offset] != 0)
        {
            int length = query[offset];
            if (length > 63 || offset + 1 + length > query.Length)
            {
                return null;
            }

            labels.Add(Encoding.ASCII.GetString(query, offset + 1, length));
            offset += 1 + length;
        }

        if (offset + 5 > query.Length)
        {
            return null;
        }

        var questionEnd = offset + 5;
        var qname = Normalize(string.Join('.', labels));
        var qtype = BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(offset + 1));

        var answers = new List<byte[]>();
        var rcode = 0;
        if (FailAll)
        {
            rcode = 2;
        }
        else
        {
            var name = qname;
            for (var hops = 0; hops < 8; hops++)
            {
                if (_zone.TryGetValue((name, qtype), out var values))
                {
                    answers.AddRange(values.Select(v => Record(name, qtype, v)));
                    break;
                }

                if (qtype != TypeCname && _zone.TryGetValue((name, TypeCname), out var cname) && cname.Length > 0)
                {
                    answers.Add(Record(name, TypeCname, cname[0]));
                    name = Normalize(cname[0]);
                    continue;
                }

                if (hops == 0 && !_zone.Keys.Any(k => k.Name == name))
                {
                    rcode = 3;
                }

                break;
            }
        }

        using var output = new MemoryStream();
        var header = new byte[12];
        query.AsSpan(0, 2).CopyTo(header);
        var rd = query[2] & 0x01;
        header[2] = (byte)(0x80 | 0x04 | rd);
        header[3] = (byte)(0x80 | rcode);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), 1);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(6), (ushort)answers.Count);
        output.Write(header);
        output.Write(query.AsSpan(12, questionEnd - 12));
        foreach (var answer in answers)
        {
            output.Write(answer);
        }

        return output.ToArray();
    }

    private static byte[] Record(string name, ushort type, string value)
    {
        var data = type switch
        {
            TypeTxt => TxtData(value),
            TypeCname => EncodeName(value),
            TypeMx => MxData(value),
            _ => throw new InvalidOperationException($"Unsupported type {type}."),
        };
        using var record = new MemoryStream();
        record.Write(EncodeName(name));
        Span<byte> fixedPart = stackalloc byte[10];
        BinaryPrimitives.WriteUInt16BigEndian(fixedPart, type);
        BinaryPrimitives.WriteUInt16BigEndian(fixedPart[2..], 1);
        BinaryPrimitives.WriteUInt32BigEndian(fixedPart[4..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(fixedPart[8..], (ushort)data.Length);
        record.Write(fixedPart);
        record.Write(data);
        return record.ToArray();
    }

    private static byte[] TxtData(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        using var data = new MemoryStream();
        var offset = 0;
        do
        {
            var length = Math.Min(255, bytes.Length - offset);
            data.WriteByte((byte)length);
            data.Write(bytes, offset, length);
            offset += length;
        }
        while (offset < bytes.Length);
        return data.ToArray();
    }

    private static byte[] MxData(string value)
    {
        var (preference, host) = ParseMx(value);
        var name = EncodeName(host);
        var data = new byte[2 + name.Length];
        BinaryPrimitives.WriteUInt16BigEndian(data, preference);
        name.CopyTo(data, 2);
        return data;
    }

    private static (ushort Preference, string Host) ParseMx(string value)
    {
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || !ushort.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var preference))
        {
            throw new ArgumentException($"An MX value is 'PREFERENCE HOST', not '{value}'.", nameof(value));
        }

        return (preference, parts[1]);
    }

    private static byte[] EncodeName(string name)
    {
        using var data = new MemoryStream();
        foreach (var label in Normalize(name).Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var bytes = Encoding.ASCII.GetBytes(label);
            data.WriteByte((byte)bytes.Length);
            data.Write(bytes);
        }

        data.WriteByte(0);
        return data.ToArray();
    }

    private static ushort TypeCode(string type) => type.ToUpperInvariant() switch
    {
        "TXT" => TypeTxt,
        "CNAME" => TypeCname,
        "MX" => TypeMx,
        _ => throw new ArgumentException($"TestDnsServer serves TXT, CNAME and MX, not '{type}'.", nameof(type)),
    };

    private static string Normalize(string name) => name.Trim().TrimEnd('.').ToLowerInvariant();
}
