using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SesConsole.Domain.Policies;

/// <summary>An IPv4 or IPv6 network (address bits left-aligned in 128 bits, plus the prefix length).</summary>
internal readonly record struct IpNetwork(UInt128 Bits, int PrefixLength, bool IsV6)
{
    public bool Contains(in IpValue ip)
    {
        if (ip.IsV6 != IsV6)
        {
            return false;
        }

        if (PrefixLength == 0)
        {
            return true;
        }

        var mask = UInt128.MaxValue << (128 - PrefixLength);
        return (ip.Bits & mask) == (Bits & mask);
    }
}

/// <summary>One IP address (bits left-aligned in 128 bits).</summary>
internal readonly record struct IpValue(UInt128 Bits, bool IsV6);

/// <summary>Parsers for condition values: dates, numbers, booleans, CIDRs, base64. All total (Try pattern).</summary>
internal static class ValueParsers
{
    private static readonly string[] DateFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-ddTHH:mmK", "yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK",
        "yyyyMMdd'T'HHmmssK", "yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss",
    ];

    /// <summary>ISO 8601 (W3C forms, UTC when no offset) or epoch seconds, as UTC ticks.</summary>
    public static bool TryParseDate(string text, out long utcTicks)
    {
        utcTicks = 0;
        if (text.Length is 0 or > 40)
        {
            return false;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var epoch))
        {
            if (epoch is < -62135596800L or > 253402300799L)
            {
                return false;
            }

            utcTicks = DateTimeOffset.FromUnixTimeSeconds(epoch).UtcTicks;
            return true;
        }

        if (DateTimeOffset.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            utcTicks = parsed.UtcTicks;
            return true;
        }

        return false;
    }

    public static bool TryParseNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    /// <summary><c>true</c> or <c>false</c>, case-insensitive (IAM's Bool compares that way).</summary>
    public static bool TryParseBool(string text, out bool value)
    {
        if (string.Equals(text, "true", StringComparison.OrdinalIgnoreCase))
        {
            value = true;
            return true;
        }

        value = false;
        return string.Equals(text, "false", StringComparison.OrdinalIgnoreCase);
    }

    public static bool IsBase64(string text)
    {
        if (text.Length == 0)
        {
            return false;
        }

        Span<byte> buffer = text.Length <= 1024 ? stackalloc byte[text.Length] : new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out _);
    }

    public static bool TryParseIp(string text, out IpValue ip)
    {
        ip = default;
        if (text.Length is 0 or > 64 || text.Contains('/', StringComparison.Ordinal) || text.Contains('%', StringComparison.Ordinal))
        {
            return false;
        }

        if (!IPAddress.TryParse(text, out var address))
        {
            return false;
        }

        // IPAddress.TryParse accepts forms like "1" or "1.2"; require a dotted quad or an IPv6 literal.
        if (address.AddressFamily == AddressFamily.InterNetwork && text.Count(c => c == '.') != 3)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written))
        {
            return false;
        }

        UInt128 bits = 0;
        for (var i = 0; i < 16; i++)
        {
            bits = (bits << 8) | (i < written ? bytes[i] : (byte)0);
        }

        ip = new IpValue(bits, address.AddressFamily == AddressFamily.InterNetworkV6);
        return true;
    }

    /// <summary>A CIDR (<c>192.0.2.0/24</c>, <c>2001:db8::/32</c>) or a bare address (/32 or /128).</summary>
    public static bool TryParseCidr(string text, out IpNetwork network)
    {
        network = default;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        if (!TryParseIp(addressText, out var ip))
        {
            return false;
        }

        var max = ip.IsV6 ? 128 : 32;
        var prefix = max;
        if (slash >= 0)
        {
            var prefixText = text.AsSpan(slash + 1);
            if (prefixText.Length is 0 or > 3 || !int.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > max)
            {
                return false;
            }
        }

        network = new IpNetwork(ip.Bits, prefix, ip.IsV6);
        return true;
    }
}
