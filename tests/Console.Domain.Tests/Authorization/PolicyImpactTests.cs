using SesConsole.Domain.Authorization;
using SesConsole.Domain.Policies;
using SesConsole.Domain.Principals;
using static SesConsole.Domain.Tests.Policies.TestPolicies;

namespace SesConsole.Domain.Tests.Authorization;

public sealed class PolicyImpactTests
{
    private const string Alice = "arn:aws:iam::123456789012:user/Alice";
    private const string Jane = "arn:aws:iam::444455556666:user/Jane";
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private static readonly CompiledPolicySet GrantBoth = Set(Document(
        Statement("Agency", "Allow", """{"AWS": "123456789012"}""", "ses:SendEmail"),
        Statement("Partner", "Allow", """{"AWS": "444455556666"}""", "ses:SendEmail")));

    private static readonly CompiledPolicySet GrantAgencyOnly = Set(Document(
        Statement("Agency", "Allow", """{"AWS": "123456789012"}""", "ses:SendEmail")));

    private static CompiledPolicySet Set(string json) => new([Resource("draft", json)]);

    private static ReplayAttempt Attempt(string caller, CompiledPolicySet before, CompiledPolicySet after, string from = "news@example.com",
        RecordedCallerSide side = RecordedCallerSide.Allow, int minutes = 0) =>
        new(T0.AddMinutes(minutes), RequestPrincipal.ForArn(PrincipalArn.Parse(caller).GetValueOrThrow()),
            new RequestContext { FromAddress = from, Recipients = ["a@x.test"], CurrentTime = T0.AddMinutes(minutes), SecureTransport = true },
            [new RecordedCheck("ses:SendEmail", null, false, Decision.Allow, side)], true,
            new ReplayScope(IdentityText, before, IdentityText, after), $"m{minutes}");

    [Fact]
    public void Replay_RevokingOneDelegate_CountsItsSendsAsNowDeniedWithTheExplanation()
    {
        var attempts = Enumerable.Range(0, 5).Select(i => Attempt(Jane, GrantBoth, GrantAgencyOnly, minutes: i))
            .Concat(Enumerable.Range(0, 3).Select(i => Attempt(Alice, GrantBoth, GrantAgencyOnly, minutes: i))).ToList();

        var report = PolicyImpact.Replay(attempts);

        Assert.Equal(8, report.Replayed);
        var group = Assert.Single(report.Groups);
        Assert.Equal(ImpactDirection.NowDenied, group.Direction);
        Assert.Equal(Jane, group.Sender);
        Assert.Equal("news@example.com", group.FromAddress);
        Assert.Equal(5, group.Count);
        Assert.Equal(T0.AddMinutes(4), group.Latest);
        Assert.Equal(PolicyImpact.ExamplesPerGroup, group.Examples.Count);
        Assert.StartsWith("Owner's policies: Implicitly denied", group.Examples[0].Explanation, StringComparison.Ordinal);
        Assert.Contains("kept as recorded", group.Examples[0].Explanation, StringComparison.Ordinal);
        Assert.Equal(5, report.NowDenied);
        Assert.Equal(0, report.NowAllowed);
    }

