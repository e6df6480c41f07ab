using System.Text.Json.Nodes;
using SesConsole.Domain.Policies;

namespace SesConsole.Domain.Tests.Policies;

/// <summary>The Delegates tab's reader and editor (docs/delegates.md).</summary>
public sealed class DelegateGrantsTests
{
    private const string Arn = TestPolicies.IdentityText;
    private static readonly FakePrincipalDirectory Directory = FakePrincipalDirectory.Standard();

    private static IReadOnlyList<DelegateGrant> Read(params (string Name, string Document)[] policies) => DelegateGrants.Read(policies, TestPolicies.Identity);

    private static DelegatePolicyChange Add(DelegateRequest request, params (string Name, string Document)[] policies) =>
        DelegateEditor.Add(policies, DelegateEditor.DefaultPolicyName, request, TestPolicies.Identity, Directory).GetValueOrThrow();

    private static JsonObject Statement(string text, int index = 0) => (JsonObject)JsonNode.Parse(text)!["Statement"]![index]!;

    [Fact]
    public void Read_lists_each_principal_with_its_actions_conditions_statement_and_iam_side()
    {
        var policy = TestPolicies.Document(
            TestPolicies.Statement("Agency", "Allow", """{"AWS": ["111122223333", "arn:aws:iam::444455556666:user/Jane", "arn:aws:iam::888888888888:user/Owner"]}""", "ses:SendRawEmail",
                """{"StringLike": {"ses:FromAddress": "news*@example.com"}, "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}, "Null": {"aws:UserAgent": "false"}}"""),
            TestPolicies.Statement("Cognito", "Allow", """{"Service": "cognito-idp.amazonaws.com"}""", "ses:SendEmail"));

        var grants = Read(("shared", policy));

        Assert.Equal(["111122223333", "arn:aws:iam::444455556666:user/Jane", "arn:aws:iam::888888888888:user/Owner", "cognito-idp.amazonaws.com"], grants.Select(g => g.Principal));
        var account = grants[0];
        Assert.Equal(DelegateKind.Account, account.Kind);
        Assert.Equal(DelegateIamSide.UsersAndRolesOfThatAccount, account.IamSide);
        Assert.Equal(["ses:SendRawEmail"], account.Actions);
        var allow = Assert.Single(account.Allows);
        Assert.Equal("policy shared, statement Agency", allow.Where);
        Assert.Equal(2, allow.OtherPrincipals);
        Assert.Equal([DelegateRestrictionKind.FromAddress, DelegateRestrictionKind.SourceIp, DelegateRestrictionKind.Other], allow.Restrictions.Select(r => r.Kind));
        Assert.Equal(DelegateIamSide.Required, grants[1].IamSide);
        Assert.Equal(DelegateKind.User, grants[1].Kind);
        Assert.Equal(DelegateIamSide.NotNeeded, grants[2].IamSide); // the owner's own user: either side is enough
        Assert.Equal(DelegateKind.Service, grants[3].Kind);
        Assert.Equal(DelegateIamSide.NotNeeded, grants[3].IamSide);
    }

    [Fact]
    public void Read_merges_an_account_id_with_its_root_arn_and_shows_denies_that_reach_it()
    {
        var grants = Read(
            ("a", TestPolicies.Document(TestPolicies.Statement("ById", "Allow", """{"AWS": "111122223333"}""", "ses:SendEmail"))),
            ("b", TestPolicies.Document(
                TestPolicies.Statement("ByRoot", "Allow", """{"AWS": "arn:aws:iam::111122223333:root"}""", "ses:SendRawEmail"),
                TestPolicies.Statement("NoUsersOfThatAccount", "Deny", """{"AWS": "111122223333"}""", "ses:SendEmail"),
                TestPolicies.Statement("JohnAllowed", "Allow", """{"AWS": "arn:aws:iam::111122223333:user/John"}""", "ses:SendEmail"),
                TestPolicies.Statement("NeverAnyone", "Deny", "\"*\"", "ses:SendBulkEmail",
                    """{"DateGreaterThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}"""))));

        var account = grants.Single(g => g.Key == "111122223333");
        Assert.Equal(["a", "b"], account.Allows.Select(a => a.PolicyName));
        Assert.Equal(["ses:SendEmail", "ses:SendRawEmail"], account.Actions);
        Assert.Equal(["NoUsersOfThatAccount", "NeverAnyone"], account.Denies.Select(d => d.Sid));
        var john = grants.Single(g => g.Key == "arn:aws:iam::111122223333:user/John");
        Assert.Equal(["NoUsersOfThatAccount", "NeverAnyone"], john.Denies.Select(d => d.Sid)); // its account's Deny reaches it
        Assert.False(john.Denies[0].NamesDelegate);
        var everyone = grants.Single(g => g.Key == "*");
        Assert.Equal(DelegateKind.Everyone, everyone.Kind);
        Assert.False(everyone.IsAllowed);
        Assert.Equal(DelegateRestrictionKind.Time, Assert.Single(everyone.Denies).Restrictions[0].Kind);
    }

