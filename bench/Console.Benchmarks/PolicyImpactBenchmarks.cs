extern alias web;

using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Data.Sqlite;
using SesConsole.Domain.Authorization;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Policies;
using SesConsole.Domain.Sending.Events;
using web::SesConsole.Web.Features.Policies;
using web::SesConsole.Web.Features.Principals;

namespace SesConsole.Benchmarks;

/// <summary>
/// The impact preview (docs/policy-editor.md#impact-preview) on <see cref="Attempts"/> stored attempts of one identity:
/// the pure replay, and the whole service (the SQLite read of the window, rebuilding each request, the replay), against
/// a plain loop deciding the same requests with one compiled policy set (the baseline) in the same run. Target: the
/// service ≤ 100 ms.
/// </summary>
/// <remarks>
/// The history: 4 senders (two delegate accounts' roots, an IAM user of one, the owner's root), 3 From addresses, 1–3
/// recipients, accepted (with the <c>mail</c> object the send path stores) and denied attempts, over 14 days. The saved
/// policy has 3 statements (an Allow with From/recipient conditions, a plain Allow, a Deny without TLS); the draft
/// revokes one delegate, so a quarter of the attempts change and get explained (3 examples per group).
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class PolicyImpactBenchmarks
{
    public const int Attempts = 10_000;
    private const string Owner = "111111111111";
    private const string Region = "us-east-1";
    private const string Identity = "impact.example";
    private static readonly string Arn = $"arn:aws:ses:{Region}:{Owner}:identity/{Identity}";

    private sealed class Config : ManualConfig
    {
        public Config() => AddJob(Job.Default.WithWarmupCount(2).WithIterationCount(6)
            .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(5), logOutput: false)).WithId("InProcess"));
    }

    private string _directory = "";
    private PolicyImpactService _service = null!;
    private ReplayHistory _history = null!;
    private IReadOnlyList<ReplayAttempt> _attempts = [];
    private AuthorizationRequest[] _requests = [];
    private CompiledPolicySet _saved = null!;
    private readonly Caller _owner = new("bench", "owner@example.com", Owner, null, $"arn:aws:iam::{Owner}:root", false);
    private readonly PolicyDraft _draft = new("Delegates", "Delegates", Document(withPartner: false));

    private static string Document(bool withPartner) => $$"""
        {"Version":"2012-10-17","Statement":[
         {"Sid":"Agency","Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":["ses:SendEmail","ses:SendRawEmail"],"Resource":"{{Arn}}",
          "Condition":{"StringLike":{"ses:FromAddress":["news@{{Identity}}","billing@{{Identity}}"]},"ForAllValues:StringLike":{"ses:Recipients":["*@*.example","*@example.net"]} } }
         {{(withPartner ? $$""",{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"333333333333"},"Action":"ses:SendEmail","Resource":"{{Arn}}"}""" : "")}},
         {"Sid":"NoPlainText","Effect":"Deny","Principal":"*","Action":"ses:Send*","Resource":"{{Arn}}","Condition":{"Bool":{"aws:SecureTransport":"false"} } }]}
        """;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _directory = Path.Combine(Path.GetTempPath(), $"sesconsole-impact-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_directory);
        var options = new DbContextOptionsBuilder<SqliteConsoleDbContext>().UseSqlite($"Data Source={Path.Combine(_directory, "sesconsole.db")}").Options;
        var now = DateTimeOffset.UtcNow;
        await using (var db = new SqliteConsoleDbContext(options))
        {
            await db.Database.MigrateAsync();
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
            foreach (var account in new[] { Owner, "222222222222", "333333333333" })
            {
                db.Accounts.Add(new AccountEntity { Id = account, DisplayName = account, HomeRegions = Region, Sandbox = false, CreatedAt = now.AddDays(-60) });
            }

            var identity = new SendingIdentityEntity
            {
                Id = Guid.NewGuid(), AccountId = Owner, Region = Region, Type = SendingIdentityType.Domain, Name = Identity,
                VerificationStatus = VerificationStatus.Success, VerificationStatusSince = now, VerifiedAt = now, CreatedAt = now.AddDays(-60),
            };
            db.SendingIdentities.Add(identity);
            db.IdentityPolicies.Add(new IdentityPolicyEntity { Id = Guid.NewGuid(), IdentityId = identity.Id, Name = "Delegates", Document = Document(withPartner: true), UpdatedBy = "bench", UpdatedAt = now });
            var random = new Random(17);
            string[] senders = ["arn:aws:iam::222222222222:root", "arn:aws:iam::333333333333:root", "arn:aws:iam::222222222222:user/mailer", $"arn:aws:iam::{Owner}:root"];
            string[] froms = [$"news@{Identity}", $"billing@{Identity}", $"ceo@{Identity}"];
            for (var i = 0; i < Attempts; i++)
            {
                var caller = senders[random.Next(senders.Length)];
                var from = froms[random.Next(froms.Length)];
                var recipients = Enumerable.Range(0, 1 + random.Next(3)).Select(r => $"r{random.Next(5000)}@isp{random.Next(20)}.example").ToList();
                var at = now.AddSeconds(-random.NextDouble() * 14 * 86_400);
                var accepted = random.Next(10) > 0;
                var context = new RequestContext { FromAddress = from, Recipients = recipients, SourceIp = "203.0.113.9", SecureTransport = true, ApiVersion = "2", CurrentTime = at };
                var account = caller[13..25];
                var side = caller.EndsWith(":root", StringComparison.Ordinal) ? "Allow (account root)" : "Allow";
                var messageId = $"0100{i:x12}-bench";
                db.SendAttempts.Add(new SendAttemptEntity
                {
                    Id = Guid.CreateVersion7(at), AccountId = account, CallerArn = caller, IdentityArn = Arn, OwnerAccountId = Owner, Api = "SendEmail",
                    Accepted = accepted, Step = accepted ? null : "authorization", MessageId = accepted ? messageId : null, FromAddress = accepted ? from : null,
                    RecipientCount = accepted ? recipients.Count : 0,
                    Decision = accepted ? $"ses:SendEmail: owner Allow by Agency, caller {side}" : $"ses:SendEmail: owner no Allow, caller {side}",
                    Mail = accepted ? SesNotificationJson.SerializeStoredMail(new MailInfo(at, messageId, from, Arn, "203.0.113.9", account, "root", recipients), from, Arn) : null,
                    ReplayContext = StoredRequestContext.Serialize(context, accepted),
                    At = at,
                });
            }

            await db.SaveChangesAsync();
        }

        var factory = new Factory(options);
        var history = new ReplayHistory(factory, Options.Create(new PolicyImpactOptions()), TimeProvider.System);
        _service = new PolicyImpactService(factory, history);
        _history = history;
        var loaded = await history.LoadAsync(Owner, Region, Identity);
        var saved = loaded.Identities.Single();
        var after = new OwnerIdentity(Identity, Arn, true, [("Delegates", _draft.Document!)], ReplayHistory.Compile(Arn, [("Delegates", _draft.Document!)]));
        _attempts = loaded.Attempts(_ => new ReplayScope(Arn, saved.Set, Arn, after.Set));
        _saved = saved.Set;
        _requests = [.. _attempts.Select(a => new AuthorizationRequest(a.Principal, a.Checks[0].Action, Arn, a.Context))];
        var check = PolicyImpact.Replay(_attempts);
        Console.WriteLine($"// {_attempts.Count} attempts replayed; {check.NowDenied} now denied, {check.NowAllowed} now allowed in {check.Groups.Count} groups");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private sealed class Factory(DbContextOptions<SqliteConsoleDbContext> options) : IDbContextFactory<ConsoleDbContext>
    {
        public ConsoleDbContext CreateDbContext() => new SqliteConsoleDbContext(options);
    }

    /// <summary>The baseline: one decision per stored attempt with the saved policies, requests already built.</summary>
    [Benchmark(Baseline = true)]
    public int DecideLoop()
    {
        var allowed = 0;
        foreach (var request in _requests)
        {
            allowed += PolicyEvaluator.Decide(request, _saved).Decision == Decision.Allow ? 1 : 0;
        }

        return allowed;
    }

    /// <summary><see cref="PolicyImpact.Replay"/>: each attempt's request built and decided before and after, the changed ones grouped and explained.</summary>
    [Benchmark]
    public int Replay() => PolicyImpact.Replay(_attempts).Groups.Count;

    /// <summary>The read alone: <see cref="ReplayHistory.LoadAsync"/> (the window's rows from SQLite, their contexts rebuilt).</summary>
    [Benchmark]
    public async Task<int> LoadHistory() => (await _history.LoadAsync(Owner, Region, Identity)).Rows.Count;

    /// <summary><see cref="PolicyImpactService.PreviewAsync"/>: ownership check, the window's rows read from SQLite, contexts rebuilt, replayed.</summary>
    [Benchmark]
    public async Task<int> PreviewService() => (await _service.PreviewAsync(_owner, Region, Identity, _draft)).Value!.Report.Groups.Count;
}
