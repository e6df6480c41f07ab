using System.Globalization;
using System.Text;
using SesConsole.Web.Features.Principals;

namespace SesConsole.Web.Features.Audit;

public static class AuditEndpoints
{
    /// <summary>
    /// GET /audit/export?format=csv|json&amp;account=&amp;target=&amp;actor=&amp;kind=&amp;from=&amp;to=: the audit page's filtered
    /// entries as a download (docs/audit-log.md#export). Signed-in callers only, scoped exactly as the page through
    /// <see cref="AuditLogService"/>: a member gets its own account's entries whatever account is asked for.
    /// </summary>
    public static IEndpointConventionBuilder MapAuditEndpoints(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/audit/export", async (HttpContext context, AuditLogService log, TimeProvider time) =>
            {
                var caller = Caller.From(context.User);
                if (caller is null)
                {
                    return Results.Unauthorized();
                }

                var q = context.Request.Query;
                var format = q["format"].ToString() is "json" ? "json" : "csv";
                var query = new AuditQuery(q["account"], q["target"], q["actor"], q["kind"], Time(q["from"]), Time(q["to"]));
                var rows = await log.ExportAsync(caller, query, context.RequestAborted);
                if (!rows.IsSuccess)
                {
                    return Results.Forbid();
                }

                var stamp = time.GetUtcNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
                return format == "json"
                    ? Results.File(Encoding.UTF8.GetBytes(AuditLogService.ToJson(rows.Value)), "application/json", $"audit-log-{stamp}.json")
                    : Results.File(Encoding.UTF8.GetBytes(AuditLogService.ToCsv(rows.Value)), "text/csv", $"audit-log-{stamp}.csv");
            })
            .RequireAuthorization();

    private static DateTimeOffset? Time(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
}