    [Fact]
    public void Replay_AddingAnAllow_FlipsDeniedSendsToAllowed()
    {
        var report = PolicyImpact.Replay([Attempt(Jane, GrantAgencyOnly, GrantBoth), Attempt(Jane, GrantAgencyOnly, GrantBoth, minutes: 1)]);

        var group = Assert.Single(report.Groups);
        Assert.Equal(ImpactDirection.NowAllowed, group.Direction);
        Assert.Equal(2, group.Count);
        Assert.Contains("Statement `Partner` allows the request", group.Examples[0].Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_SamePolicies_ReportsNoChange()
    {
        var report = PolicyImpact.Replay([Attempt(Jane, GrantBoth, GrantBoth), Attempt(Alice, GrantBoth, GrantBoth)]);

        Assert.False(report.HasChanges);
        Assert.Equal(2, report.Replayed);
    }

    [Fact]
    public void Replay_CallerSideDeniedAsRecorded_StaysDeniedWhateverTheDraft()
    {
        var report = PolicyImpact.Replay([Attempt(Jane, GrantAgencyOnly, GrantBoth, side: RecordedCallerSide.NoAllow)]);

        Assert.False(report.HasChanges);
    }

    [Fact]
    public void Replay_DraftAddsADenyOnAFromAddress_GroupsByFromAddress()
    {
        var withDeny = Set(Document(
            Statement("Agency", "Allow", """{"AWS": "123456789012"}""", "ses:SendEmail"),
            Statement("NoCeo", "Deny", """{"AWS": "123456789012"}""", "ses:SendEmail", """{"StringEquals": {"ses:FromAddress": "ceo@example.com"}}""")));

        var report = PolicyImpact.Replay([Attempt(Alice, GrantAgencyOnly, withDeny, "ceo@example.com"), Attempt(Alice, GrantAgencyOnly, withDeny, "news@example.com")]);

        var group = Assert.Single(report.Groups);
        Assert.Equal("ceo@example.com", group.FromAddress);
        Assert.Contains("Explicitly denied by draft/NoCeo", group.Examples[0].Explanation, StringComparison.Ordinal);
        Assert.Contains("Statement `NoCeo` denies the request", group.Examples[0].Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_OwnerRootSendingAsItself_IsAllowedWithoutPolicyUnlessDenied()
    {
        var ownerRoot = "arn:aws:iam::888888888888:root";
        var denyAll = Set(Document(Statement("Stop", "Deny", """{"AWS": "888888888888"}""", "ses:SendEmail")));

        var unchanged = PolicyImpact.Replay([Attempt(ownerRoot, GrantBoth, CompiledPolicySet.Empty, side: RecordedCallerSide.AccountRoot)]);
        var denied = PolicyImpact.Replay([Attempt(ownerRoot, GrantBoth, denyAll, side: RecordedCallerSide.AccountRoot)]);

        Assert.False(unchanged.HasChanges);
        Assert.Equal(ImpactDirection.NowDenied, Assert.Single(denied.Groups).Direction);
    }

    [Theory]
    [InlineData("ses:SendEmail: owner Allow by Agency, caller Allow", Decision.Allow, RecordedCallerSide.Allow, true)]
    [InlineData("ses:SendEmail: owner no Allow, caller Allow", Decision.ImplicitDeny, RecordedCallerSide.Allow, false)]
    [InlineData("ses:SendRawEmail: owner Deny by #2, caller no Allow", Decision.ExplicitDeny, RecordedCallerSide.NoAllow, false)]
    [InlineData("ses:SendEmail: owner Allow by p/A, caller Allow (account root)", Decision.Allow, RecordedCallerSide.AccountRoot, true)]
    [InlineData("ses:SendEmail: owner Allow by A", Decision.Allow, RecordedCallerSide.None, true)]
    public void Parse_ReadsEachSideOfTheDecisionLine(string line, Decision owner, RecordedCallerSide caller, bool allowed)
    {
        var check = Assert.Single(RecordedCheck.Parse(line));

        Assert.Equal(owner, check.OwnerSide);
        Assert.Equal(caller, check.CallerSide);
        Assert.Equal(allowed, check.Allowed);
    }

    [Fact]
    public void Parse_SeveralIdentities_KeepsTheIdentityName()
    {
        var checks = RecordedCheck.Parse("ses:SendEmail example.com: owner Allow by A, caller Allow\nses:SendEmail other.com: owner not needed (own identity), caller Allow (account root)");

        Assert.Equal(["example.com", "other.com"], checks.Select(c => c.IdentityName));
        Assert.True(checks[1].OwnerAsItself);
        Assert.True(checks[1].Allowed);
    }

    [Fact]
    public void StoredContext_RoundTripsARejectedAttemptAndCompletesAnAcceptedOneFromItsMail()
    {
        var context = new RequestContext
        {
            FromAddress = "news@example.com", FromDisplayName = "News", FeedbackAddress = "bounce@example.com", Recipients = ["a@x.test", "b@y.test"],
            ApiVersion = "1", SecureTransport = false, SourceIp = "203.0.113.7", SourceAccount = "123456789012",
        };

        var rejected = StoredRequestContext.Read(StoredRequestContext.Serialize(context, accepted: false), T0, null, null)!;
        var acceptedText = StoredRequestContext.Serialize(context with { ApiVersion = "2", SecureTransport = true, FromDisplayName = null, FeedbackAddress = null, SourceAccount = null }, accepted: true);
        var accepted = StoredRequestContext.Read(acceptedText, T0, "news@example.com", """{"sourceIp":"198.51.100.1","destination":["c@z.test"]}""")!;

        Assert.Equal(context with { CurrentTime = T0 }, rejected with { Recipients = context.Recipients });
        Assert.Equal(["a@x.test", "b@y.test"], rejected.Recipients);
        Assert.Equal("{}", acceptedText);
        Assert.Equal("news@example.com", accepted.FromAddress);
        Assert.Equal(["c@z.test"], accepted.Recipients);
        Assert.Equal("198.51.100.1", accepted.SourceIp);
        Assert.True(accepted.SecureTransport);
        Assert.Equal("2", accepted.ApiVersion);
        Assert.Null(StoredRequestContext.Read(null, T0, "x@y", null));
    }
}
