namespace SesConsole.Web.Notifications.Feedback;

public static class FeedbackServiceCollectionExtensions
{
    /// <summary>SES feedback: the fan-out at event commit, its cached settings, and the identity notification settings (docs/notifications.md#identity-notifications).</summary>
    public static IServiceCollection AddFeedback(this IServiceCollection services)
    {
        services.AddSingleton<FeedbackSettingsCache>();
        services.AddSingleton<FeedbackFanOut>();
        services.AddScoped<IdentityNotificationsService>();
        return services;
    }
}
