using SesConsole.Domain.Authorization;
using SesConsole.Domain.Notifications;
using SesConsole.Domain.Policies;
using SesConsole.Domain.Principals;

namespace SesConsole.Web.Tests.Features.Sns;

/// <summary>The topic-policy kind and the rules of <see cref="TopicAuthorizer"/> (docs/notifications.md#topic-policies).</summary>
public sealed class TopicAuthorizerTests
{
    private const string Owner = "111111111111";
    private const string Other = "222222222222";
    private const string IdentityArn = "arn:aws:ses:us-east-1:222222222222:identity/example.com";

    private static readonly TopicArn Topic = TopicArn.Parse($"arn:aws:sns:us-east-1:{Owner}:alerts").GetValueOrThrow();

    private static readonly Directory Principals = new();

    private static CompiledPolicySet TopicPolicy(string json)
    {
        var validated = PolicyValidator.ValidateTopicPolicy(json, Topic, Principals);
        Assert.True(validated.IsValid, string.Join("; ", validated.Errors.Select(e => e.Message)));
        return new([PolicyCompiler.Compile("topic", validated).GetValueOrThrow()]);
    }

    private static CompiledPolicySet IdentityPolicy(string json) =>
        new([PolicyCompiler.Compile("own", PolicyValidator.ValidateIdentityPolicy(json)).GetValueOrThrow()]);

    private static RequestPrincipal Caller(string arn) => RequestPrincipal.ForArn(PrincipalArn.Parse(arn).GetValueOrThrow());

    private static AuthorizationRequest Request(RequestPrincipal principal, string action = "SNS:Publish", RequestContext? context = null) =>
        TopicAuthorizer.Request(principal, action, Topic, context ?? new RequestContext { CurrentTime = DateTimeOffset.UnixEpoch });

    private static CompiledPolicySet PublishFromOther(string extra = "") => TopicPolicy($$$$"""
        {"Version": "2012-10-17", "Statement": [
          {"Sid": "Owner", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "SNS:*", "Resource": "{{{{Topic.Value}}}}", "Condition": {"StringEquals": {"AWS:SourceOwner": "{{{{Owner}}}}"}}},
          {"Sid": "Other", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::{{{{Other}}}}:root"}, "Action": ["sns:Publish", "SNS:Subscribe"], "Resource": "{{{{Topic.Value}}}}"}{{{{extra}}}}]}
        """);

