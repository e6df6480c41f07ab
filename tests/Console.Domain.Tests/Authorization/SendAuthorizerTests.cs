using SesConsole.Domain.Authorization;
using SesConsole.Domain.Policies;
using SesConsole.Domain.Tests.Policies;
using static SesConsole.Domain.Tests.Policies.TestPolicies;

namespace SesConsole.Domain.Tests.Authorization;

public sealed class SendAuthorizerTests
{
    private static readonly CompiledPolicySet OwnerGrantsAccount = new([Resource("owner", Document(
        Statement("GrantAccount", "Allow", """{"AWS": "123456789012"}""", "ses:Send*")))]);

    private static readonly CompiledPolicySet AliceMaySend = new([IdentityBased("alice", """
        {"Statement": [{"Sid": "SendAnything", "Effect": "Allow", "Action": "ses:Send*", "Resource": "*"}]}
        """)]);

    private static readonly CompiledPolicySet AliceDeniedRaw = new([IdentityBased("alice-deny", """
        {"Statement": [{"Sid": "SendAnything", "Effect": "Allow", "Action": "ses:Send*", "Resource": "*"},
                       {"Sid": "NoRaw", "Effect": "Deny", "Action": "ses:SendRawEmail", "Resource": "arn:aws:ses:*:*:identity/*"}]}
        """)]);

    [Fact]
    public void Authorize_CrossAccountBothSidesAllow_AllowsAndReportsBothSides()
    {
        var result = SendAuthorizer.Authorize(Request("arn:aws:iam::123456789012:user/Alice"), OwnerGrantsAccount, AliceMaySend);

        Assert.Equal(Decision.Allow, result.Decision);
        Assert.True(result.IsCrossAccount);
        Assert.Equal("GrantAccount", Assert.Single(result.ResourceSide.Reasons).Sid);
        Assert.Equal("SendAnything", Assert.Single(result.IdentitySide!.Reasons).Sid);
    }

    [Fact]
    public void Authorize_CrossAccountWithoutCallerAllow_ImplicitDenyExplained()
    {
        var result = SendAuthorizer.Authorize(Request("arn:aws:iam::123456789012:user/Alice"), OwnerGrantsAccount, CompiledPolicySet.Empty);

        Assert.Equal(Decision.ImplicitDeny, result.Decision);
        Assert.Equal(Decision.Allow, result.ResourceSide.Decision);
        Assert.Equal(Decision.ImplicitDeny, result.IdentitySide!.Decision);
        Assert.StartsWith("Denied: cross-account sends need an Allow on both sides", result.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Authorize_CallerDeny_WinsOverBothAllows()
    {
        var result = SendAuthorizer.Authorize(Request("arn:aws:iam::123456789012:user/Alice", "ses:SendRawEmail"), OwnerGrantsAccount, AliceDeniedRaw);

        Assert.Equal(Decision.ExplicitDeny, result.Decision);
        Assert.Equal("NoRaw", Assert.Single(result.IdentitySide!.Reasons).Sid);
    }

    [Fact]
    public void Authorize_AccountRoot_OwnSideAlwaysAllows()
    {
        var result = SendAuthorizer.Authorize(Request("arn:aws:iam::123456789012:root"), OwnerGrantsAccount, CompiledPolicySet.Empty);

        Assert.Equal(Decision.Allow, result.Decision);
        Assert.True(result.IdentitySideIsImplicit);
    }

    [Fact]
    public void Authorize_SameAccountUser_IdentityPolicyAloneIsEnough()
    {
        var result = SendAuthorizer.Authorize(Request("arn:aws:iam::888888888888:user/Owner"), CompiledPolicySet.Empty, AliceMaySend);

        Assert.Equal(Decision.Allow, result.Decision);
        Assert.False(result.IsCrossAccount);
    }

    [Fact]
    public void Authorize_ServicePrincipal_IgnoresIdentitySide()
    {
        var owner = new CompiledPolicySet([Resource("svc", Document(Statement("Cognito", "Allow", """{"Service": "cognito-idp.amazonaws.com"}""", "ses:SendEmail")))]);
        var request = new AuthorizationRequest(RequestPrincipal.ForService("cognito-idp.amazonaws.com"), "ses:SendEmail", IdentityText);

        var result = SendAuthorizer.Authorize(request, owner, CompiledPolicySet.Empty);

        Assert.Equal(Decision.Allow, result.Decision);
        Assert.Null(result.IdentitySide);
        Assert.Equal(Decision.Allow, SendAuthorizer.Decide(request, owner, CompiledPolicySet.Empty));
    }
}
