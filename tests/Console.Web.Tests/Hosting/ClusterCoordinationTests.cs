using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Policies;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Hosting;
using SesConsole.Web.Sending;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Hosting;

/// <summary>
/// Two console hosts on one SQLite file stand in for two nodes on one server database (docs/cluster-coordination.md):
/// a change saved through one is enforced by the other's warm cache, background work runs on the lease holder only, and
/// the identity limit holds for creates split over both.
/// </summary>
public sealed class ClusterCoordinationTests
{
    private const string Owner = "111111111111";
    private const string Delegate = "222222222222";
    private const string Domain = "cluster.example";
    private const string IdentityArn = $"arn:aws:ses:us-east-1:{Owner}:identity/{Domain}";

    private static readonly Caller OwnerRoot = new("c-a", "owner@example.com", Owner, null, $"arn:aws:iam::{Owner}:root", false);
    private static readonly Caller DelegateRoot = new("c-b", "delegate@example.com", Delegate, null, $"arn:aws:iam::{Delegate}:root", false);

    private static readonly string[] Readers = ["reader@cluster-readers.example"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_policy_revoked_on_one_node_is_enforced_by_the_other_nodes_warm_cache_within_the_poll_interval()
    {
        await using var nodes = await TwoNodes.StartAsync(cluster: true);
        using var client = await nodes.DelegateClientOnBAsync();
        var before = await SendAsDelegateAsync(client);

        var revoked = await nodes.A.Services.CreateScope().ServiceProvider.GetRequiredService<IdentityPoliciesService>()
            .DeleteAsync(OwnerRoot, "us-east-1", Domain, "delegate", Ct);
        var after = await UntilRefusedAsync(client);

        Assert.True(before.Status == 200, before.Body);
        Assert.True(revoked.IsSuccess);
        Assert.Equal(403, after.Status);
        Assert.Equal("AccessDeniedException", after.ErrorType);
    }

    [Fact]
    public async Task Without_cluster_mode_the_other_node_keeps_serving_the_revoked_policy_from_its_cache()
    {
        await using var nodes = await TwoNodes.StartAsync(cluster: false);
        using var client = await nodes.DelegateClientOnBAsync();
        var before = await SendAsDelegateAsync(client);

        await nodes.A.Services.CreateScope().ServiceProvider.GetRequiredService<IdentityPoliciesService>()
            .DeleteAsync(OwnerRoot, "us-east-1", Domain, "delegate", Ct);
        await Task.Delay(TimeSpan.FromSeconds(2), Ct); // ten poll intervals: a watcher, were one running, would have seen it
        var after = await SendAsDelegateAsync(client);

        Assert.True(before.Status == 200, before.Body);
        Assert.True(after.Status == 200, after.Body); // B's cache (lifetime 10 minutes) still holds the policy
        await using var db = await nodes.A.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct);
        Assert.Empty(await db.ChangeCounters.ToListAsync(Ct)); // and nothing was written for other nodes
    }

    [Fact]
    public async Task An_access_key_deactivated_on_one_node_stops_signing_on_the_other()
    {
        await using var nodes = await TwoNodes.StartAsync(cluster: true);
        var keys = nodes.A.Services.CreateScope().ServiceProvider.GetRequiredService<AccessKeysService>();
        var key = (await keys.CreateAsync(DelegateRoot, null, Ct)).Value!;
        using var client = new SesApiTestClient(nodes.BaseUrlOfB, key.Id, key.Secret);
        var before = await client.V2Async(HttpMethod.Get, "/v2/email/account");

        await keys.SetStatusAsync(DelegateRoot, key.Id, AccessKeyStatus.Inactive, Ct);
        var after = await UntilAsync(() => client.V2Async(HttpMethod.Get, "/v2/email/account"), r => r.Status != 200);

        Assert.Equal(200, before.Status);
        Assert.Equal(403, after.Status);
        Assert.Equal("UnrecognizedClientException", after.ErrorType);
    }

