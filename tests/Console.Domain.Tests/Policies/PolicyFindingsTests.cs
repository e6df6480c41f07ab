using SesConsole.Domain.Authorization;
using SesConsole.Domain.Policies;
using SesConsole.Domain.Principals;
using static SesConsole.Domain.Tests.Policies.TestPolicies;

namespace SesConsole.Domain.Tests.Policies;

public sealed class PolicyFindingsTests
{
    private const string FromCondition = """{"StringLike": {"ses:FromAddress": "news@example.com"}}""";

    private static IReadOnlyList<PolicyFinding> Analyze(string json, IPrincipalDirectory? directory = null,
        IReadOnlyDictionary<StatementReference, StatementUsage>? usage = null, int window = 0) =>
        PolicyFindings.Analyze([Resource("p", json)], directory ?? FakePrincipalDirectory.Standard(), usage, window);

    [Fact]
    public void OpenPrincipalWithoutCondition_IsHigh_AndPointsAtTheStatementLine()
    {
        var findings = Analyze(Document(Statement("Everyone", "Allow", "\"*\"", "ses:SendEmail")));

        var f = Assert.Single(findings, f => f.Kind == FindingKind.OpenPrincipal);
        Assert.Equal(FindingSeverity.High, f.Severity);
        Assert.Equal("Everyone", f.StatementLabel);
        Assert.Equal(1, f.Line);
        Assert.DoesNotContain(findings, x => x.Kind == FindingKind.UnconditionedAllow);
    }

    [Fact]
    public void OpenPrincipalLimitedOnlyByOrganization_IsOrganizationWide()
    {
        var findings = Analyze(Document(Statement("Org", "Allow", """{"AWS": "*"}""", "ses:SendEmail", """{"StringEquals": {"aws:PrincipalOrgID": "o-abc123def4"}}""")));

        Assert.Equal(FindingSeverity.Medium, Assert.Single(findings, f => f.Kind == FindingKind.OrganizationWide).Severity);
        Assert.DoesNotContain(findings, f => f.Kind == FindingKind.OpenPrincipal);
    }

    [Fact]
    public void PlainDelegateGrant_IsInfo_AndAConditionedOneHasNoFinding()
    {
        var plain = Analyze(Document(Statement("Agency", "Allow", """{"AWS": "123456789012"}""", "ses:SendEmail")));
        var conditioned = Analyze(Document(Statement("Agency", "Allow", """{"AWS": "123456789012"}""", "ses:SendEmail", FromCondition)));

        Assert.Equal(FindingSeverity.Info, Assert.Single(plain).Severity);
        Assert.Equal(FindingKind.UnconditionedAllow, Assert.Single(plain).Kind);
        Assert.Empty(conditioned);
    }

    [Fact]
    public void PrincipalMissingFromTheDirectory_IsReportedWithItsName()
    {
        var directory = new FakePrincipalDirectory(["123456789012"]);

        var findings = Analyze(Document(Statement("Gone", "Allow", """{"AWS": ["123456789012", "arn:aws:iam::444455556666:user/Jane"]}""", "ses:SendEmail", FromCondition)), directory);

        var f = Assert.Single(findings);
        Assert.Equal(FindingKind.MissingPrincipal, f.Kind);
        Assert.Equal(FindingSeverity.Medium, f.Severity);
        Assert.Contains("arn:aws:iam::444455556666:user/Jane", f.Why, StringComparison.Ordinal);
        Assert.DoesNotContain("`123456789012`", f.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void ManagementActions_AreUnusableOnAnIdentity()
    {
        var findings = Analyze(Document(Statement("Manage", "Allow", """{"AWS": "123456789012"}""", "ses:GetEmailIdentity", FromCondition)));

        var f = Assert.Single(findings);
        Assert.Equal(FindingKind.UnusableAction, f.Kind);
        Assert.Equal(FindingSeverity.Medium, f.Severity);
        Assert.Contains("ses:GetEmailIdentity", f.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void AllowCancelledByAnUnconditionalDeny_IsMedium_AndAConditionalOverlapIsInfo()
    {
        var cancelled = Analyze(Document(
            Statement("Agency", "Allow", """{"AWS": "arn:aws:iam::123456789012:user/Alice"}""", "ses:SendEmail", FromCondition),
            Statement("NoAgency", "Deny", """{"AWS": "123456789012"}""", "ses:Send*")));
        var carved = Analyze(Document(
            Statement("Agency", "Allow", """{"AWS": "123456789012"}""", "ses:SendEmail", FromCondition),
            Statement("NoInsecure", "Deny", """{"AWS": "123456789012"}""", "ses:SendEmail", """{"Bool": {"aws:SecureTransport": "false"}}""")));

        var f = Assert.Single(cancelled, x => x.Kind == FindingKind.OverlapsDeny);
        Assert.Equal(FindingSeverity.Medium, f.Severity);
        Assert.Equal("Agency", f.StatementLabel);
        Assert.Equal(FindingSeverity.Info, Assert.Single(carved, x => x.Kind == FindingKind.OverlapsDeny).Severity);
    }

    [Fact]
    public void Usage_FindsUnusedAndShadowedAllows_FromReplayedAttempts()
    {
        var policy = Resource("p", Document(
            Statement("Agency", "Allow", """{"AWS": "123456789012"}""", "ses:SendEmail"),
            Statement("Partner", "Allow", """{"AWS": "444455556666"}""", "ses:SendEmail"),
            Statement("Raw", "Allow", """{"AWS": "123456789012"}""", "ses:SendRawEmail"),
            Statement("NoRawFromNews", "Deny", """{"AWS": "123456789012"}""", "ses:SendRawEmail", FromCondition)));
        var set = new CompiledPolicySet([policy]);
        var alice = RequestPrincipal.ForArn(PrincipalArn.Parse("arn:aws:iam::123456789012:user/Alice").GetValueOrThrow());
        var scope = new ReplayScope(IdentityText, set, IdentityText, set);
        ReplayAttempt Send(string action) => new(DateTimeOffset.UnixEpoch, alice, new RequestContext { FromAddress = "news@example.com" },
            [new RecordedCheck(action, null, false, Decision.Allow, RecordedCallerSide.Allow)], true, scope);

        var usage = PolicyFindings.Usage([Send("ses:SendEmail"), Send("ses:SendRawEmail")], IdentityText, set);
        var findings = PolicyFindings.Analyze([policy], FakePrincipalDirectory.Standard(), usage, 2);

        Assert.Equal(new StatementUsage(1, 1), usage[new StatementReference("p", "Agency", 0)]);
        Assert.Equal("Partner", Assert.Single(findings, f => f.Kind == FindingKind.Unused).StatementLabel);
        Assert.Equal("Raw", Assert.Single(findings, f => f.Kind == FindingKind.Shadowed).StatementLabel);
        Assert.DoesNotContain(findings, f => f.Kind == FindingKind.Unused && f.StatementLabel == "NoRawFromNews");
    }

    [Fact]
    public void NoAttemptsInTheWindow_MakesNoUsageFindings()
    {
        var findings = Analyze(Document(Statement("Agency", "Allow", """{"AWS": "123456789012"}""", "ses:SendEmail", FromCondition)),
            usage: new Dictionary<StatementReference, StatementUsage> { [new StatementReference("p", "Agency", 0)] = new(0, 0) }, window: 0);

        Assert.Empty(findings);
    }
}