    [Fact]
    public void DefaultPolicy_OwnerAccountUsersMayDoEverything_OthersNothing()
    {
        var policy = TopicAuthorizer.DefaultPolicy(Topic);

        foreach (var action in PolicyCatalog.SnsActions)
        {
            Assert.True(TopicAuthorizer.Authorize(Request(Caller($"arn:aws:iam::{Owner}:user/alice"), action), policy, true, CompiledPolicySet.Empty).IsAllowed, action);
        }

        var root = TopicAuthorizer.Authorize(Request(Caller($"arn:aws:iam::{Owner}:root")), policy, true, CompiledPolicySet.Empty);
        var other = TopicAuthorizer.Authorize(Request(Caller($"arn:aws:iam::{Other}:root")), policy, true, CompiledPolicySet.Empty);
        var otherUser = TopicAuthorizer.Authorize(Request(Caller($"arn:aws:iam::{Other}:user/bob")), policy, true,
            IdentityPolicy("""{"Statement": [{"Effect": "Allow", "Action": "sns:*", "Resource": "*"}]}"""));

        Assert.True(root.IsAllowed);
        Assert.Equal(Decision.ImplicitDeny, other.Decision);
        Assert.True(other.IsCrossAccount);
        Assert.Equal(Decision.ImplicitDeny, otherUser.Decision);
        Assert.StartsWith("Denied: the topic policy does not allow the caller.", otherUser.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultPolicyJson_IsSnsShape_AndValidates()
    {
        var json = TopicPolicies.DefaultPolicyJson(Topic);

        Assert.Contains("\"Id\":\"__default_policy_ID\"", json, StringComparison.Ordinal);
        Assert.Contains($"\"AWS:SourceOwner\":\"{Owner}\"", json, StringComparison.Ordinal);
        Assert.True(PolicyValidator.ValidateTopicPolicy(json, Topic, Principals).IsValid);
    }

    [Fact]
    public void CrossAccount_TopicPolicyAndCallersOwnPolicyMustBothAllow()
    {
        var policy = PublishFromOther();
        var bob = Caller($"arn:aws:iam::{Other}:user/bob");
        var mayPublish = IdentityPolicy($$$$"""{"Statement": [{"Effect": "Allow", "Action": "SNS:Publish", "Resource": "{{{{Topic.Value}}}}"}]}""");

        var rootOfOther = TopicAuthorizer.Authorize(Request(Caller($"arn:aws:iam::{Other}:root")), policy, false, CompiledPolicySet.Empty);
        var bobWithout = TopicAuthorizer.Authorize(Request(bob), policy, false, CompiledPolicySet.Empty);
        var bobWith = TopicAuthorizer.Authorize(Request(bob), policy, false, mayPublish);
        var bobDeleting = TopicAuthorizer.Authorize(Request(bob, "SNS:DeleteTopic"), policy, false,
            IdentityPolicy("""{"Statement": [{"Effect": "Allow", "Action": "sns:*", "Resource": "*"}]}"""));
        var third = TopicAuthorizer.Authorize(Request(Caller("arn:aws:iam::333333333333:root")), policy, false, CompiledPolicySet.Empty);

        Assert.True(rootOfOther.IsAllowed);
        Assert.Equal(Decision.ImplicitDeny, bobWithout.Decision);
        Assert.StartsWith("Denied: cross-account, the caller's own policies must also allow", bobWithout.Describe(), StringComparison.Ordinal);
        Assert.True(bobWith.IsAllowed);
        Assert.Equal(Decision.ImplicitDeny, bobDeleting.Decision);
        Assert.Equal(Decision.ImplicitDeny, third.Decision);
    }

    [Fact]
    public void SameAccount_CallersOwnPolicyAloneSuffices_WhenTheTopicPolicyDoesNotNameThem()
    {
        var policy = TopicPolicy($$$$"""{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "{{{{Other}}}}"}, "Action": "SNS:Publish", "Resource": "{{{{Topic.Value}}}}"}]}""");
        var alice = Caller($"arn:aws:iam::{Owner}:user/alice");

        var without = TopicAuthorizer.Authorize(Request(alice), policy, false, CompiledPolicySet.Empty);
        var with = TopicAuthorizer.Authorize(Request(alice), policy, false,
            IdentityPolicy("""{"Statement": [{"Effect": "Allow", "Action": "sns:Publish", "Resource": "arn:aws:sns:*:111111111111:*"}]}"""));
        var root = TopicAuthorizer.Authorize(Request(Caller($"arn:aws:iam::{Owner}:root")), policy, false, CompiledPolicySet.Empty);

        Assert.Equal(Decision.ImplicitDeny, without.Decision);
        Assert.True(with.IsAllowed);
        Assert.True(root.IsAllowed);
        Assert.True(root.IdentitySideIsImplicit);
    }

    [Fact]
    public void ExplicitDeny_WinsOnEitherSide()
    {
        var denyInTopic = PublishFromOther($$$$"""
            , {"Sid": "NoBob", "Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::{{{{Other}}}}:user/bob"}, "Action": "SNS:Publish", "Resource": "{{{{Topic.Value}}}}"}
            """);
        var bob = Caller($"arn:aws:iam::{Other}:user/bob");
        var all = IdentityPolicy("""{"Statement": [{"Effect": "Allow", "Action": "sns:*", "Resource": "*"}]}""");
        var ownDeny = IdentityPolicy("""{"Statement": [{"Effect": "Deny", "Action": "SNS:Publish", "Resource": "*"}]}""");

        var topicSide = TopicAuthorizer.Authorize(Request(bob), denyInTopic, false, all);
        var ownerUser = TopicAuthorizer.Authorize(Request(Caller($"arn:aws:iam::{Owner}:user/alice")), TopicAuthorizer.DefaultPolicy(Topic), true, ownDeny);

        Assert.Equal(Decision.ExplicitDeny, topicSide.Decision);
        Assert.Equal("NoBob", Assert.Single(topicSide.TopicSide.Reasons).Sid);
        Assert.Equal(Decision.ExplicitDeny, ownerUser.Decision);
    }

    [Fact]
    public void ServicePrincipal_IsDecidedByTheTopicPolicy_WithSourceAccountAndSourceArn()
    {
        var policy = TopicPolicy($$$$"""
            {"Version": "2012-10-17", "Statement": [{"Sid": "Ses", "Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"}, "Action": "SNS:Publish",
              "Resource": "{{{{Topic.Value}}}}", "Condition": {"StringEquals": {"aws:SourceAccount": "{{{{Other}}}}"}, "ArnLike": {"aws:SourceArn": "arn:aws:ses:*:{{{{Other}}}}:identity/*"}}}]}
            """);
        var ses = RequestPrincipal.ForService(TopicPolicies.SesServicePrincipal);
        RequestContext Context(string account, string arn) => new() { SourceAccount = account, SourceArn = arn, CurrentTime = DateTimeOffset.UnixEpoch };

        var matching = TopicAuthorizer.Authorize(Request(ses, context: Context(Other, IdentityArn)), policy, false, CompiledPolicySet.Empty);
        var wrongAccount = TopicAuthorizer.Authorize(Request(ses, context: Context("333333333333", "arn:aws:ses:us-east-1:333333333333:identity/x.com")), policy, false, CompiledPolicySet.Empty);
        var wrongArn = TopicAuthorizer.Authorize(Request(ses, context: Context(Other, "arn:aws:ses:us-east-1:333333333333:identity/x.com")), policy, false, CompiledPolicySet.Empty);
        var ownersOwnIdentity = TopicAuthorizer.Authorize(Request(ses, context: Context(Owner, "arn:aws:ses:us-east-1:111111111111:identity/o.com")), policy, false, CompiledPolicySet.Empty);

        Assert.True(matching.IsAllowed);
        Assert.Equal(Decision.ImplicitDeny, wrongAccount.Decision);
        Assert.Equal(Decision.ImplicitDeny, wrongArn.Decision);
        // A policy of its own replaces the default, so the owner's rule no longer applies.
        Assert.Equal(Decision.ImplicitDeny, ownersOwnIdentity.Decision);
    }

    [Fact]
    public void ServicePrincipal_OnTheOwnersTopicWithoutPolicy_MayPublishForTheOwnersResourcesOnly()
    {
        var ses = RequestPrincipal.ForService(TopicPolicies.SesServicePrincipal);
        var policy = TopicAuthorizer.DefaultPolicy(Topic);

        var owners = TopicAuthorizer.Authorize(Request(ses, context: new RequestContext { SourceAccount = Owner, SourceArn = "arn:aws:ses:us-east-1:111111111111:identity/o.com" }), policy, true, CompiledPolicySet.Empty);
        var others = TopicAuthorizer.Authorize(Request(ses, context: new RequestContext { SourceAccount = Other, SourceArn = IdentityArn }), policy, true, CompiledPolicySet.Empty);

        Assert.True(owners.IsAllowed);
        Assert.True(owners.OwnerServiceRule);
        Assert.Equal(Decision.ImplicitDeny, others.Decision);
    }

    [Fact]
    public void SubscribeConditions_OnProtocolAndEndpoint_AreEvaluated()
    {
        var policy = TopicPolicy($$$$"""
            {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "SNS:Subscribe", "Resource": "{{{{Topic.Value}}}}",
              "Condition": {"StringEquals": {"sns:Protocol": "https"}, "StringLike": {"sns:Endpoint": "https://hooks.example.com/*"}}}]}
            """);
        var bob = Caller($"arn:aws:iam::{Other}:root");
        RequestContext Context(string protocol, string endpoint) => new() { SnsProtocol = protocol, SnsEndpoint = endpoint };

        Assert.True(TopicAuthorizer.Authorize(Request(bob, "SNS:Subscribe", Context("https", "https://hooks.example.com/a")), policy, false, CompiledPolicySet.Empty).IsAllowed);
        Assert.False(TopicAuthorizer.Authorize(Request(bob, "SNS:Subscribe", Context("email", "a@example.com")), policy, false, CompiledPolicySet.Empty).IsAllowed);
        Assert.False(TopicAuthorizer.Authorize(Request(bob, "SNS:Subscribe", Context("https", "https://evil.example.net/")), policy, false, CompiledPolicySet.Empty).IsAllowed);
    }

    [Theory]
    [InlineData("""{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "SNS:Pubish", "Resource": "TOPIC"}]}""", "policy.unknown_action", "\"SNS:Pubish\"")]
    [InlineData("""{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ses:SendEmail", "Resource": "TOPIC"}]}""", "policy.unknown_action", "\"ses:SendEmail\"")]
    [InlineData("""{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "SNS:Publish", "Resource": "arn:aws:sns:us-east-1:111111111111:other"}]}""", "policy.resource_mismatch", "\"arn:aws:sns:us-east-1:111111111111:other\"")]
    [InlineData("""{"Statement": [{"Effect": "Allow", "Action": "SNS:Publish", "Resource": "TOPIC"}]}""", "policy.missing_principal", "{\"Effect\"")]
    [InlineData("""{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "SNS:Publish", "Resource": "TOPIC", "Condition": {"StringEquals": {"ses:FromAddress": "a"}}}]}""", "policy.unknown_condition_key", "\"ses:FromAddress\"")]
    [InlineData("""{"Statement": [{"Effect": "Allow", "Principal": {"Service": "nobody.amazonaws.com"}, "Action": "SNS:Publish", "Resource": "TOPIC"}]}""", "policy.unknown_principal", "\"nobody.amazonaws.com\"")]
    public void Validate_RefusesWithAPosition(string template, string code, string token)
    {
        var json = template.Replace("TOPIC", Topic.Value, StringComparison.Ordinal);

        var result = PolicyValidator.ValidateTopicPolicy(json, Topic, Principals);

        Assert.False(result.IsValid);
        var error = result.Errors.First();
        Assert.Equal(code, error.Code);
        Assert.Equal((1, json.IndexOf(token, StringComparison.Ordinal) + 1), (error.Line, error.Column));
    }

    [Fact]
    public void Validate_AcceptsSnsSpellings_AndSesServiceOnEveryInstallation()
    {
        var json = $$$$"""
            {"Version": "2008-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"}, "Action": ["sns:publish", "SNS:Subscribe"],
              "Resource": "arn:aws:sns:*:{{{{Owner}}}}:alerts", "Condition": {"StringEquals": {"AWS:SourceAccount": "{{{{Other}}}}", "aws:sourceowner": "{{{{Other}}}}"}}}]}
            """;

        var result = PolicyValidator.ValidateTopicPolicy(json, Topic, Principals);

        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => e.Message)));
    }

    private sealed class Directory : IPrincipalDirectory
    {
        public bool AccountExists(AccountId account) => account.Value is Owner or Other or "333333333333";

        public bool PrincipalExists(PrincipalArn arn) => arn.Value is "arn:aws:iam::222222222222:user/bob" or "arn:aws:iam::111111111111:user/alice" || arn.Kind == PrincipalKind.AccountRoot;

        public bool IsKnownService(string service) => false;
    }
}
