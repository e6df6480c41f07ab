using SesConsole.Domain.Authorization;
using SesConsole.Domain.Policies;
using static SesConsole.Domain.Tests.Policies.TestPolicies;

namespace SesConsole.Domain.Tests.Authorization;

public sealed class PolicyEvaluatorTests
{
    private static readonly CompiledPolicySet Marketer = new([Resource("marketing", Document(
        Statement("AuthorizeMarketer", "Allow", """{"AWS": "123456789012"}""", "ses:SendEmail",
            """{"StringLike": {"ses:FromAddress": "marketing+.*@example.com"}}""")))]);

    [Fact]
    public void Explain_P1LiteralDot_DescribesWhyInOneSentence()
    {
        var request = Request("arn:aws:iam::123456789012:user/Alice", context: new RequestContext { FromAddress = "marketing+news@example.com" });

        var explanation = PolicyEvaluator.Explain(request, Marketer);

        Assert.Equal(Decision.ImplicitDeny, explanation.Decision.Decision);
        var statement = Assert.Single(explanation.Statements);
        Assert.Equal(
            "Statement `AuthorizeMarketer` did not apply: ses:FromAddress `marketing+news@example.com` does not match `marketing+.*@example.com` — in StringLike `.` is a literal dot",
            statement.Describe());
        var condition = Assert.Single(statement.Conditions);
        Assert.Equal(("StringLike", "ses:FromAddress", ConditionOutcome.NotSatisfied), (condition.Operator, condition.Key, condition.Outcome));
        Assert.Equal(["marketing+news@example.com"], condition.RequestValues!);
        Assert.Equal(["marketing+.*@example.com"], condition.PolicyValues);
    }

    [Fact]
    public void Explain_Applied_SaysItAllows()
    {
        var request = Request("arn:aws:iam::123456789012:user/Alice", context: new RequestContext { FromAddress = "marketing+.x@example.com" });

        var statement = Assert.Single(PolicyEvaluator.Explain(request, Marketer).Statements);

        Assert.Equal(StatementOutcome.Applied, statement.Outcome);
        Assert.Equal("Statement `AuthorizeMarketer` allows the request: principal, action and resource match and its condition holds", statement.Describe());
    }

    [Fact]
    public void Explain_PrincipalMismatch_SaysSo()
    {
        var statement = Assert.Single(PolicyEvaluator.Explain(Request("arn:aws:iam::111122223333:user/John"), Marketer).Statements);

        Assert.False(statement.PrincipalMatched);
        Assert.Equal("Statement `AuthorizeMarketer` did not apply: the principal `arn:aws:iam::111122223333:user/John` is not named in its Principal", statement.Describe());
    }

    [Fact]
    public void Explain_MissingKey_SaysAbsent()
    {
        var statement = Assert.Single(PolicyEvaluator.Explain(Request("arn:aws:iam::123456789012:user/Alice"), Marketer).Statements);

        Assert.Contains("ses:FromAddress is absent from the request", statement.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_CompiledPolicies_AllocatesNothing()
    {
        var policies = new CompiledPolicySet([Resource("p", Document(
            Statement("Deny", "Deny", """{"AWS": "123456789012"}""", "ses:SendRawEmail", """{"Bool": {"aws:SecureTransport": "false"}}"""),
            Statement("Allow", "Allow", """{"AWS": ["111122223333", "123456789012"]}""", "ses:Send*",
                """{"StringLike": {"ses:FromAddress": "*@example.com"}, "ForAllValues:StringLike": {"ses:Recipients": "*@example.com"}, "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"""),
            Statement("Other", "Allow", """{"AWS": "arn:aws:iam::111122223333:user/John"}""", "ses:SendEmail")))]);
        var request = Request("arn:aws:sts::123456789012:assumed-role/Sender/s", "ses:SendEmail", new RequestContext
        {
            FromAddress = "a@example.com",
            Recipients = ["x@example.com", "y@example.com"],
            SourceIp = "10.1.2.3",
            SecureTransport = true,
            CurrentTime = DateTimeOffset.UnixEpoch,
        });
        Assert.Equal(Decision.Allow, PolicyEvaluator.Decide(request, policies).Decision);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            PolicyEvaluator.Decide(request, policies);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Evaluate_TimeComesFromContext_NotTheClock()
    {
        var window = new CompiledPolicySet([Resource("w", Document(Statement("Window", "Allow", "\"*\"", "ses:SendEmail",
            """{"DateGreaterThan": {"aws:CurrentTime": "2021-08-31T12:00Z"}, "DateLessThan": {"aws:CurrentTime": "2021-10-01T12:00Z"}}""")))]);
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2021, 9, 1, 0, 0, 0, TimeSpan.Zero));

        var inside = PolicyEvaluator.Decide(Request("arn:aws:iam::123456789012:root", context: new RequestContext { CurrentTime = time.GetUtcNow() }), window);
        time.Advance(TimeSpan.FromDays(60));
        var after = PolicyEvaluator.Decide(Request("arn:aws:iam::123456789012:root", context: new RequestContext { CurrentTime = time.GetUtcNow() }), window);

        Assert.Equal((Decision.Allow, Decision.ImplicitDeny), (inside.Decision, after.Decision));
    }
}

public sealed class ConditionExplanationTests
{
    [Theory]
    [InlineData("""{"StringNotLike": {"ses:FeedbackAddress": "*@evil.com"}}""", "a negated operator is true when the key is absent")]
    [InlineData("""{"StringEqualsIfExists": {"ses:FeedbackAddress": "a@example.com"}}""", "IfExists makes an absent key true")]
    [InlineData("""{"ForAllValues:StringLike": {"ses:Recipients": "*@example.com"}}""", "ForAllValues is true when the key is absent")]
    [InlineData("""{"ForAnyValue:StringLike": {"ses:Recipients": "*@example.com"}}""", "ForAnyValue is false when the key is absent")]
    [InlineData("""{"StringEquals": {"ses:FeedbackAddress": "a@example.com"}}""", "a positive operator is false when the key is absent")]
    [InlineData("""{"StringLike": {"ses:Recipients": "*@example.com"}}""", "a plain operator on ses:Recipients is treated as ForAnyValue")]
    public void Explain_AbsentKey_NamesTheRuleThatDecided(string condition, string note)
    {
        var set = new CompiledPolicySet([Resource("p", Document(Statement("S", "Deny", "\"*\"", "ses:SendEmail", condition)))]);

        var explanation = PolicyEvaluator.Explain(Request("arn:aws:iam::123456789012:root"), set);

        Assert.Contains(note, Assert.Single(Assert.Single(explanation.Statements).Conditions).Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_TypeError_StatementSkippedAndSaysSo()
    {
        var set = new CompiledPolicySet([Resource("p", Document(Statement("Ip", "Allow", "\"*\"", "ses:SendEmail",
            """{"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}""")))]);

        var explanation = PolicyEvaluator.Explain(Request("arn:aws:iam::123456789012:root", context: new RequestContext { SourceIp = "nope" }), set);

        var statement = Assert.Single(explanation.Statements);
        Assert.Equal(StatementOutcome.Error, statement.Outcome);
        Assert.Equal("Statement `Ip` was skipped because it could not be evaluated: aws:SourceIp `nope` cannot be compared with IpAddress `10.0.0.0/8`", statement.Describe());
        Assert.Equal("Ip", Assert.Single(explanation.Decision.Errors).Statement.Sid);
    }
}
