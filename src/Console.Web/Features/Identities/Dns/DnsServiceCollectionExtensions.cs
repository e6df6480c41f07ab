using Microsoft.Extensions.Options;
using SesConsole.Domain.Identities;
using SesConsole.Web.Hosting;

namespace SesConsole.Web.Features.Identities.Dns;

public static class DnsServiceCollectionExtensions
{
    /// <summary>
    /// DNS for identity verification: <see cref="DnsOptions"/> from the <c>Dns</c> section, <see cref="IDnsLookup"/>
    /// (DnsClient, no cache), the installation's <see cref="DkimZoneSetup"/> and <see cref="DnsRecordOptions"/>, the
    /// <see cref="DomainChecker"/>, and a start-up log line saying how Easy DKIM hands out records.
    /// </summary>
    public static IServiceCollection AddConsoleDns(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.Configure<DnsOptions>(configuration.GetSection(DnsOptions.SectionName));
        services.AddSingleton(sp =>
        {
            var dns = sp.GetRequiredService<IOptions<DnsOptions>>().Value;
            return DkimZoneSetup.Resolve(dns.DkimMode, dns.DkimZone, sp.GetRequiredService<IOptions<ConsoleOptions>>().Value.PublicBaseUrl);
        });
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<DnsOptions>>().Value.ToRecordOptions(sp.GetRequiredService<DkimZoneSetup>()));
        services.AddSingleton<IDnsLookup>(sp => new DnsClientLookup(
            sp.GetRequiredService<IOptions<DnsOptions>>().Value,
            sp.GetRequiredService<ILogger<DnsClientLookup>>()));
        services.AddSingleton<DomainChecker>();
        services.AddHostedService<DkimZoneStartupLog>();
        return services;
    }
}

/// <summary>
/// Says at start how Easy DKIM hands out records (and fails the start on an invalid <c>Dns:DkimZone</c>); a CNAME mode
/// without a zone is a warning, not an error: owners are asked for TXT records until a zone is set.
/// </summary>
public sealed class DkimZoneStartupLog(DkimZoneSetup setup, ILogger<DkimZoneStartupLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (setup.Problem is not null)
        {
            logger.LogWarning("{Problem}", setup.Problem);
        }
        else if (setup.Zone is not null)
        {
            logger.LogInformation(
                "Easy DKIM hands out CNAME records into {Zone} (from {Source}); publish that zone's TXT records, listed on Admin → DKIM zone (/admin/dkim-zone)",
                setup.Zone, setup.ZoneSource);
        }
        else
        {
            logger.LogInformation("Easy DKIM is in TXT mode (Dns:DkimMode=Txt): owners publish the key TXT records in their own domains");
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
