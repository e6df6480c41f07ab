using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Hosting;
using SesConsole.Web.Tests.Features.Api;
using SesConsole.Web.Tests.Notifications;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Hosting;

/// <summary>
/// Alone, after the parallel tests: the OpenTelemetry SDK listens to every meter named <c>SesConsole</c> in the process
/// and merges same-named instruments into one stream, so another test host's meter, disposed while this one runs, would
/// take the merged <c>sesconsole.*</c> streams with it. In production one process runs one host.
/// </summary>
[CollectionDefinition(nameof(TelemetryExportSerial), DisableParallelization = true)]
public sealed class TelemetryExportSerial;

/// <summary>
/// Telemetry is off unless configured, and configured through the standard <c>OTEL_*</c> settings it really exports over
/// OTLP http/protobuf to a collector — here a loopback HTTP listener (docs/observability.md#configuration).
/// </summary>
[Collection(nameof(TelemetryExportSerial))]
public sealed class TelemetryExportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task With_an_OTLP_endpoint_the_console_posts_its_spans_and_metrics_to_v1_traces_and_v1_metrics()
    {
        await using var collector = await LoopbackSubscriber.StartAsync();
        await using var server = new KestrelConsoleAppFactory();
        server.App.Settings["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.BaseUrl;
        server.App.Settings["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        server.App.Settings["OTEL_SERVICE_NAME"] = "sesconsole-export-test";
        server.App.Settings["OTEL_METRIC_EXPORT_INTERVAL"] = "200";
        server.App.Settings["OTEL_BSP_SCHEDULE_DELAY"] = "100";
        server.Start();
        var key = (await server.App.Services.CreateScope().ServiceProvider.GetRequiredService<AccessKeysService>().CreateAsync(SesApiServer.OwnerA, null, Ct)).Value!;
        using var client = new SesApiTestClient(server.BaseUrl, key.Id, key.Secret);

        // Refused (the identity is not verified), so the send span is exported without setting up an identity.
        var send = await client.V2Async(HttpMethod.Post, "/v2/email/outbound-emails", """
            {"FromEmailAddress":"news@unverified-otel.example","Destination":{"ToAddresses":["success@simulator.amazonses.com"]},
             "Content":{"Simple":{"Subject":{"Data":"Export"},"Body":{"Text":{"Data":"Hello"}}}}}
            """);
        Assert.Equal(400, send.Status);

        var traces = await WaitForAsync(collector, "/v1/traces", "ses.outcome");
        var metrics = await WaitForAsync(collector, "/v1/metrics", "sesconsole.sends");

        Assert.Equal("POST", traces.Method);
        Assert.Equal("application/x-protobuf", traces.Headers["content-type"]);
        Assert.Contains("sesconsole-export-test", traces.Body, StringComparison.Ordinal); // service.name
        Assert.Contains("SesConsole", traces.Body, StringComparison.Ordinal); // the instrumentation scope
        Assert.Contains("MessageRejected", traces.Body, StringComparison.Ordinal); // ses.error.code
        Assert.Equal("POST", metrics.Method);
        Assert.Contains("sesconsole-export-test", metrics.Body, StringComparison.Ordinal);

        // Entity Framework Core's spans (OpenTelemetry.Instrumentation.EntityFrameworkCore on EF Core 10) are exported too.
        await WaitForAsync(collector, "/v1/traces", "OpenTelemetry.Instrumentation.EntityFrameworkCore");
    }

    [Fact]
    public async Task With_nothing_configured_no_OpenTelemetry_provider_is_registered()
    {
        await using var app = new ConsoleAppFactory();
        using var client = app.CreateClient();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/health/live", Ct)).StatusCode);

        Assert.Null(app.Services.GetService<TracerProvider>());
        Assert.Null(app.Services.GetService<MeterProvider>());
        Assert.NotNull(app.Services.GetService<ConsoleMetrics>());
    }

    [Theory]
    [InlineData(null, null, null, false)]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318", null, true)]
    [InlineData("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://collector:4318/v1/traces", null, true)]
    [InlineData("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://collector:4318/v1/metrics", null, true)]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", " ", null, false)]
    [InlineData(null, null, "true", true)]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318", "false", false)]
    [InlineData("OTEL_SDK_DISABLED", "true", "true", false)]
    public void Telemetry_is_on_with_an_endpoint_or_the_setting_and_off_otherwise(string? key, string? value, string? enabled, bool expected)
    {
        var settings = new Dictionary<string, string?>();
        if (key is not null)
        {
            settings[key] = value;
        }

        if (enabled is not null)
        {
            settings["Telemetry:Enabled"] = enabled;
        }

        Assert.Equal(expected, Telemetry.IsEnabled(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()));
    }

    /// <summary>Waits (up to 30 s) for an export to <paramref name="path"/> whose body holds <paramref name="text"/>.</summary>
    private static async Task<ReceivedRequest> WaitForAsync(LoopbackSubscriber collector, string path, string text)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            if (collector.At(path).FirstOrDefault(r => r.Body.Contains(text, StringComparison.Ordinal)) is { } found)
            {
                return found;
            }

            await Task.Delay(50, timeout.Token);
        }
    }
}
