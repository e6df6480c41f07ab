using System.Text;
using Microsoft.EntityFrameworkCore;
using SesConsole.Domain.Authorization;
using SesConsole.Domain.Policies;
using SesConsole.Web.Features.Policies;

namespace SesConsole.Web.Tests.Features.Policies;

public sealed class IdentityPoliciesServiceTests(PoliciesFixture app) : IClassFixture<PoliciesFixture>
{
    private const string Region = PoliciesFixture.Region;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IdentityPoliciesService Service => app.Service<IdentityPoliciesService>();

    [Fact]
    public async Task Create_stores_the_text_as_written_with_who_and_when()
    {
        var arn = await app.AddIdentityAsync("111111111111", "create.example.com");
        var text = PoliciesFixture.Policy(arn) + "\n   ";

        var saved = await Service.CreateAsync(app.OwnerA, Region, "create.example.com", "Delegate", text, Ct);

        Assert.True(saved.IsSuccess, saved.Error?.Message);
        var list = (await Service.ListAsync(app.OwnerA, Region, "create.example.com", Ct)).GetValueOrThrow();
        var policy = Assert.Single(list.Policies);
        Assert.Equal(text, policy.Document);
        Assert.Equal("owner@example.com", policy.UpdatedBy);
        Assert.Equal(app.Time.GetUtcNow(), policy.UpdatedAt);
        Assert.Equal(1, policy.Summary.Statements);
        Assert.Equal("account 222222222222", policy.Summary.Principals);
    }

    [Fact]
    public async Task Invalid_policy_is_refused_and_the_old_text_stays()
    {
        var arn = await app.AddIdentityAsync("111111111111", "invalid.example.com");
        var good = PoliciesFixture.Policy(arn);
        (await Service.CreateAsync(app.OwnerA, Region, "invalid.example.com", "P", good, Ct)).GetValueOrThrow();

        var bad = good.Replace("ses:SendRawEmail", "ses:SendRawMail", StringComparison.Ordinal);
        var result = await Service.UpdateAsync(app.OwnerA, Region, "invalid.example.com", "P", bad, Ct);

        Assert.False(result.IsSuccess);
        Assert.Equal("policy.invalid", result.Error.Code);
        Assert.Contains("line 8", result.Error.Message, StringComparison.Ordinal);
        Assert.Equal(good, (await Service.GetAsync(app.OwnerA, Region, "invalid.example.com", "P", Ct)).GetValueOrThrow().Document);
    }

    [Fact]
    public async Task Unknown_principal_and_unknown_condition_key_are_refused()
    {
        var arn = await app.AddIdentityAsync("111111111111", "principal.example.com");
        var unknown = await Service.CreateAsync(app.OwnerA, Region, "principal.example.com", "P", PoliciesFixture.Policy(arn, "\"999999999999\""), Ct);
        var key = await Service.CreateAsync(app.OwnerA, Region, "principal.example.com", "P",
            PoliciesFixture.Policy(arn, condition: """{ "StringEquals": { "AWS:SourceAccount": "111111111111" } }"""), Ct);

        Assert.Equal("policy.invalid", unknown.Error!.Code);
        Assert.Contains("Unknown or unapplicable condition field 'AWS:SourceAccount'", key.Error!.Message, StringComparison.Ordinal);
        Assert.Empty((await Service.ListAsync(app.OwnerA, Region, "principal.example.com", Ct)).GetValueOrThrow().Policies);
    }

    [Fact]
    public async Task Warnings_do_not_block_and_are_returned()
    {
        var arn = await app.AddIdentityAsync("111111111111", "warn.example.com");
        var saved = await Service.CreateAsync(app.OwnerA, Region, "warn.example.com", "P",
            PoliciesFixture.Policy(arn, condition: """{ "StringLike": { "ses:FromDisplayName": "Marketing" } }"""), Ct);

        Assert.True(saved.IsSuccess, saved.Error?.Message);
        Assert.Contains(saved.Value.Warnings, w => w.Code == PolicyDiagnosticCodes.LikeWithoutWildcard);
    }

