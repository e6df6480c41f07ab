using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Sending;
using SesConsole.Web.Hosting;
using SesConsole.Web.Sending.Delivery;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Hosting;

/// <summary>
/// <c>/health/live</c> and <c>/health/ready</c> on the real app over a real SQLite file (docs/observability.md#health-checks):
/// anonymous, JSON without secrets, ready 503 for a real unreachable database, a real pending migration and a delivery
/// worker that is stuck in its transport while the clock moves on.
/// </summary>
public sealed class HealthEndpointTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(HttpStatusCode Status, JsonElement Json, HttpResponseMessage Response)> GetAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, JsonDocument.Parse(body).RootElement.Clone(), response);
    }

    private static string CheckOf(JsonElement json, string name) =>
        json.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name).GetProperty("status").GetString()!;

    private static string DescriptionOf(JsonElement json, string name) =>
        json.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name).GetProperty("description").GetString()!;

    [Fact]
    public async Task Live_and_ready_answer_200_anonymously_on_a_migrated_database()
    {
        await using var app = new ConsoleAppFactory();
        using var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var live = await GetAsync(client, ConsoleHealth.LivePath);
        var ready = await GetAsync(client, ConsoleHealth.ReadyPath);

        Assert.Equal(HttpStatusCode.OK, live.Status);
        Assert.Equal("Healthy", live.Json.GetProperty("status").GetString());
        Assert.Equal("application/json", live.Response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.OK, ready.Status);
        Assert.Equal("Healthy", CheckOf(ready.Json, "database"));
        Assert.Equal("Healthy", CheckOf(ready.Json, "workers"));
        Assert.Contains("delivery", DescriptionOf(ready.Json, "workers"), StringComparison.Ordinal);
        Assert.Equal("nosniff", ready.Response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True(ready.Response.Headers.CacheControl!.NoStore);
    }

    [Fact]
    public async Task Ready_answers_503_while_a_migration_is_pending()
    {
        await using var app = new ConsoleAppFactory();
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, ConsoleHealth.ReadyPath)).Status);

        // The schema is one migration behind the build: its history lacks the last migration.
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(app.DataDirectory, "sesconsole.db")}"))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = """DELETE FROM "__EFMigrationsHistory" WHERE "MigrationId" = (SELECT MAX("MigrationId") FROM "__EFMigrationsHistory")""";
            Assert.Equal(1, await command.ExecuteNonQueryAsync(Ct));
        }

        var ready = await GetAsync(client, ConsoleHealth.ReadyPath);
        var live = await GetAsync(client, ConsoleHealth.LivePath);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
        Assert.Equal("Unhealthy", ready.Json.GetProperty("status").GetString());
        Assert.Equal("Unhealthy", CheckOf(ready.Json, "database"));
        Assert.Equal("1 pending migration(s).", DescriptionOf(ready.Json, "database"));
        Assert.Equal(HttpStatusCode.OK, live.Status);
    }

    [Fact]
    public async Task Ready_answers_503_when_the_database_file_is_unreachable_and_says_nothing_of_where_it_is()
    {
        await using var app = new ConsoleAppFactory();
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, ConsoleHealth.ReadyPath)).Status);
        var away = app.DataDirectory + "-away";

        Directory.Move(app.DataDirectory, away);
        SqliteConnection.ClearAllPools();
        try
        {
            var response = await client.GetAsync(ConsoleHealth.ReadyPath, Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            var json = JsonDocument.Parse(body).RootElement;
            Assert.Equal("Unhealthy", CheckOf(json, "database"));
            Assert.Equal("The database is not reachable.", DescriptionOf(json, "database"));
            Assert.DoesNotContain(Path.GetFileName(app.DataDirectory), body, StringComparison.Ordinal);
            Assert.DoesNotContain("sesconsole.db", body, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Move(away, app.DataDirectory);
        }
    }

    [Fact]
    public async Task Ready_answers_503_when_the_delivery_worker_has_not_beaten_for_many_intervals()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var transport = new HangingTransport();
        await using var app = new ConsoleAppFactory { Time = time, ConfigureServices = s => s.AddSingleton<IMailTransport>(transport) };
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, ConsoleHealth.ReadyPath)).Status);

        // A due message, and the worker's next tick: it takes the message to the transport, which never answers.
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct))
        {
            db.OutboxMessages.Add(new OutboxMessageEntity
            {
                Id = Guid.NewGuid(), MessageId = SesConsole.Web.Sending.Delivery.SimulatorAutoReply.Prefix + "stuck", AccountId = "111111111111",
                SourceArn = "arn:aws:ses:us-east-1:111111111111:identity/stuck.example", EnvelopeFrom = "a@stuck.example", Recipients = "b@stuck.example",
                Mime = [], NextAttemptAt = time.GetUtcNow(), CreatedAt = time.GetUtcNow(),
            });
            await db.SaveChangesAsync(Ct);
        }

        time.Advance(new DeliveryOptions().PollInterval);
        await transport.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var stuckButRecent = await GetAsync(client, ConsoleHealth.ReadyPath);

        time.Advance(TimeSpan.FromMinutes(10));
        var stale = await GetAsync(client, ConsoleHealth.ReadyPath);
        transport.Release.TrySetResult();

        Assert.Equal(HttpStatusCode.OK, stuckButRecent.Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, stale.Status);
        Assert.Equal("Unhealthy", CheckOf(stale.Json, "workers"));
        Assert.Matches("delivery has not run for 60[01] s", DescriptionOf(stale.Json, "workers"));
        Assert.Equal("Healthy", CheckOf(stale.Json, "database"));
    }

    [Fact]
    public async Task Ready_answers_503_when_a_background_service_stopped_with_an_exception()
    {
        // The host keeps running after a worker's exception only when told to (the default stops it).
        await using var app = new ConsoleAppFactory
        {
            ConfigureServices = s => s
                .Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.BackgroundServiceExceptionBehavior = Microsoft.Extensions.Hosting.BackgroundServiceExceptionBehavior.Ignore)
                .AddHostedService<FailingWorker>(),
        };
        using var client = app.CreateClient();
        var worker = app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<FailingWorker>().Single();
        await Assert.ThrowsAsync<InvalidOperationException>(() => worker.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30), Ct));

        var ready = await GetAsync(client, ConsoleHealth.ReadyPath);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
        Assert.Equal("FailingWorker stopped with an exception.", DescriptionOf(ready.Json, "workers"));
        Assert.DoesNotContain("a secret detail", ready.Json.GetRawText(), StringComparison.Ordinal);
    }

    private sealed class FailingWorker : Microsoft.Extensions.Hosting.BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Yield();
            throw new InvalidOperationException("a secret detail");
        }
    }

    /// <summary>A transport that takes a message and never answers (until released).</summary>
    private sealed class HangingTransport : IMailTransport
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<Result<string>> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            await Release.Task.WaitAsync(cancellationToken);
            return Result<string>.Failure(new Error(MailTransportErrors.RelayFailed, "released"));
        }
    }
}
