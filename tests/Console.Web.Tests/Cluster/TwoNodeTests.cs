using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using MimeKit;
using Npgsql;
using SesConsole.Data.Entities;
using SesConsole.Tests.Shared;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Cluster;

/// <summary>
/// Two console nodes — the built Console.Web.dll as two OS processes on real Kestrel ports — on one real PostgreSQL
/// database (a private cluster started by the test fixture), in cluster mode (docs/deployment.md#cluster-mode). A delegate
/// account sends as an owner's verified address through both nodes with the real SigV4 client; the access keys were
/// provisioned on node A only, so every request B accepts also proves that B decrypts secrets with the key ring A made.
/// </summary>
[Collection(PostgresTestGroup.Name)]
public sealed class TwoNodeTests(PostgresCluster postgres)
{
    private const string Owner = "111111111111";
    private const string Delegate = "222222222222";
    private const string OwnerKey = "AKIATWONODEOWNERAAAA";
    private const string OwnerSecret = "twoNodeOwnerSecret0000000000000000000001";
    private const string DelegateKey = "AKIATWONODEDELEGATEA";
    private const string DelegateSecret = "twoNodeDelegateSecret0000000000000000002";
    private const string Sender = "news@nodes.example";
    private const string SenderArn = $"arn:aws:ses:us-east-1:{Owner}:identity/{Sender}";

