using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace SesConsole.Web.Notifications;

/// <summary>
/// Decides whether the console may call a subscriber at an address (docs/notifications.md#subscriber-networks): a
/// subscription endpoint is a request made on a tenant's behalf, so loopback, private, link-local, unique-local,
/// multicast and unspecified addresses are refused unless an operator allows the network
/// (<c>Notifications:AllowedSubscriberNetworks</c>; Development allows loopback). Check after DNS resolution, at
/// Subscribe and again at each delivery (the name may resolve elsewhere later), and for every redirect target.
/// </summary>
public sealed class SubscriberNetworkGuard
{
    private static readonly IpNetwork[] Restricted =
    [
        Parse("0.0.0.0/8"), Parse("10.0.0.0/8"), Parse("100.64.0.0/10"), Parse("127.0.0.0/8"), Parse("169.254.0.0/16"),
        Parse("172.16.0.0/12"), Parse("192.0.0.0/24"), Parse("192.168.0.0/16"), Parse("198.18.0.0/15"), Parse("224.0.0.0/4"),
        Parse("240.0.0.0/4"), Parse("::/128"), Parse("::1/128"), Parse("fc00::/7"), Parse("fe80::/10"), Parse("ff00::/8"),
        Parse("64:ff9b::/96"),
    ];

    private static readonly IpNetwork[] Loopback = [Parse("127.0.0.0/8"), Parse("::1/128")];

    private readonly IpNetwork[] _allowed;

    public SubscriberNetworkGuard(IOptions<NotificationsOptions> options, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        var list = new List<IpNetwork>();
        foreach (var text in options.Value.AllowedSubscriberNetworks)
        {
            if (!IpNetwork.TryParse(text, out var network))
            {
                throw new OptionsValidationException(NotificationsOptions.SectionName, typeof(NotificationsOptions),
                    [$"Notifications:AllowedSubscriberNetworks: '{text}' is not an IP address or CIDR range."]);
            }

            list.Add(network);
        }

        if (environment.IsDevelopment())
        {
            list.AddRange(Loopback);
        }

        _allowed = [.. list];
    }

    /// <summary>True when the console may connect to <paramref name="address"/>.</summary>
    public bool IsAllowed(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var network in _allowed)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        foreach (var network in Restricted)
        {
            if (network.Contains(address))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Resolves <paramref name="host"/> and returns the addresses the console may connect to, or an error when none is
    /// allowed (every resolved address must be allowed, so a name cannot mix a public and a private answer).
    /// </summary>
    public async Task<(IPAddress[] Addresses, string? Error)> ResolveAsync(string host, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        IPAddress[] addresses;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(host, ct);
            }
            catch (SocketException e)
            {
                return ([], $"The endpoint's host '{host}' does not resolve ({e.SocketErrorCode}).");
            }
        }

        if (addresses.Length == 0)
        {
            return ([], $"The endpoint's host '{host}' does not resolve.");
        }

        foreach (var address in addresses)
        {
            if (!IsAllowed(address))
            {
                return ([], $"The endpoint's host '{host}' resolves to {address}, a loopback, private or link-local address the console does not call (Notifications:AllowedSubscriberNetworks).");
            }
        }

        return (addresses, null);
    }

    private static IpNetwork Parse(string text) => IpNetwork.TryParse(text, out var n) ? n : throw new InvalidOperationException(text);
}
