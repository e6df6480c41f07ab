using SesConsole.Domain.Authorization;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Sending;
using SesConsole.Domain.Sending.Steps;
using static SesConsole.Domain.Tests.Sending.SendWorld;

namespace SesConsole.Domain.Tests.Sending;

public sealed class ValidateCallerStepTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_IamUser_ChargesItsOwnAccount()
    {
        var world = new SendWorld();
        var context = world.Context(Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org"));

        var result = await new ValidateCallerStep().RunAsync(context, Ct);

        Assert.True(result.IsContinue);
        Assert.Equal(DelegateAccount, context.SendingAccountId);
    }

    [Fact]
    public async Task Run_ServiceWithSourceAccount_ChargesTheSourceAccount()
    {
        var world = new SendWorld();
        var cognito = new SendCaller(RequestPrincipal.ForService("cognito-idp.amazonaws.com"), SourceAccount: Owner,
            SourceArn: "arn:aws:cognito-idp:us-east-1:888888888888:userpool/us-east-1_EXAMPLE");
        var context = world.Context(Simple(cognito, "sender@example.com", OwnerDomainArn, "to@example.org"));

        var result = await new ValidateCallerStep().RunAsync(context, Ct);

        Assert.True(result.IsContinue);
        Assert.Equal(Owner, context.SendingAccountId);
    }

    [Fact]
    public async Task Run_ServiceWithoutSourceAccount_RejectsInvalidCaller()
    {
        var world = new SendWorld();
        var context = world.Context(Simple(new SendCaller(RequestPrincipal.ForService("cognito-idp.amazonaws.com")), "sender@example.com", OwnerDomainArn, "to@example.org"));

        var result = await new ValidateCallerStep().RunAsync(context, Ct);

        Assert.Equal(SendErrorKind.InvalidCaller, result.Error!.Kind);
    }
}

