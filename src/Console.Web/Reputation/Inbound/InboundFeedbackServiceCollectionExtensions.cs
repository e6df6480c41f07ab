using Microsoft.Extensions.DependencyInjection.Extensions;
using SesConsole.Domain.Sending;

namespace SesConsole.Web.Reputation.Inbound;

public static class InboundFeedbackServiceCollectionExtensions
{
    /// <summary>
    /// The <c>Feedback</c> settings and the installation's return addresses (docs/reputation.md#return-addresses-verp), which
    /// the send pipeline uses as its <see cref="IReturnAddresses"/>.
    /// </summary>
    public static IServiceCollection AddReturnAddresses(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<FeedbackOptions>().Bind(configuration.GetSection(FeedbackOptions.SectionName))
            .Validate(o => o.ReturnPathDomain is null || o.ReturnPathDomain.Length == 0 || (o.ReturnPathDomain.Contains('.', StringComparison.Ordinal) && !o.ReturnPathDomain.Contains('@', StringComparison.Ordinal)),
                "Feedback:ReturnPathDomain must be a domain name (bounces.example.com).")
            .Validate(o => o.Inbound.Port is >= 0 and <= 65535, "Feedback:Inbound:Port must be from 0 to 65535.")
            .Validate(o => System.Net.IPAddress.TryParse(o.Inbound.ListenAddress, out _), "Feedback:Inbound:ListenAddress must be an IP address.")
            .Validate(o => o.Inbound.MaxMessageSize > 0 && o.Inbound.MaxStoredBytes > 0 && o.Inbound.MaxRecipients > 0 && o.Inbound.MaxConnections > 0,
                "Feedback:Inbound: MaxMessageSize, MaxStoredBytes, MaxRecipients and MaxConnections must be at least 1.")
            .ValidateOnStart();
        services.TryAddSingleton<ReturnAddresses>();
        services.TryAddSingleton<IReturnAddresses>(sp => sp.GetRequiredService<ReturnAddresses>());
        return services;
    }

    /// <summary>The inbound feedback listener (docs/reputation.md#inbound-feedback); it listens only when <c>Feedback:Inbound:Enabled</c>.</summary>
    public static IServiceCollection AddInboundFeedback(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddReturnAddresses(configuration);
        services.AddSingleton<InboundFeedbackRecorder>();
        services.AddSingleton<InboundFeedbackListener>();
        services.AddHostedService(sp => sp.GetRequiredService<InboundFeedbackListener>());
        return services;
    }
}
