using System.Net;

namespace SesConsole.Web.Notifications;

/// <summary>
/// <c>Notifications:*</c> settings: which networks subscription endpoints may be on, which extra CAs the console trusts
/// as a client of HTTPS subscribers, and how deliveries run (docs/notifications.md#settings).
/// </summary>
public sealed class NotificationsOptions
{
    public const string SectionName = "Notifications";

    /// <summary>
    /// CIDR ranges (e.g. <c>10.0.0.0/8</c>, <c>127.0.0.1/32</c>) a subscriber may resolve to although they are loopback,
    /// private or link-local. Empty by default; in Development loopback is allowed as well.
    /// </summary>
    public List<string> AllowedSubscriberNetworks { get; set; } = [];

    /// <summary>A PEM bundle of CA certificates trusted, besides the system store, when delivering to HTTPS subscribers.</summary>
    public string? TrustedCaPath { get; set; }

    /// <summary>How many deliveries run at once.</summary>
    public int DeliveryParallelism { get; set; } = 8;

    /// <summary>How long one HTTP delivery may take before it counts as failed (SNS: 15 s).</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>An IP network in CIDR form.</summary>
public readonly record struct IpNetwork(IPAddress Prefix, int PrefixLength)
{
    public static bool TryParse(string? text, out IpNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text.Trim() : text[..slash].Trim();
        if (!IPAddress.TryParse(addressText, out var address))
        {
            return false;
        }

        var max = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
        var length = max;
        if (slash >= 0 && (!int.TryParse(text[(slash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out length) || length > max))
        {
            return false;
        }

        network = new IpNetwork(address, length);
        return true;
    }

    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != Prefix.AddressFamily)
        {
            return false;
        }

        var a = address.GetAddressBytes();
        var p = Prefix.GetAddressBytes();
        var bits = PrefixLength;
        for (var i = 0; i < a.Length && bits > 0; i++, bits -= 8)
        {
            var mask = bits >= 8 ? 0xFF : (byte)(0xFF << (8 - bits));
            if ((a[i] & mask) != (p[i] & mask))
            {
                return false;
            }
        }

        return true;
    }
}
