using CsCheck;
using SesConsole.Domain.Authorization;
using SesConsole.Domain.Policies;
using SesConsole.Domain.Principals;
using static SesConsole.Domain.Tests.Policies.TestPolicies;

namespace SesConsole.Domain.Tests.Policies;

public sealed class PolicyPropertyTests
{
    private static readonly string[] Principals =
    [
        "\"*\"", """{"AWS": "123456789012"}""", """{"AWS": "111122223333"}""", """{"AWS": "arn:aws:iam::123456789012:user/Alice"}""",
        """{"AWS": "arn:aws:iam::123456789012:role/Sender"}""", """{"Service": "cognito-idp.amazonaws.com"}""", """{"AWS": "*"}""",
    ];

    private static readonly string[] Actions = ["ses:SendEmail", "ses:SendRawEmail", "ses:Send*", "*", "SES:sendemail"];

    private static readonly string?[] Conditions =
    [
        null,
        """{"StringLike": {"ses:FromAddress": "*@example.com"}}""",
        """{"StringNotLike": {"ses:FromAddress": "admin*"}}""",
        """{"ForAllValues:StringLike": {"ses:Recipients": "*@example.com"}}""",
        """{"ForAnyValue:StringEquals": {"ses:Recipients": ["a@example.com", "b@example.com"]}}""",
        """{"Bool": {"aws:SecureTransport": "false"}}""",
        """{"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"]}}""",
        """{"NotIpAddressIfExists": {"aws:SourceIp": "192.0.2.0/24"}}""",
        """{"NumericLessThan": {"ses:FromAddress": "10"}}""",
        """{"Null": {"ses:FeedbackAddress": "true"}, "StringEqualsIgnoreCase": {"ses:FromAddress": "A@EXAMPLE.COM"}}""",
        """{"DateLessThan": {"aws:CurrentTime": "2025-01-01T00:00:00Z"}}""",
    ];

    private static readonly Gen<(string Effect, string Principal, string Action, string? Condition)> GenStatement =
        Gen.Select(Gen.OneOf("Allow", "Deny"), Gen.OneOf(Principals), Gen.OneOf(Actions), Gen.OneOf(Conditions));

    private static readonly Gen<AuthorizationRequest> GenRequest =
        Gen.Select(
            Gen.OneOf("arn:aws:iam::123456789012:user/Alice", "arn:aws:iam::111122223333:user/John", "arn:aws:iam::123456789012:root",
                "arn:aws:sts::123456789012:assumed-role/Sender/s", "service"),
            Gen.OneOf("ses:SendEmail", "ses:SendRawEmail", "ses:SendBulkTemplatedEmail"),
            Gen.OneOf<string?>(null, "a@example.com", "admin@example.com", "x@other.com", "5"),
            Gen.OneOf<string[]?>(null, [], ["a@example.com"], ["a@example.com", "x@other.com"]),
            Gen.OneOf<bool?>(null, true, false),
            Gen.OneOf<string?>(null, "10.1.1.1", "192.0.2.7", "2001:db8::5", "garbage"),
            Gen.Int[1_600_000_000, 1_800_000_000])
        .Select(t => new AuthorizationRequest(
            t.Item1 == "service"
                ? RequestPrincipal.ForService("cognito-idp.amazonaws.com")
                : RequestPrincipal.ForArn(PrincipalArn.Parse(t.Item1).GetValueOrThrow()),
            t.Item2, IdentityText,
            new RequestContext
            {
                FromAddress = t.Item3,
                Recipients = t.Item4,
                SecureTransport = t.Item5,
                SourceIp = t.Item6,
                CurrentTime = DateTimeOffset.FromUnixTimeSeconds(t.Item7),
            }));

    private static string[] ToStatements((string Effect, string Principal, string Action, string? Condition)[] statements, int offset = 0) =>
        [.. statements.Select((s, i) => Statement($"S{i + offset}", s.Effect, s.Principal, s.Action, s.Condition))];

    private static CompiledPolicySet Set(params string[][] policies) =>
        new(policies.Where(s => s.Length > 0).Select((statements, i) => Resource($"p{i}", Document(statements))));

    private static string Summary(AuthorizationDecision d) =>
        $"{d.Decision} [{string.Join(",", d.Reasons.Select(r => r.Sid).Order(StringComparer.Ordinal))}] errors [{string.Join(",", d.Errors.Select(e => e.Statement.Sid).Order(StringComparer.Ordinal))}]";

