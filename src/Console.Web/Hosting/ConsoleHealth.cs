using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using SesConsole.Data;

namespace SesConsole.Web.Hosting;

/// <summary>Bound from <c>Health</c> (docs/observability.md#health-checks).</summary>
public sealed class HealthOptions
{
    public const string SectionName = "Health";

    /// <summary>A running worker is stale when its last beat is older than this many of its intervals. Defaults to 10.</summary>
    public double StaleAfterIntervals { get; set; } = 10;

    /// <summary>…and older than this, whatever its interval (a delivery round under load takes longer than one poll). Defaults to 2 minutes.</summary>
    public TimeSpan MinimumStaleAfter { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>
/// <c>/health/live</c> (the process answers) and <c>/health/ready</c> (the database is reachable and fully migrated, and
/// the background workers are alive), anonymous, with a short JSON body that names the checks and nothing secret
/// (docs/observability.md#health-checks).
/// </summary>
public static class ConsoleHealth
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";

    private const string LiveTag = "live";
    private const string ReadyTag = "ready";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IServiceCollection AddConsoleHealth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HealthOptions>().Bind(configuration.GetSection(HealthOptions.SectionName))
            .Validate(o => o.StaleAfterIntervals >= 1 && o.MinimumStaleAfter >= TimeSpan.Zero,
                "Health:StaleAfterIntervals must be at least 1 and Health:MinimumStaleAfter not negative.")
            .ValidateOnStart();
        services.AddSingleton<WorkerHeartbeats>();
        services.AddHealthChecks()
            .AddCheck("process", () => HealthCheckResult.Healthy(), [LiveTag])
            .AddCheck<DatabaseReadyCheck>("database", tags: [ReadyTag])
            .AddCheck<WorkersReadyCheck>("workers", tags: [ReadyTag]);
        return services;
    }

    /// <summary>Maps both endpoints, anonymous; ready answers 503 when a check fails.</summary>
    public static IEndpointRouteBuilder MapConsoleHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = c => c.Tags.Contains(LiveTag), ResponseWriter = WriteAsync })
            .AllowAnonymous().DisableHttpMetrics();
        endpoints.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync })
            .AllowAnonymous().DisableHttpMetrics();
        return endpoints;
    }

    /// <summary><c>{"status":"Unhealthy","checks":[{"name":"database","status":"Unhealthy","description":"…"}]}</c>; descriptions are our own words, never an exception's.</summary>
    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString(), description = e.Value.Description }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }
}

/// <summary>Ready when the database answers and has no pending migration (docs/observability.md#health-checks).</summary>
public sealed class DatabaseReadyCheck(IDbContextFactory<ConsoleDbContext> dbFactory, ILogger<DatabaseReadyCheck> logger) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            if (!await db.Database.CanConnectAsync(cancellationToken))
            {
                return HealthCheckResult.Unhealthy("The database is not reachable.");
            }

            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Count();
            return pending == 0
                ? HealthCheckResult.Healthy("Reachable, no pending migration.")
                : HealthCheckResult.Unhealthy($"{pending} pending migration(s).");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The message may name the server or the file: it goes to the log, not to the anonymous response.
            logger.LogWarning(ex, "The ready check could not reach the database.");
            return HealthCheckResult.Unhealthy("The database is not reachable.");
        }
    }
}

/// <summary>
/// Ready when every running worker beat recently (<see cref="WorkerHeartbeats"/>) and no background service ended with
/// an exception (docs/observability.md#health-checks).
/// </summary>
public sealed class WorkersReadyCheck(WorkerHeartbeats heartbeats, IEnumerable<IHostedService> hosted, IOptions<HealthOptions> options, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var problems = new List<string>();
        foreach (var service in hosted)
        {
            if (service is BackgroundService { ExecuteTask.IsFaulted: true })
            {
                problems.Add($"{service.GetType().Name} stopped with an exception");
            }
        }

        var now = time.GetUtcNow();
        var running = heartbeats.Snapshot();
        foreach (var (worker, interval, lastBeat) in running)
        {
            var limit = TimeSpan.FromTicks((long)Math.Min(TimeSpan.MaxValue.Ticks / 2.0, interval.Ticks * options.Value.StaleAfterIntervals));
            if (limit < options.Value.MinimumStaleAfter)
            {
                limit = options.Value.MinimumStaleAfter;
            }

            if (now - lastBeat > limit)
            {
                problems.Add($"{worker} has not run for {(long)(now - lastBeat).TotalSeconds} s");
            }
        }

        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy(running.Count == 0 ? "No worker running." : $"Running: {string.Join(", ", running.Select(w => w.Worker))}.")
            : HealthCheckResult.Unhealthy(string.Join("; ", problems) + "."));
    }
}
