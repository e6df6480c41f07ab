using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using MimeKit;
using SesConsole.Data.Entities;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Sending;

/// <summary>
/// Nothing accepted is lost when the console's process is killed (SIGKILL, no shutdown code runs) in the middle of
/// delivering (docs/send-pipeline.md#delivery): the real console (the built Console.Web.dll as its own process, a real Kestrel
/// port, a temp data directory) relays to a slow loopback SMTP server run by the test; messages are accepted through the
/// real SES v2 API with SigV4, the process is killed while the relay is still receiving them, a new process on the same
/// data directory finishes, and the relay, which counts by Message-ID, must have every accepted message at least once
/// and at most <c>Sending:Delivery:Parallelism</c> of them twice (the ones delivered but not yet recorded when it died).
/// </summary>
public sealed class OutboxProcessKillTests
{
    private const int Count = 200;
    private const int Parallelism = 4;
    private const string OwnerKey = "AKIAKILLTESTOWNERAAA";
    private const string OwnerSecret = "killTestOwnerSecret000000000000000000001";
    private const string Sender = "news@kill.example";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Killing_the_process_mid_delivery_loses_no_accepted_message_and_duplicates_at_most_the_delivery_parallelism()
    {
        var directory = Directory.CreateTempSubdirectory("sesconsole-kill-").FullName;
        var provision = Path.Combine(directory, "provision.json");
        await File.WriteAllTextAsync(provision, $$"""
            { "accounts": [ { "id": "111111111111", "name": "Kill test owner", "regions": ["us-east-1"], "sandbox": false,
                              "max24HourSend": 1000000, "maxSendRate": 100000,
                              "accessKeys": [ { "id": "{{OwnerKey}}", "secret": "{{OwnerSecret}}" } ] } ] }
            """, Ct);
        await using var relay = await LoopbackSmtpServer.StartAsync();
        try
        {
            var accepted = new ConcurrentBag<string>();
            int receivedAtKill;
            using (var first = await StartConsoleAsync(directory, provision, relay.Port))
            {
                using var api = new SesApiTestClient(first.BaseUrl, OwnerKey, OwnerSecret);
                await VerifySenderAsync(api, first.BaseUrl, relay);

                // A slow relay: with 4 connections ≈ 80 messages/s, so the kill lands while most are still to go.
                relay.Delay = TimeSpan.FromMilliseconds(50);
                var before = relay.Messages.Count;
                await Parallel.ForEachAsync(Enumerable.Range(0, Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, async (i, _) =>
                {
                    var response = await api.V2Async(HttpMethod.Post, "/v2/email/outbound-emails", JsonSerializer.Serialize(new
                    {
                        FromEmailAddress = Sender,
                        Destination = new { ToAddresses = new[] { $"reader{i}@customer.example" } },
                        Content = new { Simple = new { Subject = new { Data = $"Message {i}" }, Body = new { Text = new { Data = "Body" } } } },
                    }));
                    Assert.True(response.Status == 200, $"SendEmail answered {response.Status}: {response.Body}");
                    accepted.Add(response.Json.GetProperty("MessageId").GetString()!);
                });

                await WaitUntilAsync(() => relay.Messages.Count - before >= 20, TimeSpan.FromSeconds(60), "the relay to receive 20 messages");
                first.Kill();
                receivedAtKill = DeliveredCounts(relay, accepted).Values.Sum();
            }

            Assert.InRange(receivedAtKill, 1, Count - 1); // killed mid-delivery
            Assert.True(await PendingAsync(directory) > 0, "the outbox had messages left when the process died");

            relay.Delay = TimeSpan.Zero;
            using (var second = await StartConsoleAsync(directory, provision, relay.Port))
            {
                await WaitUntilAsync(async () => await PendingAsync(directory) == 0, TimeSpan.FromSeconds(90), "the second process to empty the outbox");
            }

            var counts = DeliveredCounts(relay, accepted);
            Assert.Equal(Count, accepted.Count);
            Assert.All(accepted, id => Assert.True(counts.GetValueOrDefault(id) >= 1, $"{id} was accepted and never delivered"));
            var duplicates = counts.Values.Sum(n => n - 1);
            Assert.InRange(duplicates, 0, Parallelism);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>CreateEmailIdentity for the sender, then the link from the verification mail (which went to the relay).</summary>
    private static async Task VerifySenderAsync(SesApiTestClient api, string baseUrl, LoopbackSmtpServer relay)
    {
        var created = await api.V2Async(HttpMethod.Post, "/v2/email/identities", JsonSerializer.Serialize(new { EmailIdentity = Sender }));
        Assert.True(created.Status == 200, created.Body);
        string? token = null;
        await WaitUntilAsync(() =>
        {
            foreach (var mail in relay.Messages.Where(m => m.To.Contains(Sender)))
            {
                var text = MimeMessage.Load(new MemoryStream(mail.Data)).TextBody ?? "";
                token = Regex.Match(text, @"verify-email\?token=(\S+)") is { Success: true } m ? m.Groups[1].Value : null;
            }

            return token is not null;
        }, TimeSpan.FromSeconds(30), "the verification mail");
        using var http = new HttpClient();
        using var clicked = await http.GetAsync(new Uri($"{baseUrl}/verify-email?token={token}"), Ct);
        Assert.True(clicked.IsSuccessStatusCode, $"the verification link answered {(int)clicked.StatusCode}");
        var identity = await api.V2Async(HttpMethod.Get, $"/v2/email/identities/{Uri.EscapeDataString(Sender)}");
        Assert.Equal("SUCCESS", identity.Json.GetProperty("VerificationStatus").GetString());
    }

    /// <summary>How many times the relay received each accepted message (by its Message-ID header).</summary>
    private static Dictionary<string, int> DeliveredCounts(LoopbackSmtpServer relay, IEnumerable<string> accepted)
    {
        var wanted = accepted.ToHashSet(StringComparer.Ordinal);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var mail in relay.Messages)
        {
            var messageId = MimeMessage.Load(new MemoryStream(mail.Data)).MessageId ?? "";
            var sesId = messageId.Split('@')[0];
            if (wanted.Contains(sesId))
            {
                counts[sesId] = counts.GetValueOrDefault(sesId) + 1;
            }
        }

        return counts;
    }

    /// <summary>Pending outbox rows, read straight from the database file (WAL: readable beside a running process).</summary>
    private static async Task<long> PendingAsync(string directory)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(directory, "sesconsole.db")};Pooling=False");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM OutboxMessages WHERE Status = {(int)OutboxStatus.Pending}";
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }

    private static Task WaitUntilAsync(Func<bool> condition, TimeSpan limit, string what) =>
        WaitUntilAsync(() => Task.FromResult(condition()), limit, what);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan limit, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"Waited {limit.TotalSeconds:0} s for {what}.");
            }

            await Task.Delay(20, Ct);
        }
    }

    /// <summary>The built console as its own OS process on <paramref name="directory"/>, relaying to the test's SMTP server.</summary>
    private static Task<ConsoleProcess> StartConsoleAsync(string directory, string provision, int relayPort) =>
        ConsoleProcess.StartAsync(["--data-dir", directory, "--provision", provision,
            "--Mail:Mode=SmtpRelay", "--Mail:Relay:Host=127.0.0.1", $"--Mail:Relay:Port={relayPort}", "--Mail:Relay:Security=None",
            $"--Sending:Delivery:Parallelism={Parallelism}", "--Sending:Delivery:BatchSize=8",
            "--Sending:Delivery:PollInterval=00:00:00.100", "--Sending:Delivery:ClaimLease=00:00:03"]);
}
