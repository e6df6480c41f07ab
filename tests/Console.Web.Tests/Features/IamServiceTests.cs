using Microsoft.EntityFrameworkCore;
using SesConsole.Data.Entities;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features;

public sealed class IamServiceTests(AppFixture app) : IClassFixture<AppFixture>
{
    private readonly IamService _iam = app.Get<IamService>();

    [Fact]
    public async Task CreateAsync_valid_name_stores_user_with_its_arn()
    {
        var result = await _iam.CreateAsync(app.OwnerA, IamPrincipalType.User, "alice.smith+ses@corp", "Marketing sender", TestContext.Current.CancellationToken);

        Assert.True(result.IsSuccess);
        Assert.Equal("arn:aws:iam::111111111111:user/alice.smith+ses@corp", result.Value.Arn);
        var list = await _iam.ListAsync(app.OwnerA, IamPrincipalType.User, TestContext.Current.CancellationToken);
        Assert.Contains(list.Value!, r => r.Name == "alice.smith+ses@corp");
    }

    [Theory]
    [InlineData("", "principal.invalid_name")]
    [InlineData("has space", "principal.invalid_name")]
    [InlineData("slash/name", "principal.invalid_name")]
    public async Task CreateAsync_bad_name_is_refused_and_stores_nothing(string name, string code)
    {
        await using var db = app.Db();
        var before = await db.IamPrincipals.CountAsync(TestContext.Current.CancellationToken);

        var result = await _iam.CreateAsync(app.OwnerA, IamPrincipalType.User, name, null, TestContext.Current.CancellationToken);

        Assert.Equal(code, result.Error?.Code);
        Assert.Equal("Name", result.Error?.Location);
        Assert.Equal(before, await db.IamPrincipals.CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task CreateAsync_duplicate_or_case_variant_name_is_refused()
    {
        await _iam.CreateAsync(app.OwnerA, IamPrincipalType.Role, "Deployer", null, TestContext.Current.CancellationToken);

        var same = await _iam.CreateAsync(app.OwnerA, IamPrincipalType.Role, "Deployer", null, TestContext.Current.CancellationToken);
        var caseVariant = await _iam.CreateAsync(app.OwnerA, IamPrincipalType.Role, "deployer", null, TestContext.Current.CancellationToken);
        var otherAccount = await _iam.CreateAsync(app.OwnerB, IamPrincipalType.Role, "Deployer", null, TestContext.Current.CancellationToken);

        Assert.Equal("principal.exists", same.Error?.Code);
        Assert.Contains("already exists in this account", same.Error!.Message, StringComparison.Ordinal);
        Assert.Equal("principal.exists", caseVariant.Error?.Code);
        Assert.Contains("differ only by case", caseVariant.Error!.Message, StringComparison.Ordinal);
        Assert.True(otherAccount.IsSuccess, "names are unique per account only");
    }

    [Fact]
    public async Task GetAsync_other_accounts_user_is_not_found_and_IAM_users_are_refused()
    {
        var fromOwnerA = await _iam.GetAsync(app.OwnerA, IamPrincipalType.User, "mailer", TestContext.Current.CancellationToken);
        var fromOwnerB = await _iam.GetAsync(app.OwnerB, IamPrincipalType.User, "mailer", TestContext.Current.CancellationToken);
        var fromIamUser = await _iam.GetAsync(app.IamUserB, IamPrincipalType.User, "mailer", TestContext.Current.CancellationToken);
        var fromAdmin = await _iam.ListAsync(app.Admin, IamPrincipalType.User, TestContext.Current.CancellationToken);

        Assert.Equal("principal.not_found", fromOwnerA.Error?.Code);
        Assert.True(fromOwnerB.IsSuccess);
        Assert.Equal("AllowSesSend", Assert.Single(fromOwnerB.Value.Policies).Name);
        Assert.Equal("auth.root_only", fromIamUser.Error?.Code);
        Assert.Equal("auth.root_only", fromAdmin.Error?.Code);
    }

    [Fact]
    public async Task PutPolicyAsync_malformed_json_names_line_and_column_and_keeps_the_old_policy()
    {
        await _iam.CreateAsync(app.OwnerA, IamPrincipalType.User, "policy-owner", null, TestContext.Current.CancellationToken);
        const string good = """{ "Version": "2012-10-17", "Statement": [ { "Effect": "Allow", "Action": "ses:SendEmail", "Resource": "*" } ] }""";
        Assert.True((await _iam.PutPolicyAsync(app.OwnerA, IamPrincipalType.User, "policy-owner", "Send", good, ct: TestContext.Current.CancellationToken)).IsSuccess);

        var bad = await _iam.PutPolicyAsync(app.OwnerA, IamPrincipalType.User, "policy-owner", "Send",
            "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [ { \"Effect\": \"Allow\" \"Action\": \"*\" } ]\n}", "Send", TestContext.Current.CancellationToken);

        Assert.Equal("policy.malformed_json", bad.Error?.Code);
        Assert.Equal("line 3, column 38", bad.Error?.Location);
        var stored = await _iam.GetAsync(app.OwnerA, IamPrincipalType.User, "policy-owner", TestContext.Current.CancellationToken);
        Assert.Equal(good, Assert.Single(stored.Value!.Policies).Document);
    }

    [Theory]
    [InlineData("""{ "Statement": { "Effect": "Allow", "Action": "ses:SendEmails", "Resource": "*" } }""", "policy.unknown_action", "did you mean")]
    [InlineData("""{ "Statement": { "Effect": "Allow", "Principal": "*", "Action": "ses:SendEmail", "Resource": "*" } }""", "policy.principal_not_allowed", "")]
    [InlineData("""{ "Statement": { "Effect": "Permit", "Action": "ses:SendEmail", "Resource": "*" } }""", "policy.invalid_effect", "")]
    [InlineData("""{ "Statement": { "Effect": "Allow", "Action": "ses:SendEmail", "Resource": "*", "Condition": { "StringEquals": { "AWS:SourceAccount": "1" } } } }""", "policy.unknown_condition_key", "AWS:SourceAccount")]
    public async Task PutPolicyAsync_invalid_identity_policy_is_refused_with_the_validators_code(string document, string code, string inMessage)
    {
        await _iam.CreateAsync(app.OwnerA, IamPrincipalType.Role, "validated", null, TestContext.Current.CancellationToken);

        var result = await _iam.PutPolicyAsync(app.OwnerA, IamPrincipalType.Role, "validated", "P", document, ct: TestContext.Current.CancellationToken);

        Assert.Equal(code, result.Error?.Code);
        Assert.StartsWith("line 1, column ", result.Error!.Location, StringComparison.Ordinal);
        Assert.Contains(inMessage, result.Error.Message + string.Join(" ", IamService.Diagnose(document).Select(d => d.Hint)), StringComparison.Ordinal);
        Assert.Empty((await _iam.GetAsync(app.OwnerA, IamPrincipalType.Role, "validated", TestContext.Current.CancellationToken)).Value!.Policies);
    }

    [Fact]
    public async Task PutPolicyAsync_rename_onto_existing_name_is_refused()
    {
        await _iam.CreateAsync(app.OwnerA, IamPrincipalType.User, "two-policies", null, TestContext.Current.CancellationToken);
        const string doc = """{ "Statement": { "Effect": "Allow", "Action": "ses:Send*", "Resource": "*" } }""";
        await _iam.PutPolicyAsync(app.OwnerA, IamPrincipalType.User, "two-policies", "One", doc, ct: TestContext.Current.CancellationToken);
        await _iam.PutPolicyAsync(app.OwnerA, IamPrincipalType.User, "two-policies", "Two", doc, ct: TestContext.Current.CancellationToken);

        var rename = await _iam.PutPolicyAsync(app.OwnerA, IamPrincipalType.User, "two-policies", "Two", doc, "One", TestContext.Current.CancellationToken);
        var badName = await _iam.PutPolicyAsync(app.OwnerA, IamPrincipalType.User, "two-policies", "bad name", doc, ct: TestContext.Current.CancellationToken);

        Assert.Equal("policy.exists", rename.Error?.Code);
        Assert.Equal("policy.invalid_name", badName.Error?.Code);
        var stored = await _iam.GetAsync(app.OwnerA, IamPrincipalType.User, "two-policies", TestContext.Current.CancellationToken);
        Assert.Equal(["One", "Two"], stored.Value!.Policies.Select(p => p.Name));
    }

    [Fact]
    public async Task DeleteAsync_removes_the_user_with_its_keys_and_policies()
    {
        await _iam.CreateAsync(app.OwnerA, IamPrincipalType.User, "short-lived", null, TestContext.Current.CancellationToken);
        var put = await _iam.PutPolicyAsync(app.OwnerA, IamPrincipalType.User, "short-lived", "P", """{ "Statement": { "Effect": "Deny", "Action": "ses:SendRawEmail", "Resource": "*" } }""", ct: TestContext.Current.CancellationToken);
        Assert.True(put.IsSuccess, put.Error?.Message);
        var key = await app.Get<AccessKeysService>().CreateAsync(app.OwnerA, "short-lived", TestContext.Current.CancellationToken);

        var deleted = await _iam.DeleteAsync(app.OwnerA, IamPrincipalType.User, "short-lived", TestContext.Current.CancellationToken);

        Assert.True(deleted.IsSuccess);
        await using var db = app.Db();
        Assert.False(await db.AccessKeys.AnyAsync(k => k.Id == key.Value!.Id, TestContext.Current.CancellationToken));
        Assert.False(await db.IamPrincipals.AnyAsync(p => p.Name == "short-lived", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task EnableConsoleAccessAsync_lets_the_IAM_user_sign_in()
    {
        await _iam.CreateAsync(app.OwnerA, IamPrincipalType.User, "console-user", null, TestContext.Current.CancellationToken);

        var access = await _iam.EnableConsoleAccessAsync(app.OwnerA, "console-user", TestContext.Current.CancellationToken);

        Assert.Equal("111111111111/console-user", access.Value.UserName);
        using var client = await app.Factory.SignInAsync(access.Value.UserName, access.Value.Password);
        var page = await client.GetStringAsync("/security-credentials", TestContext.Current.CancellationToken);
        Assert.Contains("arn:aws:iam::111111111111:user/console-user", page, StringComparison.Ordinal);
    }
}
