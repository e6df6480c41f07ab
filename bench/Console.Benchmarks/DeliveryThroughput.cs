extern alias web;

using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Sending;
using SmtpServer;
using SmtpServer.ComponentModel;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using web::SesConsole.Web.Features.Identities;
using web::SesConsole.Web.Features.Principals;
using web::SesConsole.Web.Sending;
using web::SesConsole.Web.Sending.Delivery;
using web::SesConsole.Web.Hosting;

namespace SesConsole.Benchmarks;

/// <summary>
/// Accepted/s against delivered/s in one run (docs/send-pipeline.md#delivery): the console's own services in this process
/// over a real SQLite file, the delivery worker running as in production, and a sustained load of durable accepts through
/// the real <see cref="SendService"/> (a delegate sending as the owner's domain under a policy, one real recipient, so every
/// message goes to the outbox). For <c>--seconds</c> both run at once; then the load stops and the runner waits until the
/// outbox has nothing pending. It prints accepted/s, delivered/s while loaded, the backlog at the end of the load, how long
/// it took to drain (and that as a fraction of the load's duration: the target is ≤ 0.1), and the drain rate (delivery
/// alone). Once to the local sink (pickup directory) and once to a loopback SMTP relay (a real SMTP server on 127.0.0.1,
/// SmtpServer 11, counting messages by Message-ID), each on a fresh data directory.
/// <code>dotnet run -c Release --project bench/Console.Benchmarks -- delivery [--seconds 20] [--concurrency 32] [--transport sink|relay|both] [--parallelism N] [--max-backlog N (0: flow control off)] [--warmup 5]</code>
/// BenchmarkDotNet does not fit here (a run is a minute of two concurrent activities, not a repeatable operation).
/// It also prints CPU per delivered message while draining with and without the runtime's tiered-compilation thread (on
/// a loaded box that thread takes much of the process's CPU well after the warm-up). Measured runs, with their load
/// averages: docs/send-pipeline.md#delivery.
/// </summary>
public static class DeliveryThroughput
{
    private const string Domain = "bench.example";
    private const string Arn = "arn:aws:ses:us-east-1:111111111111:identity/" + Domain;

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = Arg(args, "--seconds", 20);
        var concurrency = Arg(args, "--concurrency", 32);
        var warmup = Arg(args, "--warmup", 5);
        var parallelism = args.SkipWhile(a => a != "--parallelism").Skip(1).FirstOrDefault();
        var maxBacklog = args.SkipWhile(a => a != "--max-backlog").Skip(1).FirstOrDefault();
        var transport = args.SkipWhile(a => a != "--transport").Skip(1).FirstOrDefault() ?? "both";
        var results = new List<string>();
        foreach (var kind in transport == "both" ? ["sink", "relay"] : new[] { transport })
        {
            results.Add(await RunOneAsync(kind, seconds, warmup, concurrency, parallelism, maxBacklog));
        }

        Console.WriteLine();
        Console.WriteLine("| transport | accepted/s | delivered/s (loaded) | backlog at end | drain | drain ÷ run | drain rate/s | delivered ÷ accepted (loaded) |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        results.ForEach(Console.WriteLine);
        return 0;
    }

