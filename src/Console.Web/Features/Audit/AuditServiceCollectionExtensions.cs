using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SesConsole.Web.Features.Audit;

public static class AuditServiceCollectionExtensions
{
    /// <summary>The audit trail and the audit log page's service (idempotent; docs/audit-log.md).</summary>
    public static IServiceCollection AddConsoleAudit(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.TryAddScoped<AuditActor>();
        services.TryAddScoped<AuditTrail>();
        services.TryAddScoped<AuditLogService>();
        return services;
    }
}
