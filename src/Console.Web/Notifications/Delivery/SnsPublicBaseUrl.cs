using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using SesConsole.Web.Hosting;

namespace SesConsole.Web.Notifications.Delivery;

/// <summary>
/// The base of the URLs in SNS messages (docs/notifications.md#https): <c>Console:PublicBaseUrl</c>, else the first
/// HTTPS address the console listens on (a validator fetches SigningCertURL only over HTTPS), else its first address.
/// A delivery has no request to take the address from, so set <c>Console:PublicBaseUrl</c> behind a proxy.
/// </summary>
public sealed class SnsPublicBaseUrl(IOptions<ConsoleOptions> console, IServer server)
{
    public string Get()
    {
        if (!string.IsNullOrWhiteSpace(console.Value.PublicBaseUrl))
        {
            return console.Value.PublicBaseUrl.TrimEnd('/');
        }

        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var chosen = addresses.FirstOrDefault(a => a.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault();
        if (chosen is null)
        {
            return "http://localhost";
        }

        // Kestrel reports wildcard bindings as they were configured; a subscriber cannot call those.
        return chosen.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal).Replace("://[::]", "://localhost", StringComparison.Ordinal).TrimEnd('/');
    }
}