    [Fact]
    public void Evaluate_OrderOfStatementsAndPolicies_NeverChangesTheDecision()
    {
        Gen.Select(GenStatement.Array[1, 6], GenRequest, Gen.Int[0, 5]).Sample((statements, request, split) =>
        {
            var all = ToStatements(statements);
            var oneForward = Set(all);
            var oneReversed = Set([.. all.Reverse()]);
            var cut = Math.Min(split, all.Length);
            var twoPolicies = Set([.. all.Skip(cut)], [.. all.Take(cut)]);
            var expected = Summary(PolicyEvaluator.Evaluate(request, oneForward));

            Assert.Equal(expected, Summary(PolicyEvaluator.Evaluate(request, oneReversed)));
            Assert.Equal(expected, Summary(PolicyEvaluator.Evaluate(request, twoPolicies)));
            Assert.Equal(PolicyEvaluator.Decide(request, oneForward).Decision, PolicyEvaluator.Decide(request, twoPolicies).Decision);
        }, iter: 300);
    }

    [Fact]
    public void Evaluate_AddingADeny_NeverProducesAnAllowNorLiftsADeny()
    {
        Gen.Select(GenStatement.Array[1, 5], GenStatement, GenRequest).Sample((statements, extra, request) =>
        {
            var before = PolicyEvaluator.Evaluate(request, Set(ToStatements(statements))).Decision;
            var deny = Statement("Extra", "Deny", extra.Principal, extra.Action, extra.Condition);
            var after = PolicyEvaluator.Evaluate(request, Set([.. ToStatements(statements), deny])).Decision;

            if (before == Decision.ExplicitDeny)
            {
                Assert.Equal(Decision.ExplicitDeny, after);
            }

            if (after == Decision.Allow)
            {
                Assert.Equal(Decision.Allow, before);
            }
        }, iter: 300);
    }

    [Fact]
    public void Serialize_ParseSerializeParse_IsStable()
    {
        GenStatement.Array[1, 6].Sample(statements =>
        {
            var text = Document(ToStatements(statements));
            var first = PolicySerializer.Serialize(PolicyParser.Parse(text).Document!);
            var second = PolicySerializer.Serialize(PolicyParser.Parse(first).Document!);

            Assert.Equal(first, second);
            Assert.Equal(
                PolicyValidator.ValidateResourcePolicy(text, Identity, FakePrincipalDirectory.Standard()).Diagnostics.Select(d => d.Code),
                PolicyValidator.ValidateResourcePolicy(first, Identity, FakePrincipalDirectory.Standard()).Diagnostics.Select(d => d.Code));
        }, iter: 200);
    }

