using System.Globalization;
using System.Text.Json;
using SesConsole.Domain.Authorization;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Policies;
using SesConsole.Domain.Principals;

namespace SesConsole.Domain.Tests.Policies;

/// <summary>
/// Runs the data-driven corpus in <c>Policies/Cases/*.json</c> (cedar-testing style). Each file holds policies, whether
/// each validates and with which diagnostic codes, and requests with the expected decision, deciding Sids and errors.
/// </summary>
public sealed class PolicyCorpusTests
{
    private static string CasesDirectory => Path.Combine(AppContext.BaseDirectory, "Policies", "Cases");

    public static TheoryData<string> CaseFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(CasesDirectory, "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Fact]
    public void Corpus_HasFiles_AtLeastTen() => Assert.True(CaseFiles().Count >= 10);

    [Theory]
    [MemberData(nameof(CaseFiles))]
    public void Corpus_Case_MatchesExpectations(string file)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(CasesDirectory, file)));
        var root = json.RootElement;
        var directory = ReadDirectory(root);
        var defaultIdentity = root.TryGetProperty("identity", out var id) ? id.GetString()! : "arn:aws:ses:us-east-1:888888888888:identity/example.com";
        var failures = new List<string>();
        var compiled = new Dictionary<string, CompiledPolicy>(StringComparer.Ordinal);

        foreach (var p in root.GetProperty("policies").EnumerateArray())
        {
            var name = p.GetProperty("name").GetString()!;
            var kind = (p.TryGetProperty("kind", out var k) ? k.GetString() : null) switch
            {
                "identity" => PolicyKind.IdentityBased,
                "trust" => PolicyKind.Trust,
                _ => PolicyKind.Resource,
            };
            var text = p.TryGetProperty("text", out var t) ? t.GetString()! : p.GetProperty("policy").GetRawText();
            var identityArn = IdentityArn.Parse(p.TryGetProperty("identity", out var pi) ? pi.GetString() : defaultIdentity).GetValueOrThrow();
            var result = kind switch
            {
                PolicyKind.Resource => PolicyValidator.ValidateResourcePolicy(text, identityArn, directory),
                PolicyKind.Trust => PolicyValidator.ValidateTrustPolicy(text, directory),
                _ => PolicyValidator.ValidateIdentityPolicy(text),
            };
            var expectValid = p.GetProperty("valid").GetBoolean();
            if (result.IsValid != expectValid)
            {
                failures.Add($"policy {name}: expected valid={expectValid}, got {result.IsValid}: {string.Join(" | ", result.Diagnostics)}");
            }

            var expectedCodes = p.TryGetProperty("diagnostics", out var d)
                ? d.EnumerateArray().Select(x => x.GetString()!).Distinct().Order(StringComparer.Ordinal).ToList()
                : [];
            var actualCodes = result.Diagnostics.Select(x => x.Code).Distinct().Order(StringComparer.Ordinal).ToList();
            if (!expectedCodes.SequenceEqual(actualCodes))
            {
                failures.Add($"policy {name}: expected codes [{string.Join(", ", expectedCodes)}], got [{string.Join(", ", actualCodes)}]: {string.Join(" | ", result.Diagnostics)}");
            }

            if (result.IsValid)
            {
                compiled[name] = PolicyCompiler.Compile(name, result).GetValueOrThrow();
            }
        }

        var index = 0;
        foreach (var r in root.TryGetProperty("requests", out var requests) ? requests.EnumerateArray() : default)
        {
            index++;
            var label = r.TryGetProperty("description", out var desc) ? $"request {index} ({desc.GetString()})" : $"request {index}";
            var request = ReadRequest(r, defaultIdentity);
            var names = r.TryGetProperty("policies", out var pn) ? pn.EnumerateArray().Select(x => x.GetString()!).ToList() : null;
            var resourceSet = new CompiledPolicySet(compiled.Values.Where(c => c.Kind == PolicyKind.Resource && (names is null || names.Contains(c.Name))));
            var identityNames = r.TryGetProperty("identityPolicies", out var ipn) ? ipn.EnumerateArray().Select(x => x.GetString()!).ToList() : null;
            var identitySet = new CompiledPolicySet(compiled.Values.Where(c => c.Kind == PolicyKind.IdentityBased && (identityNames is null || identityNames.Contains(c.Name))));
            var trustSet = new CompiledPolicySet(compiled.Values.Where(c => c.Kind == PolicyKind.Trust && (names is null || names.Contains(c.Name))));
            var side = r.TryGetProperty("side", out var s) ? s.GetString() : "resource";
            var sideSet = side switch { "identity" => identitySet, "trust" => trustSet, _ => resourceSet };
            var evaluated = PolicyEvaluator.Evaluate(request, sideSet);
            var fast = PolicyEvaluator.Decide(request, sideSet);
            var explanation = PolicyEvaluator.Explain(request, sideSet);
            _ = explanation.Describe();

            if (r.TryGetProperty("decision", out var dec))
            {
                var expected = Enum.Parse<Decision>(dec.GetString()!);
                if (evaluated.Decision != expected || fast.Decision != expected)
                {
                    failures.Add($"{label}: expected {expected}, got {evaluated.Decision} (fast {fast.Decision}).{Environment.NewLine}{explanation.Describe()}");
                }
            }

            if (r.TryGetProperty("reasons", out var reasons))
            {
                var expected = reasons.EnumerateArray().Select(x => x.GetString()!).Order(StringComparer.Ordinal).ToList();
                var actual = evaluated.Reasons.Select(x => x.Sid ?? "").Order(StringComparer.Ordinal).ToList();
                if (!expected.SequenceEqual(actual))
                {
                    failures.Add($"{label}: expected reasons [{string.Join(", ", expected)}], got [{string.Join(", ", actual)}]");
                }
            }

            var expectedErrors = r.TryGetProperty("errors", out var errs)
                ? errs.EnumerateArray().Select(x => x.GetString()!).Order(StringComparer.Ordinal).ToList()
                : [];
            var actualErrors = evaluated.Errors.Select(x => x.Statement.Sid ?? "").Order(StringComparer.Ordinal).ToList();
            if (!expectedErrors.SequenceEqual(actualErrors) || fast.ErrorCount != actualErrors.Count)
            {
                failures.Add($"{label}: expected errors [{string.Join(", ", expectedErrors)}], got [{string.Join(", ", actualErrors)}] (fast count {fast.ErrorCount})");
            }

            if (r.TryGetProperty("combined", out var combined))
            {
                var expected = Enum.Parse<Decision>(combined.GetString()!);
                var both = SendAuthorizer.Authorize(request, resourceSet, identitySet);
                var bothFast = SendAuthorizer.Decide(request, resourceSet, identitySet);
                if (both.Decision != expected || bothFast != expected)
                {
                    failures.Add($"{label}: expected combined {expected}, got {both.Decision} (fast {bothFast}): {both.Describe()}");
                }
            }

            if (r.TryGetProperty("assumeRole", out var assumeRole))
            {
                var expected = Enum.Parse<Decision>(assumeRole.GetString()!);
                var both = AssumeRoleAuthorizer.Authorize(request, trustSet, identitySet);
                if (both.Decision != expected)
                {
                    failures.Add($"{label}: expected AssumeRole {expected}, got {both.Decision}: {both.Describe()}");
                }
            }

            if (r.TryGetProperty("explanationContains", out var contains))
            {
                var text = explanation.Describe();
                foreach (var fragment in contains.EnumerateArray())
                {
                    if (!text.Contains(fragment.GetString()!, StringComparison.Ordinal))
                    {
                        failures.Add($"{label}: explanation lacks '{fragment.GetString()}':{Environment.NewLine}{text}");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    private static FakePrincipalDirectory ReadDirectory(JsonElement root)
    {
        if (!root.TryGetProperty("directory", out var d))
        {
            return FakePrincipalDirectory.Standard();
        }

        IEnumerable<string> List(string name) =>
            d.TryGetProperty(name, out var a) ? a.EnumerateArray().Select(x => x.GetString()!).ToList() : [];
        return new FakePrincipalDirectory(List("accounts"), List("principals"), List("services"));
    }

    private static AuthorizationRequest ReadRequest(JsonElement r, string defaultIdentity)
    {
        var principalElement = r.GetProperty("principal");
        string? org = r.TryGetProperty("orgId", out var o) ? o.GetString() : null;
        RequestPrincipal principal;
        if (principalElement.ValueKind == JsonValueKind.Object)
        {
            principal = RequestPrincipal.ForService(principalElement.GetProperty("service").GetString()!);
        }
        else
        {
            var text = principalElement.GetString()!;
            var orgId = org is null ? (OrganizationId?)null : OrganizationId.Parse(org).GetValueOrThrow();
            principal = text.StartsWith("arn:", StringComparison.Ordinal)
                ? RequestPrincipal.ForArn(PrincipalArn.Parse(text).GetValueOrThrow(), orgId)
                : RequestPrincipal.ForAccount(AccountId.Parse(text).GetValueOrThrow(), orgId);
        }

        var context = new RequestContext();
        if (r.TryGetProperty("context", out var c))
        {
            foreach (var kv in c.EnumerateObject())
            {
                context = With(context, kv.Name, kv.Value);
            }
        }

        var resource = r.TryGetProperty("resource", out var res) ? res.GetString()! : defaultIdentity;
        return new AuthorizationRequest(principal, r.GetProperty("action").GetString()!, resource, context);
    }

    private static RequestContext With(RequestContext c, string key, JsonElement value)
    {
        string S() => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        return key switch
        {
            "ses:FromAddress" => c with { FromAddress = S() },
            "ses:FromDisplayName" => c with { FromDisplayName = S() },
            "ses:Recipients" => c with { Recipients = value.EnumerateArray().Select(x => x.GetString()!).ToList() },
            "ses:FeedbackAddress" => c with { FeedbackAddress = S() },
            "ses:ApiVersion" => c with { ApiVersion = S() },
            "aws:CurrentTime" => c with { CurrentTime = DateTimeOffset.Parse(S(), CultureInfo.InvariantCulture) },
            "aws:SecureTransport" => c with { SecureTransport = value.ValueKind == JsonValueKind.True || (value.ValueKind == JsonValueKind.String && S() == "true") },
            "aws:SourceIp" => c with { SourceIp = S() },
            "aws:UserAgent" => c with { UserAgent = S() },
            "aws:SourceAccount" => c with { SourceAccount = S() },
            "aws:SourceArn" => c with { SourceArn = S() },
            "aws:PrincipalOrgID" => c with { PrincipalOrgId = S() },
            "aws:PrincipalAccount" => c with { PrincipalAccount = S() },
            "aws:PrincipalArn" => c with { PrincipalArn = S() },
            "aws:PrincipalType" => c with { PrincipalType = S() },
            "sts:ExternalId" => c with { ExternalId = S() },
            "sts:RoleSessionName" => c with { RoleSessionName = S() },
            _ => throw new InvalidOperationException($"Unknown context key {key} in corpus"),
        };
    }
}