public sealed class ParseMessageStepTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(StepResult Result, SendContext Context)> Parse(SendRequest request, SendPipelineOptions? options = null)
    {
        var world = new SendWorld();
        if (options is not null)
        {
            world.Options = options;
        }

        var context = await world.ContextBefore(request, "message");
        return (await new ParseMessageStep().RunAsync(context, Ct), context);
    }

    [Fact]
    public async Task Run_SimpleWithDisplayName_FromIsSourceAndFeedbackAbsent()
    {
        var (result, context) = await Parse(Simple(Alice, "Marketing <news@example.com>", OwnerDomainArn, "a@example.org", "b@example.org"));

        Assert.True(result.IsContinue);
        var m = context.Message!;
        Assert.Equal("news@example.com", m.From.Address);
        Assert.Equal("Marketing", m.From.DisplayName);
        Assert.Null(m.FeedbackAddress);
        Assert.Equal("news@example.com", m.FeedbackForwardingAddress);
        Assert.Equal(["a@example.org", "b@example.org"], m.Recipients);
        Assert.Equal(ArnOrigin.DefaultedFromSource, m.FromArn.Origin);
        Assert.Equal(OwnerDomainArn, m.ReturnPathArn.Arn);
    }

    [Fact]
    public async Task Run_ParameterWinsOverHeader_AndFirstHeaderWins()
    {
        var request = Raw(Alice, """
            From: Sender <sender@example.com>
            To: to@example.org
            X-SES-SOURCE-ARN: arn:aws:ses:us-east-1:888888888888:identity/header-source.com
            X-SES-FROM-ARN: arn:aws:ses:us-east-1:888888888888:identity/first-from.com
            X-SES-FROM-ARN: arn:aws:ses:us-east-1:888888888888:identity/second-from.com
            X-SES-RETURN-PATH-ARN: arn:aws:ses:us-east-1:888888888888:identity/rp.com
            """) with { SourceArn = OwnerDomainArn };

        var (result, context) = await Parse(request);

        Assert.True(result.IsContinue);
        var m = context.Message!;
        Assert.Equal(new ArnChoice(OwnerDomainArn, ArnOrigin.Parameter), m.SourceArn);
        Assert.Equal(new ArnChoice("arn:aws:ses:us-east-1:888888888888:identity/first-from.com", ArnOrigin.Header), m.FromArn);
        Assert.Equal(new ArnChoice("arn:aws:ses:us-east-1:888888888888:identity/rp.com", ArnOrigin.Header), m.ReturnPathArn);
        Assert.Equal(["X-SES-SOURCE-ARN", "X-SES-FROM-ARN", "X-SES-RETURN-PATH-ARN"], m.HeadersToRemove);
    }

    [Fact]
    public async Task Run_V2FromArn_OverridesSourceAndFromHeaders()
    {
        var request = Raw(Alice, """
            From: sender@example.com
            To: to@example.org
            X-SES-SOURCE-ARN: arn:aws:ses:us-east-1:888888888888:identity/header-source.com
            X-SES-FROM-ARN: arn:aws:ses:us-east-1:888888888888:identity/header-from.com
            """, SendApi.V2Raw) with { FromArn = OwnerDomainArn };

        var (_, context) = await Parse(request);

        Assert.Equal(OwnerDomainArn, context.Message!.SourceArn.Arn);
        Assert.Equal(OwnerDomainArn, context.Message.FromArn.Arn);
    }

    [Fact]
    public async Task Run_HeadersIgnoredOnSimpleSends()
    {
        var (_, context) = await Parse(Simple(Alice, "sender@example.com", null, "to@example.org"));

        Assert.Equal(ArnChoice.Absent, context.Message!.SourceArn);
        Assert.Equal(ArnChoice.Absent, context.Message.FromArn);
    }

    [Fact]
    public async Task Run_RawWithReturnPathHeader_FeedsFeedbackAddressAndForwarding()
    {
        var (_, context) = await Parse(Raw(Alice, """
            From: sender@example.com
            Return-Path: <bounces@example.com>
            To: to@example.org
            """));

        Assert.Equal("bounces@example.com", context.Message!.FeedbackAddress);
        Assert.Equal("bounces@example.com", context.Message.FeedbackForwardingAddress);
    }

    [Fact]
    public async Task Run_DestinationsReplaceHeaderRecipients()
    {
        var (_, context) = await Parse(Raw(Alice, "From: sender@example.com\nTo: header@example.org") with { Destinations = ["env@example.org"] });

        Assert.Equal(["env@example.org"], context.Message!.Recipients);
    }

    [Fact]
    public async Task Run_FiftyOneRecipients_RejectsInvalidParameter()
    {
        var to = Enumerable.Range(0, 51).Select(i => $"r{i}@example.org").ToArray();

        var (result, _) = await Parse(Simple(Alice, "sender@example.com", OwnerDomainArn, to));

        Assert.Equal(SendErrorKind.InvalidParameterValue, result.Error!.Kind);
        Assert.Equal("Recipient count exceeds 50.", result.Error.Message);
    }

    [Fact]
    public async Task Run_NoRecipient_Rejects()
    {
        var (result, _) = await Parse(Simple(Alice, "sender@example.com", OwnerDomainArn));

        Assert.Equal(SendErrorKind.InvalidParameterValue, result.Error!.Kind);
    }

    [Fact]
    public async Task Run_NonAsciiLocalPart_Rejects_UnicodeDomainBecomesPunycode()
    {
        var (bad, _) = await Parse(Simple(Alice, "sender@example.com", OwnerDomainArn, "jörg@example.org"));
        var (good, context) = await Parse(Simple(Alice, "sender@example.com", OwnerDomainArn, "joerg@bücher.example"));

        Assert.Equal(SendErrorKind.InvalidParameterValue, bad.Error!.Kind);
        Assert.Contains("7-bit ASCII", bad.Error.Message, StringComparison.Ordinal);
        Assert.True(good.IsContinue);
        Assert.Equal(["joerg@xn--bcher-kva.example"], context.Message!.Recipients);
    }

    [Fact]
    public async Task Run_TooLarge_RejectsWithSesMessage()
    {
        var (result, _) = await Parse(Raw(Alice, "From: sender@example.com\nTo: to@example.org"), new SendPipelineOptions { MaxMessageBytes = 20 });

        Assert.Equal(SendErrorKind.MessageTooLarge, result.Error!.Kind);
        Assert.StartsWith("Message length is more than 20 bytes long: '", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MalformedRaw_Rejects()
    {
        var request = new SendRequest(Alice, SendApi.V1SendRawEmail, Region, Now, new RawContent("no headers"u8.ToArray()));

        var (result, _) = await Parse(request);

        Assert.Equal(SendErrorKind.MalformedMessage, result.Error!.Kind);
    }

    [Fact]
    public async Task Run_StrictRawArns_RequiresFromArnWhenFromDiffersFromSource()
    {
        var request = Raw(Alice, "From: other@example.com\nTo: to@example.org") with { Source = "sender@example.com", SourceArn = OwnerDomainArn };

        var (lenient, _) = await Parse(request);
        var (strict, _) = await Parse(request, new SendPipelineOptions { StrictRawArns = true });

        Assert.True(lenient.IsContinue);
        Assert.Equal(SendErrorKind.InvalidParameterValue, strict.Error!.Kind);
    }
}

public sealed class ResolveIdentitiesStepTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(StepResult Result, SendContext Context)> Resolve(SendWorld world, SendRequest request)
    {
        var context = await world.ContextBefore(request, "identities");
        return (await new ResolveIdentitiesStep().RunAsync(context, Ct), context);
    }

    [Fact]
    public async Task Run_ArnNamesOwnersVerifiedDomain_ResolvesForSourceAndFrom()
    {
        var (result, context) = await Resolve(new SendWorld(), Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org"));

        Assert.True(result.IsContinue);
        var resolved = Assert.Single(context.Identities);
        Assert.Equal([AddressRole.Source, AddressRole.From], resolved.Roles);
        Assert.Equal(OwnerDomainArn, resolved.Identity.Arn.Value);
        Assert.True(resolved.ViaArn);
    }

    [Fact]
    public async Task Run_NoArn_UsesCallersOwnMostSpecificIdentity()
    {
        var (result, context) = await Resolve(new SendWorld(), Simple(Alice, "me@mail.delegate.example.net", null, "to@example.org"));

        Assert.True(result.IsContinue);
        Assert.Equal("arn:aws:ses:us-east-1:123456789012:identity/delegate.example.net", Assert.Single(context.Identities).Identity.Arn.Value);
    }

    [Fact]
    public async Task Run_NoArnForSomeoneElsesAddress_RejectsNotVerifiedWithUpperCaseRegion()
    {
        var (result, _) = await Resolve(new SendWorld(), Simple(Alice, "sender@example.com", null, "to@example.org"));

        Assert.Equal(SendErrorKind.NotVerified, result.Error!.Kind);
        Assert.Equal("Email address is not verified. The following identities failed the check in region US-EAST-1: sender@example.com", result.Error.Message);
    }

    [Fact]
    public async Task Run_PendingIdentity_IsNotVerified()
    {
        var world = new SendWorld();
        world.Identities.Identities[(Owner, Region)].Clear();
        world.Identities.Add(Identity(OwnerDomainArn, [world.GrantDelegate], status: VerificationStatus.Pending));

        var (result, _) = await Resolve(world, Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org"));

        Assert.Equal(SendErrorKind.NotVerified, result.Error!.Kind);
    }

    [Fact]
    public async Task Run_ArnInAnotherRegion_Rejected()
    {
        var (result, context) = await Resolve(new SendWorld(),
            Simple(Alice, "sender@example.com", "arn:aws:ses:eu-west-1:888888888888:identity/example.com", "to@example.org"));

        Assert.Equal(SendErrorKind.NotVerified, result.Error!.Kind);
        Assert.Contains("region US-EAST-1: sender@example.com", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains(context.Details, d => d.Contains("is in region eu-west-1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_ArnDoesNotCoverAddress_ListsEveryFailingAddress()
    {
        var request = Simple(Alice, "sender@other.com", OwnerDomainArn, "to@example.org") with { ReturnPath = "bounce@else.com" };

        var (result, _) = await Resolve(new SendWorld(), request);

        Assert.EndsWith(": sender@other.com, bounce@else.com", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MalformedArn_RejectsInvalidParameter()
    {
        var (result, _) = await Resolve(new SendWorld(), Simple(Alice, "sender@example.com", "arn:aws:ses:us-east-1:8888:identity/example.com", "to@example.org"));

        Assert.Equal(SendErrorKind.InvalidParameterValue, result.Error!.Kind);
    }
}

public sealed class AuthorizeStepTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(StepResult Result, SendContext Context)> Authorize(SendWorld world, SendRequest request)
    {
        var context = await world.ContextBefore(request, "authorization");
        return (await new AuthorizeStep().RunAsync(context, Ct), context);
    }

    [Fact]
    public async Task Run_CrossAccountBothSidesAllow_Allows()
    {
        var (result, context) = await Authorize(new SendWorld(), Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org"));

        Assert.True(result.IsContinue);
        var check = Assert.Single(context.Authorizations);
        Assert.Equal("ses:SendEmail", check.Action);
        Assert.True(check.Result.IsCrossAccount);
        Assert.Equal(Decision.Allow, check.Result.Decision);
    }

    [Fact]
    public async Task Run_CrossAccountWithoutDelegateAllow_AccessDenied()
    {
        var world = new SendWorld();
        world.CallerPolicies.Policies.Clear();

        var (result, context) = await Authorize(world, Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org"));

        Assert.Equal(SendErrorKind.AccessDenied, result.Error!.Kind);
        Assert.Equal($"User `{AliceArn}' is not authorized to perform `ses:SendEmail' on resource `{OwnerDomainArn}'", result.Error.Message);
        var check = Assert.Single(context.Authorizations);
        Assert.Equal(Decision.Allow, check.Result.ResourceSide.Decision);
        Assert.Equal(Decision.ImplicitDeny, check.Result.IdentitySide!.Decision);
    }

    [Fact]
    public async Task Run_RawAction_IsSendRawEmail_AndReturnPathIdentityAlsoChecked()
    {
        var request = Raw(Alice, "From: sender@example.com\nReturn-Path: <bounce@example.com>\nTo: to@example.org") with { SourceArn = OwnerDomainArn };

        var (result, context) = await Authorize(new SendWorld(), request);

        Assert.True(result.IsContinue);
        Assert.Equal(2, context.Authorizations.Count);
        Assert.All(context.Authorizations, a => Assert.Equal("ses:SendRawEmail", a.Action));
        Assert.Contains(context.Authorizations, a => a.Roles.Contains(AddressRole.ReturnPath) && a.Address == "bounce@example.com");
    }

    [Fact]
    public async Task Run_OwnerRootSendsAsItself_NoPolicyNeeded()
    {
        var world = new SendWorld();
        world.Identities.Add(Identity("arn:aws:ses:us-east-1:999999999999:identity/nine.example", []));

        var (result, context) = await Authorize(world, Simple(Root("999999999999"), "me@nine.example", null, "to@example.org"));

        Assert.True(result.IsContinue);
        Assert.True(Assert.Single(context.Authorizations).OwnerSendsAsItself);
    }

    [Fact]
    public async Task Run_SameAccountUser_NeedsOnlyItsIamSide()
    {
        var world = new SendWorld();
        var (result, context) = await Authorize(world, Simple(Alice, "me@delegate.example.net", null, "to@example.org"));

        Assert.True(result.IsContinue);
        var check = Assert.Single(context.Authorizations);
        Assert.False(check.Result.IsCrossAccount);
        Assert.False(check.OwnerSendsAsItself);
    }

    [Fact]
    public async Task Run_Explain_AddsStatementByStatementExplanation()
    {
        var request = Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org") with { Explain = true };

        var (_, context) = await Authorize(new SendWorld(), request);

        var check = Assert.Single(context.Authorizations);
        Assert.NotNull(check.ResourceExplanation);
        Assert.NotNull(check.CallerExplanation);
        Assert.Contains(context.Details, d => d.StartsWith("  owner side:", StringComparison.Ordinal));
    }
}

public sealed class SandboxStepTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<StepResult> Sandbox(SendWorld world, params string[] to)
    {
        var context = await world.ContextBefore(Simple(Alice, "sender@example.com", OwnerDomainArn, to), "sandbox");
        return await new SandboxStep().RunAsync(context, Ct);
    }

    [Fact]
    public async Task Run_NobodyInSandbox_AnyRecipient()
    {
        Assert.True((await Sandbox(new SendWorld(), "anyone@example.org")).IsContinue);
    }

    [Fact]
    public async Task Run_OwnerInSandbox_UnverifiedRecipientRejected()
    {
        var world = new SendWorld();
        world.Accounts.Set(Owner, sandbox: true);

        var result = await Sandbox(world, "anyone@example.org", "success@simulator.amazonses.com");

        Assert.Equal(SendErrorKind.NotVerified, result.Error!.Kind);
        Assert.EndsWith("region US-EAST-1: anyone@example.org", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_DelegateInSandbox_RecipientsVerifiedByDelegateOrSimulatorPass()
    {
        var world = new SendWorld();
        world.Accounts.Set(DelegateAccount, sandbox: true);

        var result = await Sandbox(world, "team@delegate.example.net", "bounce+x@simulator.amazonses.com");

        Assert.True(result.IsContinue);
    }

    [Fact]
    public async Task Run_DelegateInSandbox_RecipientVerifiedOnlyByOwnerIsRejected()
    {
        var world = new SendWorld();
        world.Accounts.Set(DelegateAccount, sandbox: true);

        var result = await Sandbox(world, "someone@example.com");

        Assert.Equal(SendErrorKind.NotVerified, result.Error!.Kind);
    }
}

public sealed class AccountLimitsStepTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(StepResult Result, SendWorld World)> Limits(Action<SendWorld> arrange, SendRequest? request = null)
    {
        var world = new SendWorld();
        arrange(world);
        var context = await world.ContextBefore(request ?? Simple(Alice, "sender@example.com", OwnerDomainArn, "a@example.org", "success@simulator.amazonses.com"), "account");
        return (await new AccountLimitsStep().RunAsync(context, Ct), world);
    }

    [Fact]
    public async Task Run_Paused_RejectsAccountSendingPaused()
    {
        var (result, _) = await Limits(w => w.Accounts.Set(DelegateAccount, status: AccountSendingStatus.Paused));

        Assert.Equal(SendErrorKind.AccountSendingPaused, result.Error!.Kind);
    }

    [Fact]
    public async Task Run_OwnerPaused_DoesNotMatter_DelegateIsCharged()
    {
        var (result, world) = await Limits(w => w.Accounts.Set(Owner, status: AccountSendingStatus.Paused));

        Assert.True(result.IsContinue);
        Assert.Equal(1, world.Quota.Reserved);
    }

    [Fact]
    public async Task Run_DailyQuotaCountsRecipientsButNotSimulator()
    {
        var (ok, _) = await Limits(w => w.Quota.Max24HourSend = 1);
        var (full, _) = await Limits(w => w.Quota.Max24HourSend = 0);

        Assert.True(ok.IsContinue);
        Assert.Equal(SendErrorKind.DailyQuotaExceeded, full.Error!.Kind);
        Assert.Equal("Daily message quota exceeded.", full.Error.Message);
    }

    [Fact]
    public async Task Run_RateCountsSimulatorRecipients()
    {
        var world = new SendWorld();
        world.Quota.MaxSendRate = 1;
        var request = Simple(Alice, "sender@example.com", OwnerDomainArn, "success@simulator.amazonses.com");
        var first = await new AccountLimitsStep().RunAsync(await world.ContextBefore(request, "account"), Ct);

        var second = await new AccountLimitsStep().RunAsync(await world.ContextBefore(request, "account"), Ct);

        Assert.True(first.IsContinue);
        Assert.Equal(0, world.Quota.Reserved);
        Assert.Equal(SendErrorKind.MaxSendRateExceeded, second.Error!.Kind);
        Assert.Equal("Maximum sending rate exceeded.", second.Error.Message);
    }

    [Fact]
    public async Task Run_DryRun_ReservesNothing()
    {
        var (result, world) = await Limits(_ => { }, Simple(Alice, "sender@example.com", OwnerDomainArn, "a@example.org") with { DryRun = true });

        Assert.True(result.IsContinue);
        Assert.Equal(0, world.Quota.Reserved);
    }
}

public sealed class AcceptStepTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(StepResult Result, SendContext Context)> Accept(SendWorld world, SendRequest? request = null)
    {
        var context = await world.ContextBefore(request ?? Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org"), "accept");
        return (await new AcceptStep().RunAsync(context, Ct), context);
    }

    private static void ReplaceOwnerDomain(SendWorld world, SendingIdentity identity)
    {
        world.Identities.Identities[(Owner, Region)].Clear();
        world.Identities.Add(identity);
    }

    [Fact]
    public void NewMessageId_HasSesShape()
    {
        var id = AcceptStep.NewMessageId(Now, new Guid("11111111-2222-3333-4444-555555555555"));

        Assert.Equal($"{0x0100000000000000L + Now.ToUnixTimeMilliseconds():x16}-11111111-2222-3333-4444-555555555555-000000", id);
        Assert.StartsWith("010001", id, StringComparison.Ordinal);
    }

    [Fact]
    public void TryTimeOf_ReadsTheMillisecondBackAndRefusesOtherShapes()
    {
        var at = Now.AddTicks(1234); // sub-millisecond ticks are not in the ID
        var id = AcceptStep.NewMessageId(at, Guid.NewGuid());

        Assert.True(AcceptStep.TryTimeOf(id, out var time));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds()), time);
        Assert.InRange(at - time, TimeSpan.Zero, TimeSpan.FromMilliseconds(1));
        foreach (var other in new[] { "", "not-an-id", "zz00018c2d4e5f60-11111111-2222-3333-4444-555555555555-000000", "0100018c2d4e5f6-x", null })
        {
            Assert.False(AcceptStep.TryTimeOf(other, out _), other);
        }
    }

    [Fact]
    public async Task Run_DefaultMailFrom_SignsWithOwnersKey_SetsHeaders()
    {
        var (result, context) = await Accept(new SendWorld());

        Assert.True(result.IsContinue);
        var a = context.Accepted!;
        Assert.Equal($"{a.MessageId}-{FakeReturnAddresses.Tag}@us-east-1.amazonses.com", a.MailFrom.EnvelopeFrom);
        Assert.False(a.MailFrom.Custom);
        Assert.True(a.Dkim.Sign);
        Assert.Equal("example.com", a.Dkim.SigningDomain);
        Assert.Equal(OwnerDomainArn, a.Dkim.KeyIdentityArn);
        Assert.Equal(OwnerDomainArn, a.SourceArn);
        Assert.Equal(DelegateAccount, a.SendingAccountId);
        Assert.Equal("Alice", a.CallerIdentity);
        Assert.Equal($"<{a.MessageId}@us-east-1.amazonses.com>", a.HeadersToSet.Single(h => h.Name == "Message-ID").Value);
        Assert.Equal("Sat, 28 Nov 2026 12:00:00 +0000", a.HeadersToSet.Single(h => h.Name == "Date").Value);
    }

    [Fact]
    public async Task Run_VerifiedCustomMailFrom_IsUsed()
    {
        var world = new SendWorld();
        ReplaceOwnerDomain(world, Identity(OwnerDomainArn, [world.GrantDelegate], dkim: true,
            mailFrom: new MailFromSetting("mail.example.com", VerificationStatus.Success, MailFromFailureBehavior.RejectMessage)));

        var (_, context) = await Accept(world);

        Assert.True(context.Accepted!.MailFrom.Custom);
        Assert.Equal($"{context.Accepted.MessageId}-{FakeReturnAddresses.Tag}@mail.example.com", context.Accepted.MailFrom.EnvelopeFrom);
    }

    [Fact]
    public async Task Run_InstallationReturnPathDomain_ReplacesTheDefaultButNotAVerifiedCustomMailFrom()
    {
        var world = new SendWorld();
        world.ReturnAddresses.ReturnPathDomain = "bounces.console.example";

        var (_, byDefault) = await Accept(world);
        ReplaceOwnerDomain(world, Identity(OwnerDomainArn, [world.GrantDelegate], dkim: true,
            mailFrom: new MailFromSetting("mail.example.com", VerificationStatus.Success, MailFromFailureBehavior.RejectMessage)));
        var (_, custom) = await Accept(world);

        Assert.Equal($"{byDefault.Accepted!.MessageId}-{FakeReturnAddresses.Tag}@bounces.console.example", byDefault.Accepted.MailFrom.EnvelopeFrom);
        Assert.Equal($"<{byDefault.Accepted.MessageId}@us-east-1.amazonses.com>", byDefault.Accepted.HeadersToSet.Single(h => h.Name == "Message-ID").Value);
        Assert.Equal($"{custom.Accepted!.MessageId}-{FakeReturnAddresses.Tag}@mail.example.com", custom.Accepted.MailFrom.EnvelopeFrom);
    }

    [Fact]
    public async Task Run_UnverifiedMailFromWithRejectMessage_RejectsMailFromDomainNotVerified()
    {
        var world = new SendWorld();
        ReplaceOwnerDomain(world, Identity(OwnerDomainArn, [world.GrantDelegate],
            mailFrom: new MailFromSetting("mail.example.com", VerificationStatus.Failed, MailFromFailureBehavior.RejectMessage)));

        var (result, _) = await Accept(world);

        Assert.Equal(SendErrorKind.MailFromDomainNotVerified, result.Error!.Kind);
    }

    [Fact]
    public async Task Run_UnverifiedMailFromWithUseDefault_FallsBack()
    {
        var world = new SendWorld();
        ReplaceOwnerDomain(world, Identity(OwnerDomainArn, [world.GrantDelegate],
            mailFrom: new MailFromSetting("mail.example.com", VerificationStatus.Pending, MailFromFailureBehavior.UseDefaultValue)));

        var (result, context) = await Accept(world);

        Assert.True(result.IsContinue);
        Assert.False(context.Accepted!.MailFrom.Custom);
        Assert.Equal($"{context.Accepted.MessageId}-{FakeReturnAddresses.Tag}@us-east-1.amazonses.com", context.Accepted.MailFrom.EnvelopeFrom);
    }

    [Fact]
    public async Task Run_DkimOffOnDomain_NoSignature()
    {
        var world = new SendWorld();
        ReplaceOwnerDomain(world, Identity(OwnerDomainArn, [world.GrantDelegate]) with { DkimKey = new DkimKeyReference("example.com", "sel1") });

        var (_, context) = await Accept(world);

        Assert.False(context.Accepted!.Dkim.Sign);
        Assert.Contains("disabled", context.Accepted.Dkim.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_AddressIdentityDisablesSigning_MostSpecificWins()
    {
        var world = new SendWorld();
        world.Identities.Add(Identity("arn:aws:ses:us-east-1:888888888888:identity/sender@example.com", []) with { DkimSigningEnabled = false });

        var (_, context) = await Accept(world);

        Assert.False(context.Accepted!.Dkim.Sign);
        Assert.Contains("sender@example.com", context.Accepted.Dkim.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_AddressIdentityEnablesSigning_UsesDomainKey()
    {
        var world = new SendWorld();
        world.Identities.Add(Identity("arn:aws:ses:us-east-1:888888888888:identity/sender@example.com", []) with { DkimSigningEnabled = true });

        var (_, context) = await Accept(world);

        Assert.True(context.Accepted!.Dkim.Sign);
        Assert.Equal(OwnerDomainArn, context.Accepted.Dkim.KeyIdentityArn);
    }
}

public sealed class RecipientDispositionStepTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_SuppressedThenSimulatorThenDeliver()
    {
        var world = new SendWorld();
        world.Suppression.Entries[(DelegateAccount, "gone@example.org")] = SuppressionReason.Bounce;
        world.Suppression.Entries[(Owner, "ownerlist@example.org")] = SuppressionReason.Complaint;
        var request = Simple(Alice, "sender@example.com", OwnerDomainArn, "gone@example.org", "ownerlist@example.org",
            "success@simulator.amazonses.com", "bounce+x@simulator.amazonses.com", "ooto@simulator.amazonses.com",
            "complaint@simulator.amazonses.com", "suppressionlist@simulator.amazonses.com");
        var context = await world.ContextBefore(request, "recipients");

        var result = await new RecipientDispositionStep().RunAsync(context, Ct);

        Assert.True(result.IsContinue);
        Assert.Equal(
            [RecipientOutcome.SuppressedOnAccount, RecipientOutcome.Deliver, RecipientOutcome.SimulatedDelivery, RecipientOutcome.SimulatedBounce,
             RecipientOutcome.SimulatedOutOfOffice, RecipientOutcome.SimulatedComplaint, RecipientOutcome.SimulatedSuppressed],
            context.Accepted!.Recipients.Select(r => r.Outcome));
        Assert.Equal(SuppressionReason.Bounce, context.Accepted.Recipients[0].SuppressedFor);
        Assert.Equal(["ownerlist@example.org"], context.Accepted.TransportRecipients);
    }
}