    [Fact]
    public void Serialize_CorpusPolicies_AreStable()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Policies", "Cases"), "*.json"))
        {
            using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file));
            foreach (var p in json.RootElement.GetProperty("policies").EnumerateArray())
            {
                var text = p.TryGetProperty("text", out var t) ? t.GetString()! : p.GetProperty("policy").GetRawText();
                if (PolicyParser.Parse(text).Document is not { } document)
                {
                    continue;
                }

                var first = PolicySerializer.Serialize(document);
                Assert.Equal(first, PolicySerializer.Serialize(PolicyParser.Parse(first).Document!));
            }
        }
    }

    [Fact]
    public void Parse_ArbitraryStrings_NeverThrow()
    {
        var directory = FakePrincipalDirectory.Standard();
        Gen.String.Sample(text =>
        {
            PolicyParser.Parse(text);
            PolicyValidator.ValidateResourcePolicy(text, Identity, directory);
            PolicyValidator.ValidateIdentityPolicy(text);
        }, iter: 2000);
    }

    private static readonly string[] JsonKeys =
    [
        "Version", "Statement", "Sid", "Effect", "Principal", "AWS", "Service", "Action", "Resource", "Condition", "StringLike",
        "ForAllValues:StringLike", "ForAnyValue:StringEquals", "StringEqualsIfExists", "NumericLessThan", "DateGreaterThan",
        "IpAddress", "Bool", "Null", "ArnLike", "ses:FromAddress", "ses:Recipients", "aws:SourceIp", "aws:CurrentTime",
        "NotAction", "NotPrincipal", "Id", "x", "",
    ];

    private static readonly string[] JsonScalars =
    [
        "\"Allow\"", "\"Deny\"", "\"*\"", "\"ses:SendEmail\"", "\"ses:Send*\"", "\"" + IdentityText + "\"", "\"123456789012\"",
        "\"arn:aws:iam::123456789012:user/Alice\"", "\"2012-10-17\"", "\"10.0.0.0/8\"", "\"2025-01-01T00:00:00Z\"", "\"*@example.com\"",
        "\"\"", "\"\\u0000\"", "0", "-1", "1.5e300", "1e999", "true", "false", "null",
    ];

    /// <summary>Well-formed JSON of any shape, built from the policy grammar's own words, nested up to <paramref name="depth"/>.</summary>
    private static Gen<string> GenJson(int depth) => depth == 0
        ? Gen.OneOf(JsonScalars)
        : Gen.Frequency(
            (3, Gen.OneOf(JsonScalars)),
            (2, GenJson(depth - 1).Array[0, 4].Select(items => "[" + string.Join(",", items) + "]")),
            (4, Gen.Select(Gen.OneOf(JsonKeys), GenJson(depth - 1)).Array[0, 5]
                .Select(members => "{" + string.Join(",", members.Select(m => "\"" + m.Item1 + "\":" + m.Item2)) + "}")));

    [Fact]
    public void Validate_ArbitraryWellFormedJson_NeverThrowsAndPointsEveryErrorAtTheText()
    {
        var directory = FakePrincipalDirectory.Standard();
        var statement = Gen.Select(GenJson(2), GenJson(2), GenJson(2), GenJson(2), GenJson(2))
            .Select((effect, principal, action, resource, condition) =>
                $$"""{"Effect":{{effect}},"Principal":{{principal}},"Action":{{action}},"Resource":{{resource}},"Condition":{{condition}}}""");
        var policy = Gen.Frequency(
            (1, GenJson(4)),
            (2, Gen.Select(GenJson(1), statement.Array[0, 3], GenJson(3))
                .Select((version, statements, extra) => $$"""{"Version":{{version}},"Statement":[{{string.Join(",", statements)}}],"x":{{extra}}}""")));
        Gen.Select(policy, GenRequest).Sample((text, request) =>
        {
            var resource = PolicyValidator.ValidateResourcePolicy(text, Identity, directory);
            var identity = PolicyValidator.ValidateIdentityPolicy(text);
            Assert.All(resource.Diagnostics.Concat(identity.Diagnostics), d => Assert.True(d.Line >= 1 && d.Column >= 1, d.Code));
            foreach (var valid in new[] { resource, identity }.Where(v => v.IsValid))
            {
                var set = new CompiledPolicySet([PolicyCompiler.Compile("j", valid).GetValueOrThrow()]);
                PolicyEvaluator.Decide(request, set);
                _ = PolicyEvaluator.Explain(request, set).Describe();
            }

            if (PolicyParser.Parse(text).Document is { } document)
            {
                _ = PolicySerializer.Serialize(document);
            }
        }, iter: 3000);
    }

    [Fact]
    public void Validate_MutatedPolicies_NeverThrowAndValidOnesEvaluate()
    {
        var directory = FakePrincipalDirectory.Standard();
        const string Alphabet = "{}[]\":,*?\\ \n0aA:é/~";
        Gen.Select(GenStatement.Array[1, 3], Gen.Int[0, 400].Array[0, 4], Gen.Int[0, Alphabet.Length - 1].Array[4], Gen.Bool.Array[4], GenRequest)
            .Sample((statements, positions, chars, deletes, request) =>
            {
                var text = Document(ToStatements(statements));
                for (var i = 0; i < positions.Length; i++)
                {
                    var at = positions[i] % (text.Length + 1);
                    text = deletes[i] && at < text.Length ? text.Remove(at, 1) : text.Insert(at, Alphabet[chars[i]].ToString());
                }

                var resource = PolicyValidator.ValidateResourcePolicy(text, Identity, directory);
                PolicyValidator.ValidateIdentityPolicy(text);
                if (resource.IsValid)
                {
                    var set = new CompiledPolicySet([PolicyCompiler.Compile("m", resource).GetValueOrThrow()]);
                    PolicyEvaluator.Decide(request, set);
                    _ = PolicyEvaluator.Explain(request, set).Describe();
                    _ = SendAuthorizer.Authorize(request, set, set).Describe();
                }
                else
                {
                    Assert.All(resource.Errors, d => Assert.True(d.Line >= 1 && d.Column >= 1));
                }
            }, iter: 1000);
    }
}
