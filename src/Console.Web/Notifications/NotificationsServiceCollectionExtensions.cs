namespace SesConsole.Web.Notifications;

public static class NotificationsServiceCollectionExtensions
{
    /// <summary>The notifications module's shared parts: <c>Notifications:*</c> options, the subscriber network guard and the delivery signal.</summary>
    public static IServiceCollection AddNotificationsCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NotificationsOptions>().Bind(configuration.GetSection(NotificationsOptions.SectionName))
            .Validate(o => o.AllowedSubscriberNetworks.All(n => IpNetwork.TryParse(n, out _)),
                "Notifications:AllowedSubscriberNetworks must hold IP addresses or CIDR ranges (e.g. 10.0.0.0/8).")
            .Validate(o => o.DeliveryParallelism is >= 1 and <= 256, "Notifications:DeliveryParallelism must be 1–256.")
            .Validate(o => o.DeliveryTimeout > TimeSpan.Zero && o.DeliveryTimeout <= TimeSpan.FromMinutes(2), "Notifications:DeliveryTimeout must be more than 0 and at most 00:02:00.")
            .Validate(o => o.TrustedCaPath is null || File.Exists(o.TrustedCaPath), "Notifications:TrustedCaPath names a file that does not exist.")
            .ValidateOnStart();
        services.AddSingleton<SubscriberNetworkGuard>();
        services.AddSingleton<SnsDeliverySignal>();
        return services;
    }
}
