namespace SesConsole.Web.Features.Sns;

public static class SnsServiceCollectionExtensions
{
    /// <summary>The console's SNS topics (docs/notifications.md#topics): the topic cache and what SES asks about topics.</summary>
    public static IServiceCollection AddConsoleSns(this IServiceCollection services)
    {
        services.AddSingleton<SnsTopicCache>();
        services.AddSingleton<SnsTopicAccess>();
        services.AddScoped<SnsService>();
        return services;
    }
}
