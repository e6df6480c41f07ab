using SesConsole.Domain.Authorization;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Sending;
using SesConsole.Domain.Tests.Policies;
using static SesConsole.Domain.Tests.Sending.SendWorld;

namespace SesConsole.Domain.Tests.Sending;

public sealed class SendPipelineTests
{
    [Fact]
    public void Steps_AreTheNineInOrder()
    {
        Assert.Equal(["caller", "message", "identities", "authorization", "sandbox", "configuration-set", "account", "accept", "recipients"],
            new SendWorld().Pipeline.Steps.Select(s => s.Name));
    }

    [Fact]
    public async Task Run_OwnerSendsAsItself_AcceptedWithOwnSourceArn()
    {
        var world = new SendWorld();

        var outcome = await world.Run(Simple(Root(Owner), "sender@example.com", null, "to@example.org"));

        Assert.True(outcome.IsAccepted, outcome.Rejection?.Error.ToString());
        Assert.Equal(OwnerDomainArn, outcome.Accepted!.SourceArn);
        Assert.Equal(Owner, outcome.Accepted.SendingAccountId);
        Assert.Equal("root", outcome.Accepted.CallerIdentity);
        Assert.All(outcome.Trace, t => Assert.Equal(StepStatus.Passed, t.Status));
        Assert.Equal(["to@example.org"], outcome.Accepted.TransportRecipients);
    }

