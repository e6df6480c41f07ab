using BenchmarkDotNet.Attributes;
using SesConsole.Domain.Authorization;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Policies;
using SesConsole.Domain.Principals;

namespace SesConsole.Benchmarks;

/// <summary>
/// Policy engine targets: ≥ 1,000,000 decisions/s on one core for a 3-statement policy with 2 conditions (allow and deny
/// paths), 0 bytes allocated per decision once compiled, parse + validate of a 4 KB policy ≤ 100 µs.
/// </summary>
[MemoryDiagnoser]
public class PolicyBenchmarks
{
    private const string IdentityText = "arn:aws:ses:us-east-1:888888888888:identity/example.com";

    private static readonly string ThreeStatementPolicy = """
        {
          "Version": "2012-10-17",
          "Statement": [
            {"Sid": "DenyInsecureRaw", "Effect": "Deny", "Principal": "*", "Action": "ses:SendRawEmail", "Resource": "IDENTITY",
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
            {"Sid": "AuthorizeMarketer", "Effect": "Allow", "Principal": {"AWS": ["111122223333", "123456789012"]},
             "Action": ["ses:SendEmail", "ses:SendRawEmail"], "Resource": "IDENTITY",
             "Condition": {"StringLike": {"ses:FromAddress": "marketing+*@example.com"},
                           "ForAllValues:StringLike": {"ses:Recipients": "*@example.com"}}},
            {"Sid": "AuthorizeJohn", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/John"},
             "Action": "ses:Send*", "Resource": "IDENTITY"}
          ]
        }
        """.Replace("IDENTITY", IdentityText, StringComparison.Ordinal);

    private static readonly IdentityArn Identity = IdentityArn.Parse(IdentityText).GetValueOrThrow();
    private static readonly BenchDirectory Directory = new();

    private string _fourKbPolicy = "";
    private CompiledPolicySet _policies = CompiledPolicySet.Empty;
    private CompiledPolicySet _callerPolicies = CompiledPolicySet.Empty;
    private AuthorizationRequest _allow = null!;
    private AuthorizationRequest _deny = null!;
    private AuthorizationRequest _implicit = null!;

    [GlobalSetup]
    public void Setup()
    {
        var validated = PolicyValidator.ValidateResourcePolicy(ThreeStatementPolicy, Identity, Directory);
        _policies = new CompiledPolicySet([PolicyCompiler.Compile("bench", validated).GetValueOrThrow()]);
        _callerPolicies = new CompiledPolicySet([PolicyCompiler.Compile("caller", PolicyValidator.ValidateIdentityPolicy(
            """{"Statement": [{"Effect": "Allow", "Action": "ses:Send*", "Resource": "*"}]}""")).GetValueOrThrow()]);
        var alice = RequestPrincipal.ForArn(PrincipalArn.Parse("arn:aws:iam::123456789012:user/Alice").GetValueOrThrow());
        var context = new RequestContext
        {
            FromAddress = "marketing+news@example.com",
            Recipients = ["a@example.com", "b@example.com", "c@example.com"],
            SecureTransport = false,
            SourceIp = "192.0.2.10",
            CurrentTime = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
        };
        _allow = new AuthorizationRequest(alice, "ses:SendEmail", IdentityText, context);
        _deny = new AuthorizationRequest(alice, "ses:SendRawEmail", IdentityText, context);
        _implicit = new AuthorizationRequest(alice, "ses:SendEmail", IdentityText, context with { FromAddress = "sales@example.com" });
        _fourKbPolicy = BuildFourKbPolicy();
        if (PolicyEvaluator.Decide(_allow, _policies).Decision != Decision.Allow ||
            PolicyEvaluator.Decide(_deny, _policies).Decision != Decision.ExplicitDeny ||
            PolicyEvaluator.Decide(_implicit, _policies).Decision != Decision.ImplicitDeny ||
            !PolicyValidator.ValidateResourcePolicy(_fourKbPolicy, Identity, Directory).IsValid)
        {
            throw new InvalidOperationException("Benchmark setup does not produce the intended decisions.");
        }
    }

    [Benchmark]
    public Decision DecideAllow() => PolicyEvaluator.Decide(_allow, _policies).Decision;

    [Benchmark]
    public Decision DecideExplicitDeny() => PolicyEvaluator.Decide(_deny, _policies).Decision;

    [Benchmark]
    public Decision DecideImplicitDeny() => PolicyEvaluator.Decide(_implicit, _policies).Decision;

    [Benchmark]
    public Decision DecideCrossAccountBothSides() => SendAuthorizer.Decide(_allow, _policies, _callerPolicies);

    [Benchmark]
    public AuthorizationDecision EvaluateWithReasons() => PolicyEvaluator.Evaluate(_allow, _policies);

    [Benchmark]
    public PolicyValidationResult ParseAndValidate4KbPolicy() => PolicyValidator.ValidateResourcePolicy(_fourKbPolicy, Identity, Directory);

    private static string BuildFourKbPolicy()
    {
        var statements = new List<string>();
        string Text() => $$"""{"Version": "2012-10-17", "Statement": [{{string.Join(",\n", statements)}}]}""";
        for (var i = 0; ; i++)
        {
            statements.Add("""
                {"Sid": "S#I#", "Effect": "#EFFECT#", "Principal": {"AWS": ["123456789012", "arn:aws:iam::111122223333:user/John"]},
                 "Action": ["ses:SendEmail", "ses:SendRawEmail"], "Resource": "IDENTITY",
                 "Condition": {"StringLike": {"ses:FromAddress": "team#I#+*@example.com"}, "IpAddress": {"aws:SourceIp": "10.#I#.0.0/16"}}}
                """
                .Replace("IDENTITY", IdentityText, StringComparison.Ordinal)
                .Replace("#I#", i.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("#EFFECT#", i % 3 == 0 ? "Deny" : "Allow", StringComparison.Ordinal));
            if (System.Text.Encoding.UTF8.GetByteCount(Text()) > 4096)
            {
                statements.RemoveAt(statements.Count - 1);
                break;
            }
        }

        var text = Text();
        return text.Replace("\"Version\"", "\"Id\": \"" + new string('p', 4096 - 10 - System.Text.Encoding.UTF8.GetByteCount(text)) + "\", \"Version\"", StringComparison.Ordinal);
    }

    private sealed class BenchDirectory : IPrincipalDirectory
    {
        public bool AccountExists(AccountId account) => account.Value is "123456789012" or "111122223333";

        public bool PrincipalExists(PrincipalArn arn) => arn.Value == "arn:aws:iam::111122223333:user/John";

        public bool IsKnownService(string service) => service == "cognito-idp.amazonaws.com";
    }
}
