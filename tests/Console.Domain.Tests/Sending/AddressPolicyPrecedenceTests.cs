using SesConsole.Domain.Authorization;
using SesConsole.Domain.Sending;
using static SesConsole.Domain.Tests.Sending.SendWorld;

namespace SesConsole.Domain.Tests.Sending;

/// <summary>
/// The owner verified both example.com and sender@example.com, each with its own policy. Sending from sender@example.com,
/// the address identity's policies decide (they take precedence over the domain's), evaluated against the address's own
/// ARN, whichever of the two ARNs the delegate names; any other address of the domain is decided by the domain's policies.
/// </summary>
public sealed class AddressPolicyPrecedenceTests
{
    private const string AddressArn = "arn:aws:ses:us-east-1:888888888888:identity/sender@example.com";

    private static string Policy(string arn, string sid, string effect) => $$"""
        {"Version": "2012-10-17", "Statement": [{"Sid": "{{sid}}", "Effect": "{{effect}}", "Principal": {"AWS": "123456789012"},
         "Action": "ses:SendEmail", "Resource": "{{arn}}"}]}
        """;

    /// <summary>The domain allows the delegate (the world's grant); the address denies it.</summary>
    private static SendWorld AddressDeniesDomainAllows()
    {
        var world = new SendWorld();
        world.Identities.Add(Identity(AddressArn, [PolicyFor(AddressArn, "address-deny", Policy(AddressArn, "NotFromSender", "Deny"))]));
        return world;
    }

    /// <summary>The domain denies the delegate; the address allows it.</summary>
    private static SendWorld DomainDeniesAddressAllows()
    {
        var world = new SendWorld();
        world.Identities.Identities.Clear();
        world.Identities.Add(Identity(OwnerDomainArn, [PolicyFor(OwnerDomainArn, "domain-deny", Policy(OwnerDomainArn, "NotFromDomain", "Deny"))], dkim: true));
        world.Identities.Add(Identity(AddressArn, [PolicyFor(AddressArn, "address-allow", Policy(AddressArn, "FromSender", "Allow"))]));
        return world;
    }

    private static string AuthorizationDetails(SendOutcome outcome) =>
        string.Join("\n", outcome.Trace.Single(t => t.Step == "authorization").Details ?? []);