    [Fact]
    public async Task The_lease_is_one_nodes_until_it_expires_or_is_released()
    {
        var start = new DateTimeOffset(2026, 12, 3, 4, 0, 0, TimeSpan.Zero);
        var clockA = new FakeTimeProvider(start);
        var clockB = new FakeTimeProvider(start);
        await using var nodes = await TwoNodes.StartAsync(cluster: true, clockA, clockB);
        var a = nodes.A.Services.GetRequiredService<ClusterLease>();
        var b = nodes.B.Services.GetRequiredService<ClusterLease>();

        var aTakes = await a.HoldAsync("test-job", Ct);
        var bWhileLive = await b.HoldAsync("test-job", Ct);
        clockB.Advance(TimeSpan.FromSeconds(29));
        var bBeforeExpiry = await b.HoldAsync("test-job", Ct);
        clockB.Advance(TimeSpan.FromSeconds(2)); // A (its clock stopped: a dead node) renewed nothing
        var bAfterExpiry = await b.HoldAsync("test-job", Ct);
        var aAfterLosingIt = await a.HoldAsync("test-job", Ct);
        await b.ReleaseAsync("test-job", Ct);
        var aAfterRelease = await a.HoldAsync("test-job", Ct);

        Assert.Equal([true, false, false, true, false, true], [aTakes, bWhileLive, bBeforeExpiry, bAfterExpiry, aAfterLosingIt, aAfterRelease]);
        await using var db = await nodes.A.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct);
        Assert.Equal("node-a", (await db.NodeLeases.SingleAsync(l => l.Name == "test-job", Ct)).Holder);
    }

    [Fact]
    public async Task Only_the_lease_holder_runs_the_retention_purge_and_the_other_takes_over_after_the_lease_expires()
    {
        var start = new DateTimeOffset(2026, 12, 3, 4, 0, 0, TimeSpan.Zero);
        var clockA = new FakeTimeProvider(start);
        var clockB = new FakeTimeProvider(start);
        await using var nodes = await TwoNodes.StartAsync(cluster: true, clockA, clockB, settings: new()
        {
            ["Sending:Retention:PurgeInterval"] = "00:01:00",
        });

        clockA.Advance(TimeSpan.FromMinutes(1));
        await nodes.LogsA.WaitForAsync(Purged);
        clockB.Advance(TimeSpan.FromMinutes(1));
        await nodes.LogsB.WaitForAsync(Skipped);
        clockB.Advance(TimeSpan.FromMinutes(1)); // A's clock stands still: it renews nothing, like a node that died
        await nodes.LogsB.WaitForAsync(Purged);
        clockA.Advance(TimeSpan.FromMinutes(1)); // A wakes up: B holds the lease now
        await nodes.LogsA.WaitForAsync(Skipped);

        Assert.Equal((1, 1), (nodes.LogsA.Count(Purged), nodes.LogsA.Count(Skipped)));
        Assert.Equal((1, 1), (nodes.LogsB.Count(Purged), nodes.LogsB.Count(Skipped)));

        static bool Purged(string message) => message.StartsWith("Retention purge: ", StringComparison.Ordinal);

        static bool Skipped(string message) => message.StartsWith("Retention purge skipped", StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_identity_limit_is_exact_with_concurrent_creates_split_over_two_nodes()
    {
        // Each identity insert is held 100 ms before it is written, so a count on one node and an insert on the other
        // overlap unless the creates are serialized across the nodes.
        await using var nodes = await TwoNodes.StartAsync(cluster: true, settings: new() { ["Identities:MaxIdentitiesPerRegion"] = "5" },
            services: s => s.AddSingleton<IInterceptor, SlowIdentityInserts>());
        var baseUri = new Uri("https://console.example/");

        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
        {
            await using var scope = (i % 2 == 0 ? nodes.A : nodes.B).Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<IdentitiesService>()
                .CreateEmailAsync(OwnerRoot, "us-east-1", $"limit{i}@cluster.example", baseUri, Ct);
        }));

        // The owner already has the seeded domain: 4 of the 12 creates fit under the limit of 5.
        Assert.True(results.Count(r => r.IsSuccess) == 4, string.Join("\n", results.Where(r => !r.IsSuccess).Select(r => r.Error?.Code + ": " + r.Error?.Message)));
        Assert.All(results.Where(r => !r.IsSuccess), r => Assert.Equal("identity.limit", r.Error?.Code));
        await using var db = await nodes.A.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct);
        Assert.Equal(5, await db.SendingIdentities.CountAsync(i => i.AccountId == Owner && i.Region == "us-east-1", Ct));
    }

    private static Task<SesApiResponse> SendAsDelegateAsync(SesApiTestClient client) =>
        client.V2Async(HttpMethod.Post, "/v2/email/outbound-emails", JsonSerializer.Serialize(new
        {
            FromEmailAddress = "news@" + Domain,
            FromEmailAddressIdentityArn = IdentityArn,
            Destination = new { ToAddresses = Readers },
            Content = new { Simple = new { Subject = new { Data = "s" }, Body = new { Text = new { Data = "b" } } } },
        }));

    /// <summary>Sends until one is refused; gives up (answering the last, accepted, send) far beyond the poll interval but far within the cache lifetime.</summary>
    private static Task<SesApiResponse> UntilRefusedAsync(SesApiTestClient client) => UntilAsync(() => SendAsDelegateAsync(client), r => r.Status != 200);

    private static async Task<SesApiResponse> UntilAsync(Func<Task<SesApiResponse>> call, Func<SesApiResponse, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var response = await call();
            if (done(response) || DateTime.UtcNow > deadline)
            {
                return response;
            }

            await Task.Delay(100, Ct);
        }
    }

    /// <summary>
    /// Node A (in-process) and node B (on a Kestrel port) over one data directory (one SQLite file, one key ring), named
    /// node-a and node-b, with a send-path cache lifetime of 10 minutes and a change poll of 200 ms. The owner's domain
    /// is verified with a policy letting the delegate account send as it.
    /// </summary>
    private sealed class TwoNodes : IAsyncDisposable
    {
        private readonly string _directory;
        private readonly KestrelConsoleAppFactory _b;

        private TwoNodes(string directory, ConsoleAppFactory a, KestrelConsoleAppFactory b, CapturingLogs logsA, CapturingLogs logsB)
        {
            _directory = directory;
            A = a;
            _b = b;
            LogsA = logsA;
            LogsB = logsB;
        }

        public ConsoleAppFactory A { get; }

        public ConsoleAppFactory B => _b.App;

        public string BaseUrlOfB => _b.BaseUrl;

        public CapturingLogs LogsA { get; }

        public CapturingLogs LogsB { get; }

        public static async Task<TwoNodes> StartAsync(
            bool cluster, TimeProvider? clockA = null, TimeProvider? clockB = null, Dictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
        {
            var directory = Directory.CreateTempSubdirectory("sesconsole-cluster-").FullName;
            var logsA = new CapturingLogs();
            var logsB = new CapturingLogs();
            var a = new ConsoleAppFactory
            {
                Time = clockA,
                ConfigureServices = s =>
                {
                    s.AddSingleton<ILoggerProvider>(logsA);
                    services?.Invoke(s);
                },
            };
            var b = new KestrelConsoleAppFactory(s =>
            {
                s.AddSingleton<ILoggerProvider>(logsB);
                services?.Invoke(s);
                if (clockB is not null)
                {
                    s.AddSingleton(clockB);
                }
            });
            Configure(a, "node-a");
            Configure(b.App, "node-b");
            _ = a.Services; // A migrates and seeds first; B finds the database ready
            b.Start();
            var nodes = new TwoNodes(directory, a, b, logsA, logsB);
            await nodes.SeedDomainAsync();
            return nodes;

            void Configure(ConsoleAppFactory app, string node)
            {
                app.Settings["Console:DataDirectory"] = directory;
                app.Settings["Cluster:Enabled"] = cluster ? "true" : "false";
                app.Settings["Cluster:NodeName"] = node;
                app.Settings["Cluster:ChangePollInterval"] = "00:00:00.200";
                app.Settings["Sending:ReadCache:Lifetime"] = "00:10:00";
                app.Settings["Sending:Delivery:PollInterval"] = "00:00:00";
                app.Settings["Logging:LogLevel:SesConsole.Web.Sending.SendingRetentionWorker"] = "Debug";
                foreach (var (key, value) in settings ?? [])
                {
                    app.Settings[key] = value;
                }
            }
        }

        /// <summary>The delegate's root key (made on A) signing requests to B.</summary>
        public async Task<SesApiTestClient> DelegateClientOnBAsync()
        {
            var keys = A.Services.CreateScope().ServiceProvider.GetRequiredService<AccessKeysService>();
            var key = (await keys.CreateAsync(DelegateRoot, null, Ct)).Value!;
            return new SesApiTestClient(BaseUrlOfB, key.Id, key.Secret);
        }

        public async ValueTask DisposeAsync()
        {
            await _b.DisposeAsync();
            await A.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held by a finishing background thread; the OS temp cleaner takes it.
            }
        }

        private async Task SeedDomainAsync()
        {
            var now = DateTimeOffset.UtcNow;
            await using var db = await A.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct);
            var identity = new SendingIdentityEntity
            {
                Id = Guid.NewGuid(), AccountId = Owner, Region = "us-east-1", Type = SendingIdentityType.Domain, Name = Domain,
                VerificationStatus = VerificationStatus.Success, VerificationStatusSince = now, VerifiedAt = now, CreatedAt = now,
            };
            identity.Policies.Add(new IdentityPolicyEntity
            {
                Id = Guid.NewGuid(), Name = "delegate", UpdatedAt = now, UpdatedBy = "test",
                Document = $$"""
                    {"Version":"2012-10-17","Statement":[{"Sid":"AllowDelegate","Effect":"Allow","Principal":{"AWS":"{{Delegate}}"},
                     "Action":["ses:SendEmail","ses:SendRawEmail"],"Resource":"{{IdentityArn}}"}]}
                    """,
            });
            db.SendingIdentities.Add(identity);
            await db.SaveChangesAsync(Ct);
        }
    }

    /// <summary>Holds every save that adds a sending identity 100 ms before it is written.</summary>
    private sealed class SlowIdentityInserts : SaveChangesInterceptor
    {
        public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (eventData.Context?.ChangeTracker.Entries<SendingIdentityEntity>().Any(e => e.State == EntityState.Added) == true)
            {
                await Task.Delay(100, cancellationToken);
            }

            return result;
        }
    }

    /// <summary>Log messages of one host, from Debug up.</summary>
    private sealed class CapturingLogs : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _messages = new();

        public int Count(Func<string, bool> match) => _messages.Count(match);

        /// <summary>Waits until a message matches (the worker runs on its own thread once its timer fired); gives up after 30 s.</summary>
        public async Task WaitForAsync(Func<string, bool> match)
        {
            var before = DateTime.UtcNow.AddSeconds(30);
            while (!_messages.Any(match) && DateTime.UtcNow < before)
            {
                await Task.Delay(20, Ct);
            }
        }

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLogs owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner._messages.Enqueue(formatter(state, exception));
        }
    }
}