    [Fact]
    public void Add_writes_each_restriction_as_its_condition_in_a_new_delegates_policy()
    {
        var change = Add(new DelegateRequest("111122223333", ["ses:SendEmail", "ses:SendRawEmail"])
        {
            FromAddresses = ["news@example.com", "billing*@example.com"],
            RecipientDomains = ["customer.example", "@other.example", "*@third.example"],
            ReturnPathAddresses = ["bounces@example.com"],
            NotBefore = new DateTimeOffset(2026, 12, 1, 9, 30, 0, TimeSpan.FromHours(1)),
            NotAfter = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero),
            SourceIps = ["203.0.113.0/24", "198.51.100.7"],
        });

        Assert.True(change.Creates);
        Assert.Equal("delegates", change.PolicyName);
        var s = Statement(change.After!);
        Assert.Equal("Delegate-111122223333", (string)s["Sid"]!);
        Assert.Equal("Allow", (string)s["Effect"]!);
        Assert.Equal("111122223333", (string)s["Principal"]!["AWS"]!);
        Assert.Equal(Arn, (string)s["Resource"]!);
        var c = s["Condition"]!;
        Assert.Equal("""["news@example.com","billing*@example.com"]""", c["StringLike"]!["ses:FromAddress"]!.ToJsonString());
        Assert.Equal("""["*@customer.example","*@other.example","*@third.example"]""", c["ForAllValues:StringLike"]!["ses:Recipients"]!.ToJsonString());
        Assert.Equal("bounces@example.com", (string)c["StringEquals"]!["ses:FeedbackAddress"]!);
        Assert.Equal("2026-12-01T08:30:00Z", (string)c["DateGreaterThan"]!["aws:CurrentTime"]!);
        Assert.Equal("2027-01-01T00:00:00Z", (string)c["DateLessThan"]!["aws:CurrentTime"]!);
        Assert.Equal("""["203.0.113.0/24","198.51.100.7"]""", c["IpAddress"]!["aws:SourceIp"]!.ToJsonString());
        Assert.Contains("\n  \"Statement\": [", change.After!.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal); // indented
        Assert.True(PolicyValidator.ValidateResourcePolicy(change.After, TestPolicies.Identity, Directory).IsValid);

