using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace SesConsole.Web.Hosting;

/// <summary>
/// Section <c>ForwardedHeaders</c> (docs/deployment.md#forwarded-headers): the reverse proxies whose
/// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> the console believes. With neither list set the headers are
/// ignored and every request is seen as coming from its TCP peer.
/// </summary>
public sealed class ConsoleForwardedHeadersOptions
{
    public const string SectionName = "ForwardedHeaders";

    /// <summary>Addresses of trusted proxies (IPv4 or IPv6); an entry may hold several, separated by commas.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR notation (<c>10.0.0.0/8</c>); an entry may hold several, separated by commas.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>How many proxy hops of <c>X-Forwarded-For</c> are read, right to left (1: one proxy in front).</summary>
    public int ForwardLimit { get; set; } = 1;
}

/// <summary>Forwarded headers from the configured proxies only (docs/deployment.md#forwarded-headers).</summary>
public static class ForwardedHeadersSetup
{
    /// <summary>
    /// Reads <see cref="ConsoleForwardedHeadersOptions"/> and configures <see cref="ForwardedHeadersOptions"/> with
    /// exactly those proxies: ASP.NET's default trust of loopback is removed, and with nothing configured the headers are
    /// switched off (which also disarms <c>ASPNETCORE_FORWARDEDHEADERS_ENABLED</c>, whose empty lists would trust anyone).
    /// A malformed address or network stops the start, naming the setting.
    /// </summary>
    public static IServiceCollection AddConsoleForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(ConsoleForwardedHeadersOptions.SectionName).Get<ConsoleForwardedHeadersOptions>() ?? new ConsoleForwardedHeadersOptions();
        var proxies = Entries(settings.KnownProxies).Select(p => IPAddress.TryParse(p, out var address) ? address
            : throw new InvalidOperationException($"{ConsoleForwardedHeadersOptions.SectionName}:KnownProxies: '{p}' is not an IP address.")).ToList();
        var networks = Entries(settings.KnownNetworks).Select(n => System.Net.IPNetwork.TryParse(n, out var network) ? network
            : throw new InvalidOperationException($"{ConsoleForwardedHeadersOptions.SectionName}:KnownNetworks: '{n}' is not a network in CIDR notation (e.g. 10.0.0.0/8).")).ToList();
        if (settings.ForwardLimit < 1)
        {
            throw new InvalidOperationException($"{ConsoleForwardedHeadersOptions.SectionName}:ForwardLimit must be at least 1.");
        }

        services.Configure<ForwardedHeadersOptions>(o =>
        {
            // An empty pair of lists means "trust every sender" to the middleware, so "nothing configured" is expressed by
            // reading no header at all.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
#pragma warning disable ASPDEPR005 // the obsolete list still carries the loopback default; cleared so it trusts nothing
            o.KnownNetworks.Clear();
#pragma warning restore ASPDEPR005
            if (proxies.Count == 0 && networks.Count == 0)
            {
                o.ForwardedHeaders = ForwardedHeaders.None;
                return;
            }

            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = settings.ForwardLimit;
            proxies.ForEach(o.KnownProxies.Add);
            networks.ForEach(o.KnownIPNetworks.Add);
        });
        return services;
    }

    /// <summary>
    /// The forwarded-headers middleware, when proxies are configured; call it first so that everything after it (HSTS,
    /// cookies, the SES API's <c>aws:SourceIp</c> and <c>aws:SecureTransport</c>, the sign-in throttle, the audit log) sees
    /// the client's address and scheme.
    /// </summary>
    public static IApplicationBuilder UseConsoleForwardedHeaders(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;
        return options.ForwardedHeaders == ForwardedHeaders.None ? app : app.UseForwardedHeaders();
    }

    private static IEnumerable<string> Entries(IEnumerable<string> values) =>
        values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
