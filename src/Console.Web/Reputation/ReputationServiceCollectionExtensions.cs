using SesConsole.Web.Hosting;

namespace SesConsole.Web.Reputation;

public static class ReputationServiceCollectionExtensions
{
    /// <summary>Reputation (docs/reputation.md): the <c>Reputation</c> settings and the event counting the writers use, enforcement and its worker.</summary>
    public static IServiceCollection AddReputation(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReputationOptions>().Bind(configuration.GetSection(ReputationOptions.SectionName))
            .Validate(o => o.Window > TimeSpan.Zero, "Reputation:Window must be positive.")
            .Validate(o => o.MinimumVolume >= 1, "Reputation:MinimumVolume must be at least 1.")
            .Validate(o => o.EvaluationInterval >= TimeSpan.Zero, "Reputation:EvaluationInterval must not be negative.")
            .ValidateOnStart();
        services.AddSingleton<ReputationCounting>();
        services.AddSingleton<ReputationSignal>();
        services.AddSingleton<EnforcementService>();
        services.TryAddClusterServices(); // the sweep's lease
        services.AddHostedService<EnforcementWorker>();
        return services;
    }
}