    private static async Task<string> RunOneAsync(string kind, int seconds, int warmup, int concurrency, string? parallelism, string? maxBacklog)
    {
        var directory = Directory.CreateTempSubdirectory("sesconsole-delivery-bench-").FullName;
        await using var relay = kind == "relay" ? await CountingRelay.StartAsync() : null;
        var settings = new Dictionary<string, string?>
        {
            ["Console:DataDirectory"] = directory,
            ["Demo:Seed"] = "true",
            ["Demo:Password"] = "Bench-Passw0rd!",
            ["Identities:RecheckInterval"] = "00:00:00",
            ["Mail:Mode"] = relay is null ? "LocalSink" : "SmtpRelay",
            ["Mail:PickupDirectory"] = relay is null ? "pickup" : null,
            ["Mail:Relay:Host"] = relay is null ? null : "127.0.0.1",
            ["Mail:Relay:Port"] = relay?.Port.ToString(CultureInfo.InvariantCulture),
            ["Mail:Relay:Security"] = relay is null ? null : "None",
        };
        if (parallelism is not null)
        {
            settings["Sending:Delivery:Parallelism"] = parallelism;
        }

        if (maxBacklog is not null)
        {
            settings["Sending:Delivery:MaxBacklog"] = maxBacklog;
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development", ApplicationName = "Console.Web" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.AddConsoleWeb();
        var app = builder.Build();
        try
        {
            var caller = await PrepareAsync(app);
            await app.StartAsync();
            var factory = app.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>();

            // Warm-up: the JIT moves the hot paths to optimized code; then let the worker catch up.
            if (warmup > 0)
            {
                await LoadAsync(app, caller, TimeSpan.FromSeconds(warmup), concurrency);
                await DrainAsync(factory, TimeSpan.FromMinutes(10));
            }

            var flow = app.Services.GetRequiredService<DeliveryFlowControl>();
            var delayedBefore = flow.Delayed;
            var deliveredBefore = await DeliveredAsync(factory);
            var loadBefore = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var jit0 = JitCpu();
            var clock = Stopwatch.StartNew();
            var accepted = await LoadAsync(app, caller, TimeSpan.FromSeconds(seconds), concurrency);
            var loaded = clock.Elapsed;
            var backlog = await PendingAsync(factory);
            var deliveredLoaded = await DeliveredAsync(factory) - deliveredBefore;
            var cpu1 = Process.GetCurrentProcess().TotalProcessorTime;
            var jit1 = JitCpu();
            Console.WriteLine($"{kind}: draining {backlog} (pid {Environment.ProcessId}); {flow.Delayed - delayedBefore:N0} of {accepted:N0} accepts waited for the backlog (flow control)");
            var drain = Stopwatch.StartNew();
            await DrainAsync(factory, TimeSpan.FromMinutes(30));
            var drained = drain.Elapsed;
            var cpu2 = Process.GetCurrentProcess().TotalProcessorTime;
            var jit2 = JitCpu();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{kind}: CPU while loaded {(cpu1 - cpu0).TotalMilliseconds / (accepted + deliveredLoaded):N3} ms per (accepted + delivered) message; " +
                $"while draining {(backlog > 0 ? (cpu2 - cpu1).TotalMilliseconds / backlog : 0):N3} ms per delivered message " +
                $"({(backlog > 0 ? ((cpu2 - cpu1) - (jit2 - jit1)).TotalMilliseconds / backlog : 0):N3} without the tiered JIT's thread, which took {(jit1 - jit0).TotalSeconds:N1} s loaded, {(jit2 - jit1).TotalSeconds:N1} s draining); " +
                $"load average {loadBefore} at the start, {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end"));
            var line = string.Create(CultureInfo.InvariantCulture,
                $"| {kind} | {accepted / loaded.TotalSeconds:N0} | {deliveredLoaded / loaded.TotalSeconds:N0} | {backlog:N0} | {drained.TotalSeconds:N1} s | " +
                $"{drained.TotalSeconds / loaded.TotalSeconds:N3} | {(drained.TotalSeconds > 0.05 ? (backlog / drained.TotalSeconds).ToString("N0", CultureInfo.InvariantCulture) : "-")} | {(double)deliveredLoaded / accepted:N2} |");
            Console.WriteLine(line);
            if (relay is not null)
            {
                var (messages, duplicates) = relay.Counts();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"relay received {messages:N0} distinct Message-IDs, {duplicates:N0} duplicates"));
            }

            return line;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Sends for <paramref name="duration"/> with <paramref name="concurrency"/> sends in flight; returns how many were accepted.</summary>
    private static async Task<long> LoadAsync(WebApplication app, SendCaller caller, TimeSpan duration, int concurrency)
    {
        long accepted = 0;
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < end)
            {
                var request = new SendRequest(caller, SendApi.V2Simple, "us-east-1", DateTimeOffset.UtcNow,
                    new SimpleContent(["reader@customer.example"], Subject: "Hello", TextBody: "Message body"))
                {
                    Source = "News <news@" + Domain + ">",
                    FromArn = Arn,
                };
                await using var scope = app.Services.CreateAsyncScope(); // one per send, as one per API request
                var outcome = await scope.ServiceProvider.GetRequiredService<SendService>().SendAsync(request, "Bench", CancellationToken.None);
                if (!outcome.IsAccepted)
                {
                    throw new InvalidOperationException(outcome.Rejection!.Error.Message);
                }

                Interlocked.Increment(ref accepted);
            }
        })));
        return accepted;
    }

    private static async Task DrainAsync(IDbContextFactory<ConsoleDbContext> factory, TimeSpan limit)
    {
        var deadline = Stopwatch.StartNew();
        while (await PendingAsync(factory) > 0)
        {
            if (deadline.Elapsed > limit)
            {
                throw new TimeoutException($"The outbox did not drain within {limit}.");
            }

            // Not much more often: on a loaded box the count itself was ≈ 6 % of the process's CPU while draining at 20 ms.
            await Task.Delay(100);
        }
    }

    /// <summary>CPU time of the runtime's tiered-compilation thread (on a loaded box it can take half the process's CPU long after warm-up).</summary>
    private static TimeSpan JitCpu()
    {
        long ticks = 0;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith(".NET Tiered", StringComparison.Ordinal))
                {
                    var stat = File.ReadAllText(Path.Combine(task, "stat"));
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture); // utime, stime
                }
            }
            catch (IOException)
            {
                // The thread ended meanwhile.
            }
        }

        return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ
    }

    private static async Task<int> PendingAsync(IDbContextFactory<ConsoleDbContext> factory)
    {
        await using var db = await factory.CreateDbContextAsync();
        return await db.OutboxMessages.CountAsync(m => m.Status == OutboxStatus.Pending);
    }

    private static async Task<int> DeliveredAsync(IDbContextFactory<ConsoleDbContext> factory)
    {
        await using var db = await factory.CreateDbContextAsync();
        return await db.OutboxMessages.CountAsync(m => m.Status == OutboxStatus.Delivered);
    }

    /// <summary>The owner's verified domain with a policy for the delegate, the delegate out of the sandbox with no quota to speak of.</summary>
    private static async Task<SendCaller> PrepareAsync(WebApplication app)
    {
        SendCaller caller;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<StartupTasks>().RunAsync();
            await scope.ServiceProvider.GetRequiredService<IdentitiesService>().CreateDomainAsync(
                await CallerOfAsync(scope.ServiceProvider, "owner@example.com"), "us-east-1", Domain, new NewDomainIdentity { DkimKeyLength = 1024 });
            caller = await scope.ServiceProvider.GetRequiredService<SendService>().CallerAsync(
                await CallerOfAsync(scope.ServiceProvider, "delegate@example.com"), "192.0.2.10", secureTransport: true);
        }

        await using var db = await app.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        var identity = await db.SendingIdentities.SingleAsync(i => i.Name == Domain);
        (identity.VerificationStatus, identity.DkimStatus, identity.DkimSigningEnabled) = (VerificationStatus.Success, VerificationStatus.Success, false);
        db.IdentityPolicies.Add(new IdentityPolicyEntity
        {
            Id = Guid.NewGuid(), IdentityId = identity.Id, Name = "Agency", UpdatedBy = "bench",
            Document = $$"""
                { "Version": "2012-10-17", "Statement": [ { "Sid": "AllowAgency", "Effect": "Allow", "Principal": { "AWS": "222222222222" },
                  "Action": ["ses:SendEmail", "ses:SendRawEmail"], "Resource": "{{Arn}}" } ] }
                """,
        });
        var account = await db.Accounts.SingleAsync(a => a.Id == "222222222222");
        (account.Sandbox, account.Max24HourSend, account.MaxSendRate) = (false, int.MaxValue, 1_000_000);
        await db.SaveChangesAsync();
        return caller;
    }

    private static async Task<Caller> CallerOfAsync(IServiceProvider services, string userName)
    {
        var user = await services.GetRequiredService<UserManager<ConsoleUser>>().FindByNameAsync(userName)
                   ?? throw new InvalidOperationException($"{userName} was not seeded");
        return Caller.From(await services.GetRequiredService<IUserClaimsPrincipalFactory<ConsoleUser>>().CreateAsync(user))!;
    }

    private static int Arg(string[] args, string name, int fallback) =>
        args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    /// <summary>A real SMTP server on 127.0.0.1 that accepts everything and counts messages by their Message-ID header.</summary>
    private sealed class CountingRelay : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<string, int> _seen = new(StringComparer.Ordinal);
        private readonly CancellationTokenSource _stop = new();
        private Task _running = Task.CompletedTask;

        public int Port { get; private set; }

        public static async Task<CountingRelay> StartAsync()
        {
            var relay = new CountingRelay();
            var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            var options = new SmtpServerOptionsBuilder().ServerName("relay.bench").Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, 0))).Build();
            var services = new SmtpServer.ComponentModel.ServiceProvider();
            services.Add(new Store(relay._seen));
            var listeners = new NoDelayListeners();
            listeners.EndpointStarted += (_, e) => started.TrySetResult(((IPEndPoint)e.LocalEndPoint).Port);
            services.Add(listeners);
            relay._running = new SmtpServer.SmtpServer(options, services).StartAsync(relay._stop.Token);
            relay.Port = await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
            return relay;
        }

        public (int Messages, int Duplicates) Counts() => (_seen.Count, _seen.Values.Sum(v => v - 1));

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try
            {
                await _running;
            }
            catch (OperationCanceledException)
            {
                // Stopping is what was asked for.
            }

            _stop.Dispose();
        }

        /// <summary>
        /// Accepts with Nagle's algorithm off, like the console's own SMTP endpoint: SmtpServer writes each pipelined reply
        /// separately, and with Nagle on the second waits for the client's delayed ACK (40 ms), which would measure that
        /// stall rather than the delivery worker. A production relay (Postfix) flushes a pipelined group's replies at once.
        /// </summary>
        private sealed class NoDelayListeners : EndpointListenerFactory
        {
            public override IEndpointListener CreateListener(IEndpointDefinition endpointDefinition)
            {
                EndpointEventArgs? started = null;
                return new web::SesConsole.Web.Features.Smtp.SmtpSocketListener(endpointDefinition, args => OnEndpointStarted(started = args), () => OnEndpointStopped(started!));
            }
        }

        private sealed class Store(ConcurrentDictionary<string, int> seen) : MessageStore
        {
            public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
            {
                seen.AddOrUpdate(MessageIdOf(buffer), 1, (_, n) => n + 1);
                return Task.FromResult(SmtpResponse.Ok);
            }

            private static string MessageIdOf(ReadOnlySequence<byte> buffer)
            {
                var text = System.Text.Encoding.ASCII.GetString((buffer.Length > 8192 ? buffer.Slice(0, 8192) : buffer).ToArray());
                foreach (var line in text.Split("\r\n"))
                {
                    if (line.Length == 0)
                    {
                        break;
                    }

                    if (line.StartsWith("Message-ID:", StringComparison.OrdinalIgnoreCase))
                    {
                        return line["Message-ID:".Length..].Trim();
                    }
                }

                return Guid.NewGuid().ToString();
            }
        }
    }
}
