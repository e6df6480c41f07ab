using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SesConsole.Domain.Identities;
using SesConsole.Web.Features.Identities.Dns;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Identities;

/// <summary>How <c>Dns:DkimMode</c>, <c>Dns:DkimZone</c> and <c>Console:PublicBaseUrl</c> decide the Easy DKIM records.</summary>
public sealed class DkimZoneSetupTests
{
    [Fact]
    public void Resolve_txt_mode_has_no_zone_even_when_one_is_configured()
    {
        var setup = DkimZoneSetup.Resolve(DkimRecordMode.Txt, "dkim.sesconsole.example", "https://ses.example.org/");

        Assert.Equal((DkimRecordMode.Txt, null, null), (setup.Mode, setup.Zone, setup.Problem));
    }

    [Fact]
    public void Resolve_cname_mode_uses_Dns_DkimZone_first()
    {
        var setup = DkimZoneSetup.Resolve(DkimRecordMode.Cname, " DKIM.SesConsole.Example. ", "https://ses.example.org/");

        Assert.Equal((DkimRecordMode.Cname, "dkim.sesconsole.example", "Dns:DkimZone", null), (setup.Mode, setup.Zone, setup.ZoneSource, setup.Problem));
    }

    [Fact]
    public void Resolve_cname_mode_defaults_the_zone_to_dkim_dot_the_public_host()
    {
        var setup = DkimZoneSetup.Resolve(DkimRecordMode.Cname, null, "https://Ses.Example.org:8443/console/");

        Assert.Equal((DkimRecordMode.Cname, "dkim.ses.example.org", "Console:PublicBaseUrl", null), (setup.Mode, setup.Zone, setup.ZoneSource, setup.Problem));
    }

    [Theory]
    [InlineData(null, "Console:PublicBaseUrl is not set either")]
    [InlineData("http://127.0.0.1:5080", "names no public host")]
    [InlineData("http://[::1]:5080/", "names no public host")]
    [InlineData("http://localhost:5080", "names no public host")]
    [InlineData("https://sesconsole.localhost/", "names no public host")]
    [InlineData("not a url", "names no public host")]
    public void Resolve_cname_mode_without_a_zone_falls_back_to_txt_records_and_says_what_to_set(string? publicBaseUrl, string why)
    {
        var setup = DkimZoneSetup.Resolve(DkimRecordMode.Cname, null, publicBaseUrl);

        Assert.Equal((DkimRecordMode.Cname, DkimRecordMode.Txt, null), (setup.ConfiguredMode, setup.Mode, setup.Zone));
        Assert.Contains(why, setup.Problem, StringComparison.Ordinal);
        Assert.Contains("Set Dns:DkimZone", setup.Problem, StringComparison.Ordinal);
        Assert.Contains("owners are asked for the key TXT records", setup.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_an_invalid_Dns_DkimZone_is_a_configuration_error_naming_the_setting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => DkimZoneSetup.Resolve(DkimRecordMode.Cname, "dkim zone!", null));

        Assert.StartsWith("Dns:DkimZone: 'dkim zone!' is not a valid domain", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task App_without_a_zone_starts_warns_once_in_the_log_and_hands_out_txt_records()
    {
        var logs = new CapturingLoggerProvider();
        await using var app = new ConsoleAppFactory { ConfigureServices = s => s.AddSingleton<ILoggerProvider>(logs) };

        _ = app.Services; // starts the host and its hosted services
        var options = app.Services.GetRequiredService<DnsRecordOptions>();

        Assert.Equal((DkimRecordMode.Txt, null), (options.DkimMode, options.CnameZone));
        var warning = Assert.Single(logs.Entries, e => e.Category == typeof(DkimZoneStartupLog).FullName);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("there is no DKIM zone", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task App_with_a_public_base_url_hands_out_cnames_into_dkim_dot_its_host_and_says_so()
    {
        var logs = new CapturingLoggerProvider();
        await using var app = new ConsoleAppFactory { ConfigureServices = s => s.AddSingleton<ILoggerProvider>(logs) };
        app.Settings["Console:PublicBaseUrl"] = "https://ses.example.org/";

        _ = app.Services;

        Assert.Equal("dkim.ses.example.org", app.Services.GetRequiredService<DnsRecordOptions>().CnameZone);
        var info = Assert.Single(logs.Entries, e => e.Category == typeof(DkimZoneStartupLog).FullName);
        Assert.Equal(LogLevel.Information, info.Level);
        Assert.Contains("CNAME records into dkim.ses.example.org (from Console:PublicBaseUrl)", info.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task App_with_an_invalid_Dns_DkimZone_refuses_to_start_with_the_reason()
    {
        await using var app = new ConsoleAppFactory();
        app.Settings["Dns:DkimZone"] = "-bad-.example";

        var error = Assert.ThrowsAny<Exception>(() => app.Services);

        Assert.Contains("Dns:DkimZone: '-bad-.example' is not a valid domain", error.ToString(), StringComparison.Ordinal);
    }

    private sealed record LogEntry(string Category, LogLevel Level, string Message);

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<LogEntry> _entries = new();

        public IReadOnlyList<LogEntry> Entries => [.. _entries];

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception)));
        }
    }
}