    [Fact]
    public async Task Run_CrossAccountAllowed_ChargesTheDelegate()
    {
        var world = new SendWorld();

        var outcome = await world.Run(Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org", "cc@example.org"));

        Assert.True(outcome.IsAccepted);
        Assert.Equal(DelegateAccount, outcome.Accepted!.SendingAccountId);
        Assert.Equal(OwnerDomainArn, outcome.Accepted.SourceArn);
        Assert.Equal(Owner, outcome.Accepted.IdentityOwnerAccountId);
        Assert.Equal(2, world.Quota.Reserved);
        Assert.True(outcome.Accepted.Dkim.Sign);
        Assert.Equal(OwnerDomainArn, outcome.Accepted.Dkim.KeyIdentityArn);
    }

    [Fact]
    public async Task Run_DelegateSideMissingAllow_RejectedAtAuthorizationWithTrace()
    {
        var world = new SendWorld();
        world.CallerPolicies.Policies.Clear();

        var outcome = await world.Run(Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org"));

        Assert.False(outcome.IsAccepted);
        Assert.Equal("authorization", outcome.Rejection!.Step);
        Assert.Equal("AccessDenied", outcome.Rejection.V1.Code);
        Assert.Equal(403, outcome.Rejection.V1.HttpStatus);
        Assert.Equal(
            [StepStatus.Passed, StepStatus.Passed, StepStatus.Passed, StepStatus.Stopped, StepStatus.NotRun, StepStatus.NotRun, StepStatus.NotRun, StepStatus.NotRun, StepStatus.NotRun],
            outcome.Trace.Select(t => t.Status));
        Assert.Contains("cross-account sends need an Allow on both sides", outcome.Trace[3].Summary, StringComparison.Ordinal);
        Assert.Equal(0, world.Quota.Reserved);
    }

    [Fact]
    public async Task Run_ExplicitDenyInOwnerPolicy_AccessDeniedEvenForRawWithV2Wording()
    {
        var world = new SendWorld();
        world.Identities.Identities[(Owner, Region)].Clear();
        world.Identities.Add(Identity(OwnerDomainArn, [world.GrantDelegate, TestPolicies.Resource("deny-raw", TestPolicies.Document(
            TestPolicies.Statement("NoRaw", "Deny", """{"AWS": "123456789012"}""", "ses:SendRawEmail")))]));
        var request = Raw(Alice, "From: sender@example.com\nTo: to@example.org", SendApi.V2Raw) with { FromArn = OwnerDomainArn };

        var outcome = await world.Run(request);

        Assert.Equal("authorization", outcome.Rejection!.Step);
        var check = Assert.Single(outcome.Authorizations);
        Assert.Equal(Decision.ExplicitDeny, check.Result.Decision);
        Assert.Equal("NoRaw", Assert.Single(check.Result.ResourceSide.Reasons).Sid);
        Assert.Equal(new WireError("AccessDeniedException", 403,
            $"User '{AliceArn}' is not authorized to perform 'ses:SendRawEmail' on resource '{OwnerDomainArn}'"), outcome.Rejection.V2);
    }

    [Fact]
    public async Task Run_UnverifiedIdentity_MessageRejected()
    {
        var world = new SendWorld();

        var outcome = await world.Run(Simple(Alice, "sender@unverified.example", null, "to@example.org"));

        Assert.Equal("identities", outcome.Rejection!.Step);
        Assert.Equal(new WireError("MessageRejected", 400,
            "Email address is not verified. The following identities failed the check in region US-EAST-1: sender@unverified.example"), outcome.Rejection.V1);
    }

    [Fact]
    public async Task Run_WrongRegion_Rejected()
    {
        var world = new SendWorld();
        var request = Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org") with { Region = "eu-west-1" };

        var outcome = await world.Run(request);

        Assert.Equal("identities", outcome.Rejection!.Step);
        Assert.Contains("in region EU-WEST-1: sender@example.com", outcome.Rejection.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ParameterArnWinsOverHeader()
    {
        var world = new SendWorld();
        var request = Raw(Alice, """
            From: sender@example.com
            To: to@example.org
            X-SES-SOURCE-ARN: arn:aws:ses:us-east-1:888888888888:identity/not-mine.example
            X-SES-FROM-ARN: arn:aws:ses:us-east-1:888888888888:identity/not-mine.example
            """) with { SourceArn = OwnerDomainArn, FromArn = OwnerDomainArn };

        var outcome = await world.Run(request);

        Assert.True(outcome.IsAccepted, outcome.Rejection?.Error.ToString());
        Assert.Equal(["X-SES-SOURCE-ARN", "X-SES-FROM-ARN"], outcome.Accepted!.HeadersToRemove);
    }

    [Fact]
    public async Task Run_FirstHeaderWins()
    {
        var world = new SendWorld();
        var first = Raw(Alice, $"""
            From: sender@example.com
            To: to@example.org
            X-SES-SOURCE-ARN: {OwnerDomainArn}
            X-SES-SOURCE-ARN: arn:aws:ses:us-east-1:888888888888:identity/not-mine.example
            """);
        var second = Raw(Alice, $"""
            From: sender@example.com
            To: to@example.org
            X-SES-SOURCE-ARN: arn:aws:ses:us-east-1:888888888888:identity/not-mine.example
            X-SES-SOURCE-ARN: {OwnerDomainArn}
            """);

        Assert.True((await world.Run(first)).IsAccepted);
        Assert.Equal("identities", (await world.Run(second)).Rejection!.Step);
    }

    [Fact]
    public async Task Run_SourceArnHeaderAlone_CoversFromAndReturnPath()
    {
        var world = new SendWorld();
        var request = Raw(Alice, $"""
            From: sender@example.com
            Return-Path: <bounces@example.com>
            To: to@example.org
            X-SES-SOURCE-ARN: {OwnerDomainArn}
            """);

        var outcome = await world.Run(request);

        Assert.True(outcome.IsAccepted, outcome.Rejection?.Error.ToString());
        Assert.Equal(OwnerDomainArn, outcome.Accepted!.ReturnPathIdentityArn);
        Assert.Equal("bounces@example.com", outcome.Accepted.FeedbackForwardingAddress);
    }

    [Fact]
    public async Task Run_OwnerInSandbox_DelegateCannotReachUnverified_SimulatorOk()
    {
        var world = new SendWorld();
        world.Accounts.Set(Owner, sandbox: true);

        var blocked = await world.Run(Simple(Alice, "sender@example.com", OwnerDomainArn, "stranger@example.org"));
        var simulator = await world.Run(Simple(Alice, "sender@example.com", OwnerDomainArn, "success@simulator.amazonses.com"));

        Assert.Equal("sandbox", blocked.Rejection!.Step);
        Assert.Equal("MessageRejected", blocked.Rejection.V1.Code);
        Assert.True(simulator.IsAccepted);
    }

    [Fact]
    public async Task Run_PausedAccount_V1AndV2Codes()
    {
        var world = new SendWorld();
        world.Accounts.Set(DelegateAccount, status: AccountSendingStatus.Paused);

        var outcome = await world.Run(Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org"));

        Assert.Equal("account", outcome.Rejection!.Step);
        Assert.Equal("AccountSendingPausedException", outcome.Rejection.V1.Code);
        Assert.Equal("SendingPausedException", outcome.Rejection.V2.Code);
    }

    [Fact]
    public async Task Run_QuotaExceeded_AfterExactlyTheQuota()
    {
        var world = new SendWorld();
        world.Quota.Max24HourSend = 3;
        world.Quota.MaxSendRate = 1000;
        var request = Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org");

        var outcomes = new List<SendOutcome>();
        for (var i = 0; i < 5; i++)
        {
            outcomes.Add(await world.Run(request));
        }

        Assert.Equal(3, outcomes.Count(o => o.IsAccepted));
        var rejection = outcomes[3].Rejection!;
        Assert.Equal(new WireError("Throttling", 400, "Daily message quota exceeded."), rejection.V1);
        Assert.Equal(new WireError("LimitExceededException", 400, "Daily message quota exceeded."), rejection.V2);
        Assert.Equal("454 Throttling failure: Daily message quota exceeded", rejection.Smtp.Message);
    }

    [Fact]
    public async Task Run_QuotaIsExactUnderConcurrency()
    {
        var world = new SendWorld();
        world.Quota.Max24HourSend = 100;
        world.Quota.MaxSendRate = 1_000_000;
        var pipeline = world.Pipeline;
        var request = Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => Task.Run(() => pipeline.RunAsync(request), TestContext.Current.CancellationToken)));

        Assert.Equal(100, outcomes.Count(o => o.IsAccepted));
        Assert.Equal(100, world.Quota.Reserved);
    }

    [Fact]
    public async Task Run_RateExceeded_V2IsTooManyRequests429()
    {
        var world = new SendWorld();
        world.Quota.MaxSendRate = 1;
        var request = Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org");

        await world.Run(request);
        var outcome = await world.Run(request);

        Assert.Equal(new WireError("TooManyRequestsException", 429, "Maximum sending rate exceeded."), outcome.Rejection!.V2);
        Assert.Equal("454 Throttling failure: Maximum sending rate exceeded", outcome.Rejection.Smtp.Message);
    }

    [Fact]
    public async Task Run_SimulatorAndSuppression_Dispositions()
    {
        var world = new SendWorld();
        world.Quota.Max24HourSend = 1;
        world.Suppression.Entries[(DelegateAccount, "gone@example.org")] = SuppressionReason.Complaint;

        var outcome = await world.Run(Simple(Alice, "sender@example.com", OwnerDomainArn,
            "gone@example.org", "bounce@simulator.amazonses.com", "complaint@simulator.amazonses.com"));

        Assert.True(outcome.IsAccepted, outcome.Rejection?.Error.ToString());
        Assert.Equal(1, world.Quota.Reserved);
        Assert.Empty(outcome.Accepted!.TransportRecipients);
        Assert.Equal([RecipientOutcome.SuppressedOnAccount, RecipientOutcome.SimulatedBounce, RecipientOutcome.SimulatedComplaint],
            outcome.Accepted.Recipients.Select(r => r.Outcome));
    }

    [Fact]
    public async Task Run_MailFromRejected_ReleasesTheReservation()
    {
        var world = new SendWorld();
        world.Identities.Identities[(Owner, Region)].Clear();
        world.Identities.Add(Identity(OwnerDomainArn, [world.GrantDelegate],
            mailFrom: new MailFromSetting("mail.example.com", VerificationStatus.Failed, MailFromFailureBehavior.RejectMessage)));

        var outcome = await world.Run(Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org"));

        Assert.Equal("accept", outcome.Rejection!.Step);
        Assert.Equal("MailFromDomainNotVerifiedException", outcome.Rejection.V1.Code);
        Assert.Equal(0, world.Quota.Reserved);
    }

    [Fact]
    public async Task Run_PassedStepsSentences_AreWrittenFromTheContextWhenRead()
    {
        // docs/send-pipeline.md#the-trace: written on first read, the same text as before, for accepted and rejected runs.
        var world = new SendWorld();
        var accepted = await world.Run(Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org", "success@simulator.amazonses.com"));
        world.CallerPolicies.Policies.Clear();
        var rejected = await world.Run(Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org"));

        var sentences = accepted.Trace.ToDictionary(t => t.Step, t => t.Summary);
        Assert.StartsWith($"IAM user {Alice.Principal.Arn}; sending account {DelegateAccount}; ", sentences["caller"], StringComparison.Ordinal);
        Assert.StartsWith("From sender@example.com; Source sender@example.com; Return-Path none; 2 recipient(s); ", sentences["message"], StringComparison.Ordinal);
        Assert.Contains($"→ {OwnerDomainArn}", sentences["identities"], StringComparison.Ordinal);
        Assert.Equal($"1 check(s) allowed: ses:SendEmail on {OwnerDomainArn}.", sentences["authorization"]);
        Assert.Contains("this message charges 1 to the quota and 2 to the rate", sentences["account"], StringComparison.Ordinal);
        Assert.StartsWith($"Accepted as {accepted.Accepted!.MessageId}; MAIL FROM ", sentences["accept"], StringComparison.Ordinal);
        Assert.Equal("1 Deliver, 1 SimulatedDelivery.", sentences["recipients"]);
        Assert.StartsWith("From sender@example.com;", rejected.Trace.Single(t => t.Step == "message").Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_DryRun_EvaluatesEverythingWithoutReserving()
    {
        var world = new SendWorld();

        var outcome = await world.Run(Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org") with { DryRun = true, Explain = true });

        Assert.True(outcome.IsAccepted);
        Assert.True(outcome.DryRun);
        Assert.Equal(0, world.Quota.Reserved);
        Assert.NotNull(outcome.Trace[3].Details);
        Assert.StartsWith("Would accept", outcome.Trace[7].Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_DomainPolicyAllowsButAddressPolicyMoreSpecific_AddressPolicyDecides()
    {
        var world = new SendWorld();
        const string addressArn = "arn:aws:ses:us-east-1:888888888888:identity/ceo@example.com";
        world.Identities.Add(Identity(addressArn, [PolicyFor(addressArn, "only-other", $$"""
            {"Version": "2012-10-17", "Statement": [{"Sid": "OtherAccount", "Effect": "Allow", "Principal": {"AWS": "999999999999"},
             "Action": "ses:SendEmail", "Resource": "{{addressArn}}"}]}
            """)]));

        var ceo = await world.Run(Simple(Alice, "ceo@example.com", OwnerDomainArn, "to@example.org"));
        var other = await world.Run(Simple(Alice, "news@example.com", OwnerDomainArn, "to@example.org"));

        Assert.Equal("authorization", ceo.Rejection!.Step);
        Assert.Equal(addressArn, ceo.Authorizations[0].PolicyIdentity);
        Assert.True(other.IsAccepted);
    }

    [Fact]
    public async Task Run_ServicePrincipalWithSourceConditions_Allowed()
    {
        var world = new SendWorld();
        world.Identities.Identities[(Owner, Region)].Clear();
        world.Identities.Add(Identity(OwnerDomainArn, [TestPolicies.Resource("cognito", TestPolicies.Document(
            TestPolicies.Statement("AuthorizeService", "Allow", """{"Service": "cognito-idp.amazonaws.com"}""", "ses:SendEmail",
                """{"StringEquals": {"aws:SourceAccount": "888888888888"}}""")))]));
        var cognito = new SendCaller(RequestPrincipal.ForService("cognito-idp.amazonaws.com"), SourceAccount: Owner);

        var outcome = await world.Run(Simple(cognito, "no-reply@example.com", OwnerDomainArn, "user@example.org"));

        Assert.True(outcome.IsAccepted, outcome.Rejection?.Error.ToString());
        Assert.Equal("cognito-idp.amazonaws.com", outcome.Accepted!.CallerIdentity);
    }
}

public sealed class SendPipelineFailureTests
{
    private sealed class BrokenSuppressionList : ISuppressionList
    {
        public ValueTask<IReadOnlyDictionary<string, SuppressionReason>> FindAsync(string account, string region, IReadOnlyList<string> addresses, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("database down");
    }

    [Fact]
    public async Task Run_PortFailsAfterReservation_ReleasesAndRethrows()
    {
        var world = new SendWorld();
        var pipeline = new SendPipeline(world.Ports with { Suppression = new BrokenSuppressionList() }, world.Options);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            pipeline.RunAsync(Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org"), TestContext.Current.CancellationToken));

        Assert.Equal(0, world.Quota.Reserved);
    }
}