    private static readonly string[] SendActions = ["ses:SendEmail", "ses:SendRawEmail"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_quota_of_100_accepts_exactly_100_of_1000_concurrent_sends_split_over_two_nodes()
    {
        await using var world = await World.StartAsync(postgres, "quota", delegateQuota: 100, delegateRate: 100_000);

        var results = new ConcurrentBag<(int Node, SesApiResponse Response)>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 1000), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = Ct }, async (i, _) =>
        {
            var node = i % 2;
            results.Add((node, await world.DelegateSendAsync(node, $"reader{i}@customer.example")));
        });

        var accepted = results.Where(r => r.Response.Status == 200).ToList();
        var refused = results.Where(r => r.Response.Status != 200).ToList();
        Assert.All(refused, r => Assert.True(r.Response.Body.Contains("quota", StringComparison.OrdinalIgnoreCase), $"node {r.Node}: {r.Response.Status} {r.Response.Body}"));
        Assert.Equal(100, accepted.Count);
        Assert.Contains(refused, r => r.Node == 0);
        Assert.Contains(refused, r => r.Node == 1);
        Assert.Equal(100, await world.ScalarAsync($"SELECT COALESCE(SUM(\"Recipients\"), 0) FROM \"UsageLedger\" WHERE \"AccountId\" = '{Delegate}'"));
    }

    [Fact]
    public async Task A_node_killed_mid_delivery_loses_nothing_the_other_node_delivers_its_claims_after_the_lease()
    {
        const int count = 200;
        await using var world = await World.StartAsync(postgres, "kill", delegateQuota: 1_000_000, delegateRate: 100_000);
        world.Relay.Delay = TimeSpan.FromMilliseconds(50);
        var before = world.Relay.Messages.Count;
        var accepted = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, async (i, _) =>
        {
            var response = await world.DelegateSendAsync(0, $"reader{i}@customer.example");
            Assert.True(response.Status == 200, $"SendEmail answered {response.Status}: {response.Body}");
            accepted.Add(response.Json.GetProperty("MessageId").GetString()!);
        });

        await WaitUntilAsync(() => Task.FromResult(world.Relay.Messages.Count - before >= 20), TimeSpan.FromSeconds(60), "the relay to receive 20 messages");
        world.Nodes[0].Kill();
        var pendingAtKill = await world.ScalarAsync($"SELECT COUNT(*) FROM \"OutboxMessages\" WHERE \"Status\" = {(int)OutboxStatus.Pending}");
        Assert.True(pendingAtKill > 0, "the outbox had messages left when node A died");

        world.Relay.Delay = TimeSpan.Zero;
        await WaitUntilAsync(async () => await world.ScalarAsync($"SELECT COUNT(*) FROM \"OutboxMessages\" WHERE \"Status\" = {(int)OutboxStatus.Pending}") == 0,
            TimeSpan.FromSeconds(120), "node B to empty the outbox");

        var counts = world.DeliveredCounts(accepted);
        Assert.Equal(count, accepted.Count);
        Assert.All(accepted, id => Assert.True(counts.GetValueOrDefault(id) >= 1, $"{id} was accepted and never delivered"));
        Assert.InRange(counts.Values.Sum(n => n - 1), 0, World.Parallelism); // at most node A's deliveries in flight
    }

    [Fact]
    public async Task A_policy_revoked_through_node_A_is_enforced_by_node_B_without_waiting_for_its_cache_lifetime()
    {
        await using var world = await World.StartAsync(postgres, "revoke", delegateQuota: 1_000, delegateRate: 100);
        var allowed = await world.DelegateSendAsync(1, "warm@customer.example"); // B's cache now holds the policy
        Assert.True(allowed.Status == 200, allowed.Body);

        var revoked = await world.OwnerApi(0).V2Async(HttpMethod.Delete, $"/v2/email/identities/{Uri.EscapeDataString(Sender)}/policies/delegate");
        Assert.True(revoked.Status == 200, revoked.Body);

        // The nodes' read caches live ten minutes here: only the change counters can tell B in time.
        SesApiResponse answer;
        var clock = Stopwatch.StartNew();
        do
        {
            answer = await world.DelegateSendAsync(1, "after@customer.example");
        }
        while (answer.Status == 200 && clock.Elapsed < TimeSpan.FromSeconds(30) && await Task.Delay(100, Ct).ContinueWith(_ => true, Ct));

        Assert.Equal(403, answer.Status);
        Assert.Contains("not authorized", answer.Body, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan limit, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"Waited {limit.TotalSeconds:0} s for {what}.");
            }

            await Task.Delay(50, Ct);
        }
    }

    /// <summary>A fresh database, a loopback relay and two nodes; the owner's address verified and shared with the delegate.</summary>
    private sealed class World : IAsyncDisposable
    {
        public const int Parallelism = 4;

        private readonly string _directory;
        private readonly List<SesApiTestClient> _clients = [];

        private World(string directory, string connectionString, LoopbackSmtpServer relay)
        {
            _directory = directory;
            ConnectionString = connectionString;
            Relay = relay;
        }

        public string ConnectionString { get; }

        public LoopbackSmtpServer Relay { get; }

        public List<ConsoleProcess> Nodes { get; } = [];

        public static async Task<World> StartAsync(PostgresCluster postgres, string name, int delegateQuota, double delegateRate)
        {
            var connection = await postgres.CreateDatabaseAsync("twonode_" + name);
            var directory = Directory.CreateTempSubdirectory("sesconsole-twonode-").FullName;
            var provision = Path.Combine(directory, "provision.json");
            await File.WriteAllTextAsync(provision, $$"""
                { "accounts": [
                    { "id": "{{Owner}}", "name": "Owner", "regions": ["us-east-1"], "sandbox": false, "max24HourSend": 1000000, "maxSendRate": 100000,
                      "accessKeys": [ { "id": "{{OwnerKey}}", "secret": "{{OwnerSecret}}" } ] },
                    { "id": "{{Delegate}}", "name": "Delegate", "regions": ["us-east-1"], "sandbox": false,
                      "max24HourSend": {{delegateQuota}}, "maxSendRate": {{delegateRate.ToString(System.Globalization.CultureInfo.InvariantCulture)}},
                      "accessKeys": [ { "id": "{{DelegateKey}}", "secret": "{{DelegateSecret}}" } ] } ] }
                """, Ct);
            var world = new World(directory, connection, await LoopbackSmtpServer.StartAsync());
            try
            {
                // A first (it migrates the new database and applies the provisioning file), then B on the same database.
                world.Nodes.Add(await world.StartNodeAsync("node-a", provision));
                world.Nodes.Add(await world.StartNodeAsync("node-b", provision: null));
                await world.VerifyAndShareAsync();
                return world;
            }
            catch
            {
                await world.DisposeAsync();
                throw;
            }
        }

        public SesApiTestClient OwnerApi(int node) => Client(node, OwnerKey, OwnerSecret);

        public Task<SesApiResponse> DelegateSendAsync(int node, string to) =>
            Client(node, DelegateKey, DelegateSecret).V2Async(HttpMethod.Post, "/v2/email/outbound-emails", JsonSerializer.Serialize(new
            {
                FromEmailAddress = Sender,
                FromEmailAddressIdentityArn = SenderArn,
                Destination = new { ToAddresses = new[] { to } },
                Content = new { Simple = new { Subject = new { Data = "Hello" }, Body = new { Text = new { Data = "Body" } } } },
            }));

        public async Task<long> ScalarAsync(string sql)
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync(Ct);
            await using var command = new NpgsqlCommand(sql, connection);
            return Convert.ToInt64(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
        }

        /// <summary>How many times the relay received each accepted message (by its Message-ID header).</summary>
        public Dictionary<string, int> DeliveredCounts(IEnumerable<string> accepted)
        {
            var wanted = accepted.ToHashSet(StringComparer.Ordinal);
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var mail in Relay.Messages)
            {
                var sesId = (MimeMessage.Load(new MemoryStream(mail.Data)).MessageId ?? "").Split('@')[0];
                if (wanted.Contains(sesId))
                {
                    counts[sesId] = counts.GetValueOrDefault(sesId) + 1;
                }
            }

            return counts;
        }

        public async ValueTask DisposeAsync()
        {
            _clients.ForEach(c => c.Dispose());
            Nodes.ForEach(n => n.Dispose());
            await Relay.DisposeAsync();
            Directory.Delete(_directory, recursive: true);
        }

        private SesApiTestClient Client(int node, string key, string secret)
        {
            var client = new SesApiTestClient(Nodes[node].BaseUrl, key, secret);
            lock (_clients)
            {
                _clients.Add(client);
            }

            return client;
        }

        private Task<ConsoleProcess> StartNodeAsync(string node, string? provision)
        {
            var dataDirectory = Path.Combine(_directory, node);
            Directory.CreateDirectory(dataDirectory);
            List<string> arguments = ["--data-dir", dataDirectory, "--Database:Provider=PostgreSql", $"--Database:ConnectionString={ConnectionString}",
                "--Cluster:Enabled=true", $"--Cluster:NodeName={node}", "--Cluster:ChangePollInterval=00:00:00.500",
                "--Sending:ReadCache:Lifetime=00:10:00",
                "--Mail:Mode=SmtpRelay", "--Mail:Relay:Host=127.0.0.1", $"--Mail:Relay:Port={Relay.Port}", "--Mail:Relay:Security=None",
                $"--Sending:Delivery:Parallelism={Parallelism}", "--Sending:Delivery:BatchSize=8",
                "--Sending:Delivery:PollInterval=00:00:00.100", "--Sending:Delivery:ClaimLease=00:00:03"];
            if (provision is not null)
            {
                arguments.AddRange(["--provision", provision]);
            }

            return ConsoleProcess.StartAsync(arguments);
        }

        /// <summary>The owner verifies its address (the link mail goes to the relay) and lets the delegate account send as it.</summary>
        private async Task VerifyAndShareAsync()
        {
            var owner = OwnerApi(0);
            var created = await owner.V2Async(HttpMethod.Post, "/v2/email/identities", JsonSerializer.Serialize(new { EmailIdentity = Sender }));
            Assert.True(created.Status == 200, created.Body);
            string? token = null;
            await WaitUntilAsync(() =>
            {
                foreach (var mail in Relay.Messages.Where(m => m.To.Contains(Sender)))
                {
                    var text = MimeMessage.Load(new MemoryStream(mail.Data)).TextBody ?? "";
                    token = Regex.Match(text, @"verify-email\?token=(\S+)") is { Success: true } m ? m.Groups[1].Value : null;
                }

                return Task.FromResult(token is not null);
            }, TimeSpan.FromSeconds(30), "the verification mail");
            using (var http = new HttpClient())
            using (var clicked = await http.GetAsync(new Uri($"{Nodes[1].BaseUrl}/verify-email?token={token}"), Ct))
            {
                Assert.True(clicked.IsSuccessStatusCode, $"the verification link answered {(int)clicked.StatusCode}");
            }

            var policy = JsonSerializer.Serialize(new
            {
                Version = "2012-10-17",
                Statement = new[]
                {
                    new { Effect = "Allow", Principal = new { AWS = $"arn:aws:iam::{Delegate}:root" }, Action = SendActions, Resource = SenderArn },
                },
            });
            var put = await owner.V2Async(HttpMethod.Post, $"/v2/email/identities/{Uri.EscapeDataString(Sender)}/policies/delegate",
                JsonSerializer.Serialize(new { Policy = policy }));
            Assert.True(put.Status == 200, put.Body);
        }
    }
}
