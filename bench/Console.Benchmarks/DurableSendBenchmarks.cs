extern alias web;

using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
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
using web::SesConsole.Web.Features.Identities;
using web::SesConsole.Web.Features.Principals;
using web::SesConsole.Web.Features.Sending;
using web::SesConsole.Web.Hosting;

namespace SesConsole.Benchmarks;

/// <summary>
/// The whole accepted path in process, durable: the console's own services over a real SQLite file (WAL) — the send
/// pipeline (identities, two-sided policy evaluation, quota ledger, suppression), MIME building, DKIM signing with the
/// owner's key when <see cref="Dkim"/> is on, and the group commit of attempt, outbox row and events before the send
/// returns. A delegate (account 222222222222) sends as the owner's domain under a policy, to one real recipient (so
/// every message lands in the outbox). <see cref="Concurrency"/> sends are in flight at once, as API requests would be.
/// Accepted messages/s = <c>1 / mean</c> (OperationsPerInvoke: BenchmarkDotNet reports per message).
/// Measured 2026-11-28 on the 2-core box (load average ≈ 2), 1 warm-up, 5 iterations of 2,000 sends, 32 in flight:
/// with the quota ledger's transaction per message: no DKIM 5.0 ms/message (≈ 200/s), DKIM 28.6 ms (≈ 35/s);
/// with the in-memory quota windows (ledger row in the group commit): no DKIM 0.89 ms (≈ 1,130/s, 482 KB allocated
/// per message), DKIM RSA-2048 9.0 ms (≈ 111/s). The 5,000/s target is not met; the DKIM path is dominated by loading
/// and unprotecting the owner's key and RSA signing per message (next: cache the parsed key per identity).
/// </summary>
[MemoryDiagnoser]
public class DurableSendBenchmarks
{
    private const int Sends = 2_000;
    private const string Domain = "bench.example";
    private const string Arn = "arn:aws:ses:us-east-1:111111111111:identity/" + Domain;

    private readonly string _directory = Directory.CreateTempSubdirectory("sesconsole-bench-").FullName;
    private WebApplication _app = null!;
    private SendCaller _caller = null!;

    /// <summary>Whether the owner turned on Easy DKIM (RSA-2048 signing per message).</summary>
    [Params(false, true)]
    public bool Dkim { get; set; }

    [Params(32)]
    public int Concurrency { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development", ApplicationName = "Console.Web" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Console:DataDirectory"] = _directory,
            ["Demo:Seed"] = "true",
            ["Demo:Password"] = "Bench-Passw0rd!",
            ["Sending:Delivery:PollInterval"] = "00:00:00", // measure acceptance, not delivery
            ["Identities:RecheckInterval"] = "00:00:00",
        });
        builder.Logging.ClearProviders();
        builder.AddConsoleWeb();
        _app = builder.Build();
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<StartupTasks>().RunAsync();
            await scope.ServiceProvider.GetRequiredService<IdentitiesService>().CreateDomainAsync(
                await CallerOfAsync(scope.ServiceProvider, "owner@example.com"), "us-east-1", Domain, new NewDomainIdentity { DkimKeyLength = 2048 });
            _caller = await scope.ServiceProvider.GetRequiredService<SendService>().CallerAsync(
                await CallerOfAsync(scope.ServiceProvider, "delegate@example.com"), "192.0.2.10", secureTransport: true);
        }

        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        var identity = await db.SendingIdentities.SingleAsync(i => i.Name == Domain);
        (identity.VerificationStatus, identity.DkimStatus, identity.DkimSigningEnabled) = (VerificationStatus.Success, VerificationStatus.Success, Dkim);
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
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = Sends)]
    public async Task<int> AcceptDurably()
    {
        var accepted = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, Sends), new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (i, ct) =>
        {
            var request = new SendRequest(_caller, SendApi.V2Simple, "us-east-1", DateTimeOffset.UtcNow,
                new SimpleContent(["reader@customer.example"], Subject: "Hello", TextBody: "Message body"))
            {
                Source = "News <news@" + Domain + ">",
                FromArn = Arn,
            };
            await using var scope = _app.Services.CreateAsyncScope(); // one per send, as one per API request
            var outcome = await scope.ServiceProvider.GetRequiredService<SendService>().SendAsync(request, "Bench", ct);
            if (!outcome.IsAccepted)
            {
                throw new InvalidOperationException(outcome.Rejection!.Error.Message);
            }

            Interlocked.Increment(ref accepted);
        });
        return accepted;
    }

    private static async Task<Caller> CallerOfAsync(IServiceProvider services, string userName)
    {
        var user = await services.GetRequiredService<UserManager<ConsoleUser>>().FindByNameAsync(userName)
                   ?? throw new InvalidOperationException($"{userName} was not seeded");
        return Caller.From(await services.GetRequiredService<IUserClaimsPrincipalFactory<ConsoleUser>>().CreateAsync(user))!;
    }
}