    [Theory]
    [InlineData("", "PolicyName is required.")]
    [InlineData("has space", "PolicyName is invalid. Policy names must only include alpha-numeric characters, dashes, and underscores.")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234x",
        "1 validation error detected: Value at 'policyName' failed to satisfy constraint: Member must have length less than or equal to 64")]
    public async Task Names_follow_SES_rules_and_messages(string name, string message)
    {
        var arn = await app.AddIdentityAsync("111111111111", $"name{Guid.NewGuid():N}.example.com");
        var identity = arn[(arn.IndexOf("identity/", StringComparison.Ordinal) + 9)..];

        var result = await Service.CreateAsync(app.OwnerA, Region, identity, name, PoliciesFixture.Policy(arn), Ct);

        Assert.Equal(message, result.Error!.Message);
        Assert.Equal("Name", result.Error.Location);
    }

    [Fact]
    public async Task Empty_and_oversized_text_are_refused()
    {
        var arn = await app.AddIdentityAsync("111111111111", "size.example.com");
        var empty = await Service.CreateAsync(app.OwnerA, Region, "size.example.com", "P", "", Ct);
        var big = PoliciesFixture.Policy(arn, sid: new string('x', 4000));
        Assert.True(Encoding.UTF8.GetByteCount(big) > 4096);
        var tooBig = await Service.CreateAsync(app.OwnerA, Region, "size.example.com", "P", big, Ct);

        Assert.Equal("Policy is required.", empty.Error!.Message);
        Assert.Equal("policy.invalid", tooBig.Error!.Code);
        Assert.Contains("4096", tooBig.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_21st_policy_is_refused_with_the_SES_message_but_overwriting_is_fine()
    {
        var arn = await app.AddIdentityAsync("111111111111", "limit.example.com");
        for (var i = 0; i < 20; i++)
        {
            (await Service.CreateAsync(app.OwnerA, Region, "limit.example.com", $"P{i}", PoliciesFixture.Policy(arn), Ct)).GetValueOrThrow();
        }

        var extra = await Service.CreateAsync(app.OwnerA, Region, "limit.example.com", "P20", PoliciesFixture.Policy(arn), Ct);
        var overwrite = await Service.UpdateAsync(app.OwnerA, Region, "limit.example.com", "P3", PoliciesFixture.Policy(arn, sid: "Changed"), Ct);

        Assert.Equal("Number of policies for limit.example.com exceeds max allowed number of policies per resource", extra.Error!.Message);
        Assert.True(overwrite.IsSuccess, overwrite.Error?.Message);
        Assert.Equal(20, (await Service.ListAsync(app.OwnerA, Region, "limit.example.com", Ct)).GetValueOrThrow().Policies.Count);
    }

    [Fact]
    public async Task Duplicate_create_missing_update_rename_and_delete()
    {
        var arn = await app.AddIdentityAsync("111111111111", "crud.example.com");
        var text = PoliciesFixture.Policy(arn);
        (await Service.CreateAsync(app.OwnerA, Region, "crud.example.com", "A", text, Ct)).GetValueOrThrow();
        (await Service.CreateAsync(app.OwnerA, Region, "crud.example.com", "B", text, Ct)).GetValueOrThrow();

        Assert.Equal("Policy A already exists", (await Service.CreateAsync(app.OwnerA, Region, "crud.example.com", "A", text, Ct)).Error!.Message);
        Assert.Equal("Policy Z does not exist", (await Service.UpdateAsync(app.OwnerA, Region, "crud.example.com", "Z", text, Ct)).Error!.Message);
        Assert.Equal("Policy B already exists", (await Service.RenameAsync(app.OwnerA, Region, "crud.example.com", "A", "B", Ct)).Error!.Message);

        var renamed = await Service.RenameAsync(app.OwnerA, Region, "crud.example.com", "A", "C", Ct);
        Assert.True(renamed.IsSuccess, renamed.Error?.Message);
        Assert.Equal(text, renamed.Value.Policy.Document);

        Assert.True((await Service.DeleteAsync(app.OwnerA, Region, "crud.example.com", "B", Ct)).IsSuccess);
        Assert.Equal("Policy B does not exist", (await Service.DeleteAsync(app.OwnerA, Region, "crud.example.com", "B", Ct)).Error!.Message);
        Assert.Equal(["C"], (await Service.ListAsync(app.OwnerA, Region, "crud.example.com", Ct)).GetValueOrThrow().Policies.Select(p => p.Name));
    }

    [Fact]
    public async Task Owner_B_never_sees_or_changes_A_policies_and_members_only_read()
    {
        var arn = await app.AddIdentityAsync("111111111111", "private.example.com");
        (await Service.CreateAsync(app.OwnerA, Region, "private.example.com", "P", PoliciesFixture.Policy(arn), Ct)).GetValueOrThrow();
        var arnB = await app.AddIdentityAsync("222222222222", "b.example.com");
        (await Service.CreateAsync(app.OwnerB, Region, "b.example.com", "P", PoliciesFixture.Policy(arnB, "\"111111111111\""), Ct)).GetValueOrThrow();

        Assert.Equal("identity.not_found", (await Service.ListAsync(app.OwnerB, Region, "private.example.com", Ct)).Error!.Code);
        Assert.Equal("identity.not_found", (await Service.GetAsync(app.OwnerB, Region, "private.example.com", "P", Ct)).Error!.Code);
        Assert.Equal("identity.not_found", (await Service.DeleteAsync(app.OwnerB, Region, "private.example.com", "P", Ct)).Error!.Code);
        Assert.Equal("identity.not_found", (await Service.CreateAsync(app.OwnerB, Region, "private.example.com", "X", PoliciesFixture.Policy(arn), Ct)).Error!.Code);
        Assert.Equal("identity.not_found", (await Service.ListAsync(app.OwnerA, "eu-west-1", "private.example.com", Ct)).Error!.Code);

        // The IAM user of B reads B's policies but cannot change them.
        Assert.Single((await Service.ListAsync(app.MailerB, Region, "b.example.com", Ct)).GetValueOrThrow().Policies);
        Assert.Equal("auth.root_only", (await Service.DeleteAsync(app.MailerB, Region, "b.example.com", "P", Ct)).Error!.Code);
        Assert.Equal("auth.root_only", (await Service.UpdateAsync(app.MailerB, Region, "b.example.com", "P", PoliciesFixture.Policy(arnB, "\"111111111111\""), Ct)).Error!.Code);
        await using var db = app.Db();
        Assert.Equal(1, await db.IdentityPolicies.CountAsync(p => p.Name == "P" && db.SendingIdentities.Any(i => i.Id == p.IdentityId && i.Name == "private.example.com"), Ct));
    }

    [Fact]
    public async Task Simulator_allows_and_denies_with_the_engine_explanation_and_the_delegate_side()
    {
        var arn = await app.AddIdentityAsync("111111111111", "sim.example.com");
        var text = PoliciesFixture.Policy(arn, condition: """{ "StringLike": { "ses:FromAddress": "marketing+.*@sim.example.com" } }""", sid: "AuthorizeMarketer");
        var simulator = app.Service<PolicySimulator>();
        var input = new SimulationInput { Principal = "arn:aws:iam::222222222222:user/mailer", FromAddress = "marketing+.news@sim.example.com" };

        var allowed = (await simulator.SimulateAsync(arn, [("draft", text)], input, ct: Ct)).GetValueOrThrow();
        input.FromAddress = "marketing+news@sim.example.com";
        var denied = (await simulator.SimulateAsync(arn, [("draft", text)], input, ct: Ct)).GetValueOrThrow();

        Assert.Equal(Decision.Allow, allowed.Decision);
        Assert.True(Assert.Single(allowed.Statements).Deciding);
        Assert.Contains("Allowed by", allowed.DelegateSide, StringComparison.Ordinal);
        Assert.Equal(Decision.ImplicitDeny, denied.Decision);
        Assert.Contains("in StringLike `.` is a literal dot", Assert.Single(denied.Statements).Explanation, StringComparison.Ordinal);
        Assert.Equal(4, denied.Statements[0].Line); // the statement object opens on line 4
    }

    [Fact]
    public async Task Granted_lists_what_names_the_viewer_in_words_and_checks_a_send()
    {
        var arn = await app.AddIdentityAsync("111111111111", "granted.example.com");
        (await Service.CreateAsync(app.OwnerA, Region, "granted.example.com", "P",
            PoliciesFixture.Policy(arn, condition: """{ "StringLike": { "ses:FromAddress": "*@granted.example.com" } }"""), Ct)).GetValueOrThrow();
        var other = await app.AddIdentityAsync("111111111111", "notyours.example.com");
        (await Service.CreateAsync(app.OwnerA, Region, "notyours.example.com", "P", PoliciesFixture.Policy(other, "\"arn:aws:iam::111111111111:root\""), Ct)).GetValueOrThrow();
        var granted = app.Service<GrantedService>();

        var list = (await granted.ListAsync(app.MailerB, Region, Ct)).GetValueOrThrow();

        var identity = Assert.Single(list, g => g.IdentityName == "granted.example.com");
        Assert.DoesNotContain(list, g => g.IdentityName == "notyours.example.com");
        var rule = Assert.Single(identity.Rules);
        Assert.Equal(["ses:SendEmail", "ses:SendRawEmail"], rule.Actions);
        Assert.StartsWith("the From address must match *@granted.example.com", Assert.Single(rule.Conditions), StringComparison.Ordinal);

        var yes = (await granted.CheckAsync(app.MailerB, Region, arn, new SimulationInput { FromAddress = "news@granted.example.com" }, Ct)).GetValueOrThrow();
        var no = (await granted.CheckAsync(app.MailerB, Region, arn, new SimulationInput { FromAddress = "news@elsewhere.example" }, Ct)).GetValueOrThrow();
        Assert.Equal(Decision.Allow, yes.Decision);
        Assert.Equal(Decision.ImplicitDeny, no.Decision);
    }

    [Fact]
    public async Task Granted_keeps_a_policy_whose_principal_was_deleted_and_names_no_policy_to_the_delegate()
    {
        var iam = app.Service<SesConsole.Web.Features.Iam.IamService>();
        (await iam.CreateAsync(app.OwnerB, SesConsole.Data.Entities.IamPrincipalType.User, "temp", null, Ct)).GetValueOrThrow();
        var arn = await app.AddIdentityAsync("111111111111", "keeps.example.com");
        var text = $$"""
            {
              "Version": "2012-10-17",
              "Statement": [
                { "Sid": "AllowB", "Effect": "Allow", "Principal": { "AWS": "222222222222" }, "Action": "ses:SendEmail", "Resource": "{{arn}}" },
                { "Sid": "DenyTemp", "Effect": "Deny", "Principal": { "AWS": "arn:aws:iam::222222222222:user/temp" }, "Action": "ses:SendEmail", "Resource": "{{arn}}" }
              ]
            }
            """;
        (await Service.CreateAsync(app.OwnerA, Region, "keeps.example.com", "SecretName", text, Ct)).GetValueOrThrow();
        Assert.True((await iam.DeleteAsync(app.OwnerB, SesConsole.Data.Entities.IamPrincipalType.User, "temp", Ct)).IsSuccess);
        var granted = app.Service<GrantedService>();

        var list = (await granted.ListAsync(app.MailerB, Region, Ct)).GetValueOrThrow();
        var check = await granted.CheckAsync(app.MailerB, Region, arn, new SimulationInput { Action = "ses:SendEmail", FromAddress = "news@keeps.example.com" }, Ct);

        Assert.Contains(list, g => g.IdentityName == "keeps.example.com"); // the saved policy still applies, as it does to a send
        var result = check.GetValueOrThrow();
        Assert.NotEqual(Decision.ExplicitDeny, result.Decision); // the Deny named someone else
        Assert.All(result.Statements, s => Assert.Equal("", s.PolicyName));
        Assert.DoesNotContain("SecretName", result.Summary, StringComparison.Ordinal);
    }
}
