using Microsoft.Extensions.Options;

namespace SesConsole.Web.Notifications.Delivery;

public static class SnsDeliveryServiceCollectionExtensions
{
    /// <summary>
    /// SNS delivery (docs/notifications.md#delivery): the signing keys, the HTTP/S and email senders, the processor and the
    /// background worker, with the worker's <c>Notifications:*</c> settings. Needs <c>AddNotificationsCore</c>, the mail
    /// transport and the send path's group commit.
    /// </summary>
    public static IServiceCollection AddSnsDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SnsDeliveryOptions>().Bind(configuration.GetSection(NotificationsOptions.SectionName))
            .Validate(o => o.DeliveryBatchSize is >= 1 and <= 10_000, "Notifications:DeliveryBatchSize must be 1–10000.")
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<SnsDeliveryOptions>>(sp => new LeaseOutlastsTimeout(sp.GetRequiredService<IOptions<NotificationsOptions>>()));
        services.AddSingleton<SnsSigningKeys>();
        services.AddSingleton<SnsHttpSender>();
        services.AddSingleton<SnsEmailSender>();
        services.AddSingleton<SnsPublicBaseUrl>();
        services.AddSingleton<SnsDeliveryProcessor>();
        services.AddHostedService<SnsDeliveryWorker>();
        return services;
    }

    /// <summary>A claim must outlast a try, or a second worker could take a delivery that is still being made.</summary>
    private sealed class LeaseOutlastsTimeout(IOptions<NotificationsOptions> notifications) : IValidateOptions<SnsDeliveryOptions>
    {
        public ValidateOptionsResult Validate(string? name, SnsDeliveryOptions options) =>
            options.DeliveryClaimLease > notifications.Value.DeliveryTimeout + TimeSpan.FromSeconds(5)
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail("Notifications:DeliveryClaimLease must be at least 5 seconds longer than Notifications:DeliveryTimeout.");
    }
}
