using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace SesConsole.Web.Hosting;

/// <summary>
/// OpenTelemetry traces and metrics, off unless configured (docs/observability.md#configuration): on when a standard OTLP
/// endpoint variable is set (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c>,
/// <c>OTEL_EXPORTER_OTLP_METRICS_ENDPOINT</c>) or <c>Telemetry:Enabled</c> is true; <c>Telemetry:Enabled=false</c> or
/// <c>OTEL_SDK_DISABLED=true</c> turns it off whatever else is set. The OTLP exporter then reads every other standard
/// <c>OTEL_*</c> variable itself (protocol, headers, timeouts, export intervals) — from the configuration, so an
/// environment variable, a command-line switch and appsettings all work.
/// </summary>
public static class Telemetry
{
    public const string SectionName = "Telemetry";

    /// <summary>The service name when <c>OTEL_SERVICE_NAME</c> is not set.</summary>
    public const string DefaultServiceName = "sesconsole";

    private static readonly string[] EndpointVariables =
        ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"];

    /// <summary>Whether the configuration turns telemetry on (see the class summary).</summary>
    public static bool IsEnabled(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.GetValue<bool?>("OTEL_SDK_DISABLED") == true)
        {
            return false;
        }

        return configuration.GetValue<bool?>($"{SectionName}:Enabled")
            ?? EndpointVariables.Any(v => !string.IsNullOrWhiteSpace(configuration[v]));
    }

    /// <summary>
    /// The console's <see cref="ConsoleMetrics"/> always (they cost nothing without a listener); the OpenTelemetry SDK with
    /// the OTLP exporter only when <see cref="IsEnabled"/>.
    /// </summary>
    public static WebApplicationBuilder AddConsoleTelemetry(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<ConsoleMetrics>();
        if (!IsEnabled(builder.Configuration))
        {
            return builder;
        }

        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : DefaultServiceName;
        var version = typeof(Telemetry).Assembly.GetName().Version?.ToString();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName, serviceVersion: version))
            .WithTracing(t => t
                .AddSource(SesConsoleTelemetry.Name)
                .AddSource("System.Net.Http") // .NET's own HttpClient spans (SNS HTTP deliveries, DNS-over-HTTP checks)
                .AddAspNetCoreInstrumentation(o => o.Filter = c => !c.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase))
                .AddEntityFrameworkCoreInstrumentation()
                .AddOtlpExporter())
            .WithMetrics(m => m
                .AddMeter(SesConsoleTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddMeter("System.Net.Http", "System.Runtime")
                .AddOtlpExporter());
        return builder;
    }
}
