using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SesConsole.Web.Features.Policies;

public static class PoliciesServiceCollectionExtensions
{
    /// <summary>The policy editor's services (idempotent).</summary>
    public static IServiceCollection AddConsolePolicies(this IServiceCollection services)
    {
        services.TryAddScoped<IdentityPoliciesService>();
        services.TryAddScoped<PolicySimulator>();
        services.TryAddScoped<GrantedService>();
        services.AddOptions<PolicyImpactOptions>();
        services.TryAddScoped<ReplayHistory>();
        services.TryAddScoped<PolicyImpactService>();
        services.TryAddScoped<PolicyFindingsService>();
        services.TryAddScoped<SesConsole.Web.Features.Delegates.DelegatesService>();
        return services;
    }
}
