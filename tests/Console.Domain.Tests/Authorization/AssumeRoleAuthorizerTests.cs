using SesConsole.Domain.Authorization;
using SesConsole.Domain.Policies;
using SesConsole.Domain.Principals;
using SesConsole.Domain.Tests.Policies;

namespace SesConsole.Domain.Tests.Authorization;

/// <summary>The decision rules of AssumeRole; the corpus (Policies/Cases/trust-policies.json) covers the matrix.</summary>
public sealed class AssumeRoleAuthorizerTests
{
    private const string Role = "arn:aws:iam::111111111111:role/mailer";

    private static readonly FakePrincipalDirectory Directory = new(
        ["111111111111", "222222222222"],
        ["arn:aws:iam::111111111111:user/alice", "arn:aws:iam::111111111111:role/mailer", "arn:aws:iam::222222222222:user/bob"]);

    private static CompiledPolicySet Trust(string principal) => new([PolicyCompiler.Compile("trust", PolicyValidator.ValidateTrustPolicy(
        $$"""{"Version": "2012-10-17", "Statement": [{"Sid": "Trust", "Effect": "Allow", "Principal": {"AWS": "{{principal}}"}, "Action": "sts:AssumeRole"}]}""",
        Directory)).GetValueOrThrow()]);

    private static readonly CompiledPolicySet MayAssume = new([TestPolicies.IdentityBased("assume", $$"""
        {"Statement": [{"Sid": "Assume", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "{{Role}}"}]}
        """)]);

    private static AuthorizationRequest Request(string principal) =>
        new(RequestPrincipal.ForArn(PrincipalArn.Parse(principal).GetValueOrThrow()), AssumeRoleAuthorizer.Action, Role);

    [Fact]
    public void Authorize_TrustNamesUser_AllowsWithoutIdentityPolicy()
    {
        var result = AssumeRoleAuthorizer.Authorize(Request("arn:aws:iam::111111111111:user/alice"), Trust("arn:aws:iam::111111111111:user/alice"), CompiledPolicySet.Empty);

        Assert.Equal(Decision.Allow, result.Decision);
        Assert.True(result.TrustNamesCaller);
        Assert.False(result.IsCrossAccount);
        Assert.StartsWith("Allowed: the role's trust policy names the caller.", result.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Authorize_TrustNamesOnlyTheAccount_NeedsTheCallersIdentityPolicy()
    {
        var trust = Trust("arn:aws:iam::111111111111:root");

        var without = AssumeRoleAuthorizer.Authorize(Request("arn:aws:iam::111111111111:user/alice"), trust, CompiledPolicySet.Empty);
        var with = AssumeRoleAuthorizer.Authorize(Request("arn:aws:iam::111111111111:user/alice"), trust, MayAssume);

        Assert.Equal(Decision.ImplicitDeny, without.Decision);
        Assert.False(without.TrustNamesCaller);
        Assert.StartsWith("Denied: the trust policy trusts only the caller's account", without.Describe(), StringComparison.Ordinal);
        Assert.Equal(Decision.Allow, with.Decision);
        Assert.Equal("Assume", Assert.Single(with.IdentitySide.Reasons).Sid);
    }

    [Fact]
    public void Authorize_CrossAccountTrustNamesTheUser_StillNeedsItsIdentityPolicy()
    {
        var trust = Trust("arn:aws:iam::222222222222:user/bob");

        var without = AssumeRoleAuthorizer.Authorize(Request("arn:aws:iam::222222222222:user/bob"), trust, CompiledPolicySet.Empty);
        var with = AssumeRoleAuthorizer.Authorize(Request("arn:aws:iam::222222222222:user/bob"), trust, MayAssume);

        Assert.Equal(Decision.ImplicitDeny, without.Decision);
        Assert.True(without.IsCrossAccount);
        Assert.StartsWith("Denied: cross-account", without.Describe(), StringComparison.Ordinal);
        Assert.Equal(Decision.Allow, with.Decision);
    }

    [Fact]
    public void Authorize_NoTrustPolicy_NobodyMayAssume()
    {
        var result = AssumeRoleAuthorizer.Authorize(Request("arn:aws:iam::111111111111:root"), CompiledPolicySet.Empty, CompiledPolicySet.Empty);

        Assert.Equal(Decision.ImplicitDeny, result.Decision);
        Assert.StartsWith("Denied: the role's trust policy does not allow the caller.", result.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Authorize_SessionOfTheNamedRole_MatchesAndSeesTheRoleAsPrincipalArn()
    {
        var request = Request("arn:aws:sts::111111111111:assumed-role/mailer/nightly");

        var result = AssumeRoleAuthorizer.Authorize(request, Trust("arn:aws:iam::111111111111:role/mailer"), CompiledPolicySet.Empty);

        Assert.Equal(Decision.Allow, result.Decision);
        Assert.Equal(["arn:aws:iam::111111111111:role/mailer"], request.GetValues(ConditionKey.PrincipalArn));
        Assert.Equal(["AssumedRole"], request.GetValues(ConditionKey.PrincipalType));
    }
}
