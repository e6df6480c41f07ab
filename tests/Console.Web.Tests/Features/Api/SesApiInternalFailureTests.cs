using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SesConsole.Data;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Api;

/// <summary>
/// A real failure inside an API call (its table is gone from the database) is answered with SES's InternalFailure in the
/// API's own shape and logged, never with the console's error page or a stack trace.
/// </summary>
public sealed class SesApiInternalFailureTests
{
    [Fact]
    public async Task FailingOperation_InternalFailure500InBothShapes_NoStackTrace_ExceptionLogged()
    {
        var logs = new CapturingLoggerProvider();
        await using var server = new KestrelConsoleAppFactory(services => services.AddSingleton<ILoggerProvider>(logs));
        server.Start();
        var key = (await server.App.Services.CreateScope().ServiceProvider.GetRequiredService<AccessKeysService>()
            .CreateAsync(SesApiServer.OwnerA, null, TestContext.Current.CancellationToken)).Value!;
        using var client = new SesApiTestClient(server.BaseUrl, key.Id, key.Secret);
        await using (var db = await server.App.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken))
        {
            await db.Database.ExecuteSqlRawAsync("DROP TABLE ConfigurationSets", TestContext.Current.CancellationToken);
        }

        var v2 = await client.V2Async(HttpMethod.Get, "/v2/email/configuration-sets");
        var v1 = await client.V1Async(("Action", "ListConfigurationSets"));

        Assert.Equal(500, v2.Status);
        Assert.Equal("InternalFailure", v2.ErrorType);
        Assert.Equal("application/json", v2.ContentType);
        Assert.Equal("InternalFailure", v2.Json.GetProperty("__type").GetString());
        Assert.Equal(500, v1.Status);
        Assert.Equal("text/xml", v1.ContentType);
        Assert.Equal("InternalFailure", v1.V1Code);
        Assert.Equal("Receiver", v1.Xml.Descendants(SesApiTestClient.Ns + "Type").Single().Value);
        foreach (var body in new[] { v2.Body, v1.Body })
        {
            Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
            Assert.DoesNotContain("ConfigurationSets", body, StringComparison.Ordinal);
            Assert.DoesNotContain("<html", body, StringComparison.OrdinalIgnoreCase);
        }

        var logged = logs.Entries.Where(e => e.Category == typeof(SesConsole.Web.Features.Api.SesApiEndpoints).FullName
            && e.Level == LogLevel.Error && e.Exception is Microsoft.Data.Sqlite.SqliteException).ToList();
        Assert.Equal(2, logged.Count);
        Assert.Contains(logged, e => e.Message.Contains(v2.RequestId!, StringComparison.Ordinal));
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<(string Category, LogLevel Level, string Message, Exception? Exception)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Entries.Enqueue((category, logLevel, formatter(state, exception), exception));
        }
    }
}
