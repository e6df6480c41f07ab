using SesConsole.Domain.Authorization;
using SesConsole.Domain.Policies;
using SesConsole.Domain.Principals;
using SesConsole.Domain.Sending;
using SesConsole.Domain.Tests.Policies;
using static SesConsole.Domain.Tests.Sending.SendWorld;

namespace SesConsole.Domain.Tests.Sending;

/// <summary>The condition keys the pipeline feeds the engine (docs/ses-behaviour.md#condition-keys) and the per-API actions, end to end.</summary>
public sealed class SendPipelineConditionTests
{
    private static SendWorld WithOwnerPolicy(string action, string? condition)
    {
        var world = new SendWorld();
        world.Identities.Identities[(Owner, Region)].Clear();
        world.Identities.Add(Identity(OwnerDomainArn, [TestPolicies.Resource("p", TestPolicies.Document(
            TestPolicies.Statement("Grant", "Allow", """{"AWS": "123456789012"}""", action, condition)))], dkim: true));
        return world;
    }

    [Fact]
    public async Task FeedbackAddress_AbsentWithoutReturnPath_SoAConstrainingPolicyDenies()
    {
        var world = WithOwnerPolicy("ses:Send*", """{"StringLike": {"ses:FeedbackAddress": "*@example.com"}}""");

        var without = await world.Run(Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org"));
        var with = await world.Run(Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org") with { ReturnPath = "bounces@example.com" });

        Assert.Equal("authorization", without.Rejection!.Step);
        Assert.True(with.IsAccepted, with.Rejection?.Error.ToString());
        Assert.Equal("bounces@example.com", with.Accepted!.FeedbackForwardingAddress);
    }

    [Fact]
    public async Task FromAddress_OnRawIsTheFromHeader_NotSource()
    {
        var world = WithOwnerPolicy("ses:SendRawEmail", """{"StringLike": {"ses:FromAddress": "marketing+*@example.com"}}""");
        var request = Raw(Alice, "From: Marketing <marketing+news@example.com>\nTo: to@example.org") with
        {
            Source = "sender@example.com",
            SourceArn = OwnerDomainArn,
        };

        var outcome = await world.Run(request);

        Assert.True(outcome.IsAccepted, outcome.Rejection?.Error.ToString());
        Assert.Equal(2, outcome.Authorizations.Count);
        Assert.Equal("sender@example.com", outcome.Accepted!.FeedbackForwardingAddress);
    }

    [Fact]
    public async Task FromDisplayName_IsTheSourcesDisplayName()
    {
        var world = WithOwnerPolicy("ses:SendEmail", """{"StringEquals": {"ses:FromDisplayName": "Marketing"}}""");

        var marketing = await world.Run(Simple(Alice, "Marketing <news@example.com>", OwnerDomainArn, "to@example.org"));
        var other = await world.Run(Simple(Alice, "Sales <news@example.com>", OwnerDomainArn, "to@example.org"));

        Assert.True(marketing.IsAccepted);
        Assert.Equal("authorization", other.Rejection!.Step);
    }

    [Fact]
    public async Task Recipients_ForAllValues_OneOutsiderDenies()
    {
        var world = WithOwnerPolicy("ses:SendEmail", """{"ForAllValues:StringLike": {"ses:Recipients": "*@example.org"}}""");

        var inside = await world.Run(Simple(Alice, "sender@example.com", OwnerDomainArn, "a@example.org", "b@example.org"));
        var outside = await world.Run(Simple(Alice, "sender@example.com", OwnerDomainArn, "a@example.org", "b@elsewhere.net"));

        Assert.True(inside.IsAccepted);
        Assert.Equal("authorization", outside.Rejection!.Step);
    }

    [Fact]
    public async Task SecureTransportFalse_DeniedByAStatementRequiringTls()
    {
        var world = WithOwnerPolicy("ses:SendEmail", """{"Bool": {"aws:SecureTransport": "true"}}""");

        var tls = await world.Run(Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org"));
        var plain = await world.Run(Simple(Alice with { SecureTransport = false }, "sender@example.com", OwnerDomainArn, "to@example.org"));

        Assert.True(tls.IsAccepted);
        Assert.Equal("authorization", plain.Rejection!.Step);
    }

    [Fact]
    public async Task TemplatedSend_NeedsSendTemplatedEmail()
    {
        var world = WithOwnerPolicy("ses:SendEmail", null);
        var request = Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org") with { Api = SendApi.V1SendTemplatedEmail };

        var outcome = await world.Run(request);

        Assert.Equal("ses:SendTemplatedEmail", outcome.Rejection!.Error.Action);
    }

    [Fact]
    public async Task SmtpSend_IsSendRawEmailWithApiVersion2_AndSmtpReplies()
    {
        var world = WithOwnerPolicy("ses:SendRawEmail", """{"StringEquals": {"ses:ApiVersion": "2"}}""");
        var smtp = Raw(Alice, $"From: sender@example.com\nTo: to@example.org\nX-SES-SOURCE-ARN: {OwnerDomainArn}", SendApi.Smtp) with
        {
            Source = "sender@example.com",
            Destinations = ["to@example.org"],
        };
        var v1 = Raw(Alice, $"From: sender@example.com\nTo: to@example.org\nX-SES-SOURCE-ARN: {OwnerDomainArn}");

        var accepted = await world.Run(smtp);
        var denied = await world.Run(v1);

        Assert.True(accepted.IsAccepted, accepted.Rejection?.Error.ToString());
        Assert.Equal(["X-SES-SOURCE-ARN"], accepted.Accepted!.HeadersToRemove);
        Assert.Equal("554", denied.Rejection!.Smtp.Code);
        Assert.StartsWith("554 Access denied: User arn:aws:iam::123456789012:user/Alice is not authorized to perform ses:SendRawEmail on resource ",
            denied.Rejection.Smtp.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssumedRoleSession_UsesTheRolesPolicies()
    {
        var world = new SendWorld();
        world.CallerPolicies.Policies["arn:aws:iam::123456789012:role/Sender"] = new CompiledPolicySet([TestPolicies.IdentityBased("role",
            """{"Statement": [{"Effect": "Allow", "Action": "ses:SendEmail", "Resource": "arn:aws:ses:us-east-1:888888888888:identity/*"}]}""")]);
        var session = new SendCaller(RequestPrincipal.ForArn(PrincipalArn.Parse("arn:aws:sts::123456789012:assumed-role/Sender/job-42").GetValueOrThrow()));

        var outcome = await world.Run(Simple(session, "sender@example.com", OwnerDomainArn, "to@example.org"));

        Assert.True(outcome.IsAccepted, outcome.Rejection?.Error.ToString());
        Assert.Equal("Sender", outcome.Accepted!.CallerIdentity);
    }

    [Fact]
    public async Task CurrentTime_ComesFromTheRequest()
    {
        var world = WithOwnerPolicy("ses:SendEmail", """{"DateLessThan": {"aws:CurrentTime": "2026-11-28T11:00:00Z"}}""");

        var outcome = await world.Run(Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org"));
        var earlier = await world.Run(Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org") with { Time = Now.AddHours(-2) });

        Assert.Equal("authorization", outcome.Rejection!.Step);
        Assert.True(earlier.IsAccepted);
    }

    [Fact]
    public async Task V2Bulk_NeedsBothActions_DeniedNamesTheMissingOne()
    {
        var world = WithOwnerPolicy("ses:SendBulkTemplatedEmail", null);
        var request = Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org") with { Api = SendApi.V2Bulk, FromArn = OwnerDomainArn, SourceArn = null };

        var outcome = await world.Run(request);

        Assert.Equal(2, outcome.Authorizations.Count);
        Assert.Equal("ses:SendBulkEmail", outcome.Rejection!.Error.Action);
        Assert.Equal("AccessDeniedException", outcome.Rejection.V2.Code);
    }
}