        // What it wrote reads back as the same grant, conditions and all.
        var grant = Assert.Single(Read(("delegates", change.After!)));
        Assert.Equal([DelegateRestrictionKind.FromAddress, DelegateRestrictionKind.ReturnPath, DelegateRestrictionKind.Recipients, DelegateRestrictionKind.Time, DelegateRestrictionKind.Time, DelegateRestrictionKind.SourceIp],
            grant.Allows[0].Restrictions.Select(r => r.Kind));
    }

    [Theory]
    [InlineData("arn:aws:iam::444455556666:user/Jane", "Delegate-444455556666-user-Jane", "AWS")]
    [InlineData("arn:aws:iam::123456789012:role/Sender", "Delegate-123456789012-role-Sender", "AWS")]
    [InlineData("arn:aws:iam::111122223333:root", "Delegate-111122223333", "AWS")]
    [InlineData("cognito-idp.amazonaws.com", "Delegate-cognito-idp-amazonaws-com", "Service")]
    public void Add_names_the_statement_after_the_principal(string principal, string sid, string member)
    {
        var s = Statement(Add(new DelegateRequest(principal, ["ses:SendEmail"])).After!);

        Assert.Equal(sid, (string)s["Sid"]!);
        Assert.Equal(principal, (string)s["Principal"]![member]!);
        Assert.Null(s["Condition"]);
    }

    [Fact]
    public void Add_to_an_existing_policy_appends_and_adding_again_rewrites_the_same_statement()
    {
        var existing = TestPolicies.Document(TestPolicies.Statement("Keep", "Allow", """{"AWS": "123456789012"}""", "ses:SendEmail"));
        var first = DelegateEditor.Add([("main", existing)], "main", new DelegateRequest("111122223333", ["ses:SendEmail"]), TestPolicies.Identity, Directory).GetValueOrThrow();
        Assert.False(first.Creates);
        Assert.Equal(existing, first.Before);

        var second = DelegateEditor.Add([("main", first.After!)], "main", new DelegateRequest("111122223333", ["ses:SendRawEmail"]) { FromAddresses = ["a@example.com"] }, TestPolicies.Identity, Directory).GetValueOrThrow();

        var statements = JsonNode.Parse(second.After!)!["Statement"]!.AsArray();
        Assert.Equal(["Keep", "Delegate-111122223333"], statements.Select(s => (string)s!["Sid"]!));
        Assert.Equal("""["ses:SendRawEmail"]""", statements[1]!["Action"]!.ToJsonString());
        Assert.Equal("a@example.com", (string)statements[1]!["Condition"]!["StringEquals"]!["ses:FromAddress"]!);
    }

    [Fact]
    public void Add_refuses_what_the_validator_refuses_with_its_message()
    {
        var unknown = DelegateEditor.Add([], "delegates", new DelegateRequest("999988887777", ["ses:SendEmail"]), TestPolicies.Identity, Directory);
        Assert.Equal("policy.invalid", unknown.Error!.Code);
        Assert.StartsWith("Invalid policy: ", unknown.Error.Message, StringComparison.Ordinal);
        Assert.Contains("999988887777", unknown.Error.Message, StringComparison.Ordinal);

        var badIp = DelegateEditor.Add([], "delegates", new DelegateRequest("111122223333", ["ses:SendEmail"]) { SourceIps = ["not-an-ip"] }, TestPolicies.Identity, Directory);
        Assert.Equal("policy.invalid", badIp.Error!.Code);
        Assert.Contains("not-an-ip", badIp.Error.Message, StringComparison.Ordinal);

        Assert.Equal("delegate.principal_invalid", DelegateEditor.Add([], "delegates", new DelegateRequest("11112222333", ["ses:SendEmail"]), TestPolicies.Identity, Directory).Error!.Code);
        Assert.Equal("delegate.no_action", DelegateEditor.Add([], "delegates", new DelegateRequest("111122223333", []), TestPolicies.Identity, Directory).Error!.Code);
        Assert.Equal("policy_name.invalid", DelegateEditor.Add([], "my policy", new DelegateRequest("111122223333", ["ses:SendEmail"]), TestPolicies.Identity, Directory).Error!.Code);
    }

    [Fact]
    public void Revoke_removes_only_that_principal_from_a_statement_naming_several()
    {
        var policy = TestPolicies.Document(
            TestPolicies.Statement("Both", "Allow", """{"AWS": ["111122223333", "arn:aws:iam::444455556666:user/Jane"]}""", "ses:SendEmail",
                """{"StringLike": {"ses:FromAddress": "*@example.com"}}"""));

        var change = Assert.Single(DelegateEditor.Revoke([("p", policy)], "111122223333", denyFromNowOn: false, TestPolicies.Identity, Directory).GetValueOrThrow());

        var s = Statement(change.After!);
        Assert.Equal("arn:aws:iam::444455556666:user/Jane", (string)s["Principal"]!["AWS"]!.AsArray().Single()!);
        Assert.NotNull(s["Condition"]);
        Assert.Equal(["arn:aws:iam::444455556666:user/Jane"], Read(("p", change.After!)).Select(g => g.Principal));
    }

    [Fact]
    public void Revoke_deletes_a_single_principal_statement_and_a_policy_left_empty()
    {
        var two = TestPolicies.Document(
            TestPolicies.Statement("Agency", "Allow", """{"AWS": "arn:aws:iam::111122223333:root"}""", "ses:SendEmail"),
            TestPolicies.Statement("Other", "Allow", """{"AWS": "123456789012"}""", "ses:SendEmail"));
        var one = TestPolicies.Document(TestPolicies.Statement("Only", "Allow", """{"AWS": "111122223333"}""", "ses:SendRawEmail"));

        var changes = DelegateEditor.Revoke([("two", two), ("one", one)], "111122223333", denyFromNowOn: false, TestPolicies.Identity, Directory).GetValueOrThrow();

        Assert.Equal(["two", "one"], changes.Select(c => c.PolicyName));
        Assert.Equal(["Other"], JsonNode.Parse(changes[0].After!)!["Statement"]!.AsArray().Select(s => (string)s!["Sid"]!));
        Assert.True(changes[1].Deletes);
        Assert.Equal(one, changes[1].Before);
    }

    [Fact]
    public void Revoke_with_deny_adds_a_deny_statement_in_the_first_policy_and_keeps_it()
    {
        var one = TestPolicies.Document(TestPolicies.Statement("Only", "Allow", """{"Service": "cognito-idp.amazonaws.com"}""", "ses:SendEmail"));

        var change = Assert.Single(DelegateEditor.Revoke([("one", one)], "cognito-idp.amazonaws.com", denyFromNowOn: true, TestPolicies.Identity, Directory).GetValueOrThrow());

        Assert.False(change.Deletes);
        var s = Statement(change.After!);
        Assert.Equal("DenyDelegate-cognito-idp-amazonaws-com", (string)s["Sid"]!);
        Assert.Equal("Deny", (string)s["Effect"]!);
        Assert.Equal("cognito-idp.amazonaws.com", (string)s["Principal"]!["Service"]!);
        var grant = Assert.Single(Read(("one", change.After!)));
        Assert.False(grant.IsAllowed);
        Assert.True(Assert.Single(grant.Denies).NamesDelegate);
    }

    [Fact]
    public void Revoke_everyone_and_nothing_to_revoke()
    {
        var everyone = TestPolicies.Document(
            TestPolicies.Statement("All", "Allow", "\"*\"", "ses:SendEmail", """{"StringLike": {"ses:FromAddress": "*@example.com"}}"""),
            TestPolicies.Statement("Keep", "Allow", """{"AWS": "123456789012"}""", "ses:SendEmail"));

        var change = Assert.Single(DelegateEditor.Revoke([("p", everyone)], "*", denyFromNowOn: false, TestPolicies.Identity, Directory).GetValueOrThrow());
        Assert.Equal(["Keep"], JsonNode.Parse(change.After!)!["Statement"]!.AsArray().Select(s => (string)s!["Sid"]!));

        var none = DelegateEditor.Revoke([("p", everyone)], "111122223333", denyFromNowOn: true, TestPolicies.Identity, Directory);
        Assert.Equal("delegate.not_granted", none.Error!.Code);
    }

    [Fact]
    public void A_single_object_statement_grows_into_an_array_on_add_and_keeps_its_shape_on_revoke()
    {
        var single = $$$"""{"Version": "2012-10-17", "Statement": {"Sid": "Mixed", "Effect": "Allow", "Principal": {"AWS": "111122223333", "Service": "cognito-idp.amazonaws.com"}, "Action": "ses:SendEmail", "Resource": "{{{Arn}}}"}}""";

        var added = DelegateEditor.Add([("p", single)], "p", new DelegateRequest("123456789012", ["ses:SendEmail"]), TestPolicies.Identity, Directory).GetValueOrThrow();
        Assert.Equal(["Mixed", "Delegate-123456789012"], JsonNode.Parse(added.After!)!["Statement"]!.AsArray().Select(x => (string)x!["Sid"]!));

        var revoked = Assert.Single(DelegateEditor.Revoke([("p", single)], "cognito-idp.amazonaws.com", denyFromNowOn: false, TestPolicies.Identity, Directory).GetValueOrThrow());
        var statement = JsonNode.Parse(revoked.After!)!["Statement"]!.AsObject();
        Assert.Equal("111122223333", (string)statement["Principal"]!["AWS"]!);
        Assert.Null(statement["Principal"]!["Service"]);
    }

    [Theory]
    [InlineData("example.com", "*@example.com")]
    [InlineData("@example.com", "*@example.com")]
    [InlineData("*@example.com", "*@example.com")]
    [InlineData("someone@example.com", "someone@example.com")]
    public void Recipient_domains_become_patterns(string typed, string pattern) => Assert.Equal(pattern, DelegateEditor.RecipientPattern(typed));
}