    [Theory]
    [InlineData(OwnerDomainArn)]
    [InlineData(AddressArn)]
    public async Task AddressDenies_DomainAllows_SenderAddressIsExplicitlyDenied_WhicheverArnIsNamed(string namedArn)
    {
        var outcome = await AddressDeniesDomainAllows().Run(Simple(Alice, "sender@example.com", namedArn, "to@example.org"));

        Assert.Equal("authorization", outcome.Rejection?.Step);
        Assert.Equal("AccessDenied", outcome.Rejection!.V1.Code);
        Assert.Equal($"User `{AliceArn}' is not authorized to perform `ses:SendEmail' on resource `{namedArn}'", outcome.Rejection.Error.Message);
        var check = Assert.Single(outcome.Authorizations);
        Assert.Equal(AddressArn, check.PolicyIdentity);
        Assert.Equal(Decision.ExplicitDeny, check.Result.ResourceSide.Decision);
        Assert.Equal(Decision.ExplicitDeny, check.Result.Decision);
        Assert.Equal("NotFromSender", Assert.Single(check.Result.ResourceSide.Reasons).Sid);
        Assert.Contains("Denied: an explicit Deny on either side wins.", AuthorizationDetails(outcome), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_trace_details_the_checks_are_still_all_in_the_outcome_but_no_sentence_is_written()
    {
        var request = Simple(Alice, "sender@example.com", AddressArn, "to@example.org") with { TraceDetails = false };

        var outcome = await AddressDeniesDomainAllows().Run(request);

        Assert.Equal("AccessDenied", outcome.Rejection?.V1.Code); // the same decision
        Assert.Equal("NotFromSender", Assert.Single(Assert.Single(outcome.Authorizations).Result.ResourceSide.Reasons).Sid);
        Assert.Empty(AuthorizationDetails(outcome)); // what the API and SMTP entries skip (nobody reads it there)
        Assert.Contains("Denied: an explicit Deny on either side wins.", outcome.Trace.Single(t => t.Step == "authorization").Summary, StringComparison.Ordinal); // the stopped step still says why
    }

    [Fact]
    public async Task AddressDenies_DomainAllows_OtherAddressesOfTheDomainAreAllowedByTheDomainPolicy()
    {
        var outcome = await AddressDeniesDomainAllows().Run(Simple(Alice, "news@example.com", OwnerDomainArn, "to@example.org"));

        Assert.True(outcome.IsAccepted, outcome.Rejection?.Error.Message);
        Assert.Equal(OwnerDomainArn, Assert.Single(outcome.Authorizations).PolicyIdentity);
    }

    [Theory]
    [InlineData(OwnerDomainArn)]
    [InlineData(AddressArn)]
    public async Task DomainDenies_AddressAllows_SenderAddressIsAllowed_WhicheverArnIsNamed(string namedArn)
    {
        var outcome = await DomainDeniesAddressAllows().Run(Simple(Alice, "sender@example.com", namedArn, "to@example.org"));

        Assert.True(outcome.IsAccepted, outcome.Rejection?.Error.Message + "\n" + AuthorizationDetails(outcome));
        Assert.Equal(namedArn, outcome.Accepted!.SourceArn);
        var check = Assert.Single(outcome.Authorizations);
        Assert.Equal(AddressArn, check.PolicyIdentity);
        Assert.Equal(Decision.Allow, check.Result.ResourceSide.Decision);
        Assert.Equal("FromSender", Assert.Single(check.Result.ResourceSide.Reasons).Sid);
    }

    [Fact]
    public async Task DomainDenies_AddressAllows_OtherAddressesOfTheDomainAreExplicitlyDenied()
    {
        var outcome = await DomainDeniesAddressAllows().Run(Simple(Alice, "news@example.com", OwnerDomainArn, "to@example.org"));

        Assert.Equal("AccessDenied", outcome.Rejection?.V1.Code);
        var check = Assert.Single(outcome.Authorizations);
        Assert.Equal(OwnerDomainArn, check.PolicyIdentity);
        Assert.Equal(Decision.ExplicitDeny, check.Result.Decision);
    }

    [Fact]
    public async Task AnAddressWithoutPolicies_NamedByItsArn_IsDecidedByTheDomainPolicyEvaluatedAgainstTheDomainArn()
    {
        var world = new SendWorld();
        world.Identities.Add(Identity(AddressArn, []));

        var outcome = await world.Run(Simple(Alice, "sender@example.com", AddressArn, "to@example.org"));

        Assert.True(outcome.IsAccepted, outcome.Rejection?.Error.Message);
        var check = Assert.Single(outcome.Authorizations);
        Assert.Equal(AddressArn, check.IdentityArn);
        Assert.Equal(OwnerDomainArn, check.PolicyIdentity);
        Assert.Contains("Owner's policies: those of example.com, because sender@example.com (named by the ARN) has no policies of its own",
            AuthorizationDetails(outcome), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trace_SaysWhichIdentitysPoliciesDecidedAndWhy()
    {
        var world = AddressDeniesDomainAllows();

        var viaDomain = await world.Run(Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org") with { Explain = true });
        var other = await world.Run(Simple(Alice, "news@example.com", OwnerDomainArn, "to@example.org"));

        var details = AuthorizationDetails(viaDomain);
        Assert.Contains("Owner's policies: those of sender@example.com, not of example.com (named by the ARN): sender@example.com is the most specific " +
                        "verified identity covering sender@example.com that has policies, so its policies take precedence, evaluated against its own ARN " +
                        AddressArn + ".", details, StringComparison.Ordinal);
        Assert.Contains("  owner side: Explicitly denied by", details, StringComparison.Ordinal);
        Assert.Contains("Owner's policies: those of example.com (named by the ARN), the most specific verified identity covering news@example.com that has policies.",
            AuthorizationDetails(other), StringComparison.Ordinal);
    }
}
