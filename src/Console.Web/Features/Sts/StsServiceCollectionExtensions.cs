using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SesConsole.Web.Features.Sts;

public static class StsServiceCollectionExtensions
{
    /// <summary>The STS API and temporary credentials (docs/sts.md).</summary>
    public static IServiceCollection AddConsoleSts(this IServiceCollection services)
    {
        services.AddSingleton<StsSessionTokens>();
        services.AddScoped<SigningCredentials>();
        services.AddScoped<StsAuthentication>();
        services.AddScoped<StsService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, StsRouting>());
        return services;
    }
}
