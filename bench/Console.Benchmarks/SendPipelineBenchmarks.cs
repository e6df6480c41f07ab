using BenchmarkDotNet.Attributes;
using SesConsole.Domain.Authorization;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Policies;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Principals;
using SesConsole.Domain.Sending;

namespace SesConsole.Benchmarks;

/// <summary>
/// The send pipeline in memory (no persistence): a delegated SendEmail to 3 recipients, cross-account, both sides allow,
/// DKIM on; and the same send denied on the delegate side. Messages/s = 1 / mean. The 5,000/s target is for the
/// durable pipeline (the lead's outbox); this measures the domain's share of it.
/// Measured 2026-11-28 on the 2-core build box under load from other builds (load average 5–15), one thread:
/// BenchmarkDotNet short job: accepted ≈ 15 µs mean (±noise), denied ≈ 7.5 µs, 17.2 KB / 13.3 KB allocated per send;
/// a steady Stopwatch loop of 100,000 sends: accepted ≈ 8.0 µs (≈ 125,000 messages/s), denied ≈ 5.8 µs (≈ 170,000/s).
/// </summary>
[MemoryDiagnoser]
public class SendPipelineBenchmarks
{
    private const string IdentityText = "arn:aws:ses:us-east-1:888888888888:identity/example.com";
    private const string Alice = "arn:aws:iam::123456789012:user/Alice";

    private SendPipeline _pipeline = null!;
    private SendPipeline _deniedPipeline = null!;
    private SendRequest _request = null!;

    [GlobalSetup]
    public void Setup()
    {
        var identity = IdentityArn.Parse(IdentityText).GetValueOrThrow();
        var grant = PolicyCompiler.Compile("grant", PolicyValidator.ValidateResourcePolicy("""
            {"Version": "2012-10-17", "Statement": [{"Sid": "AuthorizeDelegate", "Effect": "Allow", "Principal": {"AWS": "123456789012"},
              "Action": ["ses:SendEmail", "ses:SendRawEmail"], "Resource": "IDENTITY",
              "Condition": {"StringLike": {"ses:FromAddress": "*@example.com"}}}]}
            """.Replace("IDENTITY", IdentityText, StringComparison.Ordinal), identity, new Directory())).GetValueOrThrow();
        var aliceSet = new CompiledPolicySet([PolicyCompiler.Compile("alice", PolicyValidator.ValidateIdentityPolicy(
            """{"Statement": [{"Effect": "Allow", "Action": "ses:Send*", "Resource": "*"}]}""")).GetValueOrThrow()]);
        var identities = new Identities(new SendingIdentity(identity, SendingIdentityName.Parse("example.com").GetValueOrThrow(),
            VerificationStatus.Success, new CompiledPolicySet([grant]), true, new DkimKeyReference("example.com", "sel1")));
        _pipeline = new SendPipeline(new SendPipelinePorts(identities, new Callers(aliceSet), new Accounts(), new Unlimited(), new NoSuppression(), new NoMime()));
        _deniedPipeline = new SendPipeline(new SendPipelinePorts(identities, new Callers(CompiledPolicySet.Empty), new Accounts(), new Unlimited(), new NoSuppression(), new NoMime()));
        _request = new SendRequest(
            new SendCaller(RequestPrincipal.ForArn(PrincipalArn.Parse(Alice).GetValueOrThrow()), SourceIp: "192.0.2.10"),
            SendApi.V1SendEmail, "us-east-1", new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero),
            new SimpleContent(["a@example.org", "b@example.org"], ["c@example.org"], Subject: "Hello", TextBody: "Hi"))
        {
            Source = "Sender <sender@example.com>",
            SourceArn = IdentityText,
        };
    }

    [Benchmark(Baseline = true)]
    public Task<SendOutcome> DelegatedSendAccepted() => _pipeline.RunAsync(_request);

    [Benchmark]
    public Task<SendOutcome> DelegatedSendDenied() => _deniedPipeline.RunAsync(_request);

    private sealed class Directory : IPrincipalDirectory
    {
        public bool AccountExists(AccountId account) => true;

        public bool PrincipalExists(PrincipalArn arn) => true;

        public bool IsKnownService(string service) => true;
    }

    private sealed class Identities(SendingIdentity owner) : ISendingIdentityDirectory
    {
        private readonly IReadOnlyList<SendingIdentity> _owner = [owner];

        public ValueTask<IReadOnlyList<SendingIdentity>> GetIdentitiesAsync(string account, string region, CancellationToken cancellationToken) =>
            ValueTask.FromResult(account == "888888888888" ? _owner : []);
    }

    private sealed class Callers(CompiledPolicySet set) : ICallerPolicyStore
    {
        public ValueTask<CompiledPolicySet> GetIdentityPoliciesAsync(RequestPrincipal principal, CancellationToken cancellationToken) => ValueTask.FromResult(set);
    }

    private sealed class Accounts : ISendingAccountDirectory
    {
        public ValueTask<SendingAccount?> GetAsync(string account, string region, CancellationToken cancellationToken) =>
            ValueTask.FromResult<SendingAccount?>(new SendingAccount(account, false, AccountSendingStatus.Enabled));
    }

    private sealed class Unlimited : ISendingQuota
    {
        private static readonly QuotaResult Ok = new(QuotaVerdict.Reserved, -1, 0, 1e9);

        public ValueTask<QuotaResult> TryReserveAsync(string account, string region, QuotaCharge charge, DateTimeOffset now, CancellationToken cancellationToken) => ValueTask.FromResult(Ok);

        public ValueTask<QuotaResult> PeekAsync(string account, string region, QuotaCharge charge, DateTimeOffset now, CancellationToken cancellationToken) => ValueTask.FromResult(Ok);

        public ValueTask ReleaseAsync(string reservationId, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    private sealed class NoSuppression : ISuppressionList
    {
        private static readonly IReadOnlyDictionary<string, SuppressionReason> None = new Dictionary<string, SuppressionReason>();

        public ValueTask<IReadOnlyDictionary<string, SuppressionReason>> FindAsync(string account, string region, IReadOnlyList<string> addresses, CancellationToken cancellationToken) =>
            ValueTask.FromResult(None);
    }

    private sealed class NoMime : IMimeParser
    {
        public Result<ParsedRawMessage> Parse(ReadOnlyMemory<byte> mime) => new Error("message.malformed", "not used");
    }
}
