using Microsoft.Extensions.Options;
using SesConsole.Domain.Identities;

namespace SesConsole.Web.Features.Identities.Dns;

public static class DnsServiceCollectionExtensions
{
    /// <summary>
    /// DNS for identity verification: <see cref="DnsOptions"/> from the <c>Dns</c> section, <see cref="IDnsLookup"/>
    /// (DnsClient, no cache), the installation's <see cref="DnsRecordOptions"/> and the <see cref="DomainChecker"/>.
    /// </summary>
    public static IServiceCollection AddConsoleDns(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.Configure<DnsOptions>(configuration.GetSection(DnsOptions.SectionName));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<DnsOptions>>().Value.ToRecordOptions());
        services.AddSingleton<IDnsLookup>(sp => new DnsClientLookup(
            sp.GetRequiredService<IOptions<DnsOptions>>().Value,
            sp.GetRequiredService<ILogger<DnsClientLookup>>()));
        services.AddSingleton<DomainChecker>();
        return services;
    }
}
