using Microsoft.EntityFrameworkCore;
using SesConsole.Web.Features.Provisioning;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features;

/// <summary>A role's <c>trustPolicy</c> and <c>maxSessionDuration</c> in the provisioning file (docs/sts.md).</summary>
public sealed class ProvisioningTrustPolicyTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task ApplyAsync_trust_policy_may_name_principals_declared_in_the_same_file_and_is_idempotent()
    {
        var path = Write("""
            {
              "accounts": [
                {
                  "id": "818181818181", "name": "Roles",
                  "users": [ { "name": "deployer" } ],
                  "roles": [
                    {
                      "name": "release", "maxSessionDuration": 7200,
                      "trustPolicy": {
                        "Version": "2012-10-17",
                        "Statement": [
                          { "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::818181818181:user/deployer" }, "Action": "sts:AssumeRole" },
                          { "Effect": "Allow", "Principal": { "AWS": "828282828282" }, "Action": "sts:AssumeRole",
                            "Condition": { "StringEquals": { "sts:ExternalId": "partner-42" } } }
                        ]
                      }
                    }
                  ]
                },
                { "id": "828282828282", "name": "Partner" }
              ]
            }
            """);
        var service = app.Get<ProvisioningService>();

        var first = await service.ApplyAsync(path, TestContext.Current.CancellationToken);
        var second = await service.ApplyAsync(path, TestContext.Current.CancellationToken);

        Assert.True(first.Succeeded, string.Join("\n", first.Errors));
        Assert.Contains("set the trust policy of arn:aws:iam::818181818181:role/release", first.Changes);
        Assert.Contains("set the maximum session duration of arn:aws:iam::818181818181:role/release to 7200 seconds", first.Changes);
        Assert.True(second.Succeeded);
        Assert.Empty(second.Changes);
        await using var db = app.Db();
        var role = await db.IamPrincipals.AsNoTracking().SingleAsync(p => p.AccountId == "818181818181" && p.Name == "release", TestContext.Current.CancellationToken);
        Assert.Contains("\"sts:ExternalId\": \"partner-42\"", role.TrustPolicy, StringComparison.Ordinal);
        Assert.Equal(7200, role.MaxSessionDurationSeconds);
    }

    [Fact]
    public async Task ApplyAsync_invalid_trust_policies_are_errors_with_pointer_line_and_column_and_apply_nothing()
    {
        var path = Write("""
            {
              "accounts": [
                {
                  "id": "838383838383", "name": "Broken",
                  "users": [ { "name": "u", "trustPolicy": { "Statement": [] } } ],
                  "roles": [
                    { "name": "r1", "trustPolicy": { "Statement": [ { "Effect": "Allow", "Principal": { "AWS": "838383838383" }, "Action": "ses:SendEmail" } ] } },
                    { "name": "r2", "trustPolicy": { "Statement": [ { "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::838383838383:user/ghost" }, "Action": "sts:AssumeRole" } ] } },
                    { "name": "r3", "trustPolicy": 5, "maxSessionDuration": 100 }
                  ]
                }
              ]
            }
            """);

        var outcome = await app.Get<ProvisioningService>().ApplyAsync(path, TestContext.Current.CancellationToken);

        Assert.False(outcome.Succeeded);
        Assert.Contains(outcome.Errors, e => e.StartsWith($"{path}#/accounts/0/users/0/trustPolicy: unknown property \"trustPolicy\"", StringComparison.Ordinal));
        Assert.Contains(outcome.Errors, e => e.StartsWith($"{path}#/accounts/0/roles/2/trustPolicy: \"trustPolicy\" must be a policy document (an object), not the number 5", StringComparison.Ordinal));
        Assert.Contains($"{path}#/accounts/0/roles/2/maxSessionDuration: \"maxSessionDuration\" must be a whole number from 3600 to 43200", outcome.Errors);
        await using var db = app.Db();
        Assert.False(await db.Accounts.AnyAsync(a => a.Id == "838383838383", TestContext.Current.CancellationToken));

        // With the file-level problems fixed, the policies themselves are checked against the principals (database and file).
        var second = Write("""
            {
              "accounts": [
                {
                  "id": "838383838383", "name": "Broken",
                  "roles": [
                    { "name": "r1", "trustPolicy": { "Statement": [ { "Effect": "Allow", "Principal": { "AWS": "838383838383" }, "Action": "ses:SendEmail" } ] } },
                    { "name": "r2", "trustPolicy": { "Statement": [ { "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::838383838383:user/ghost" }, "Action": "sts:AssumeRole" } ] } }
                  ]
                }
              ]
            }
            """);
        var checkedAgainstPrincipals = await app.Get<ProvisioningService>().ApplyAsync(second, TestContext.Current.CancellationToken);

        Assert.Contains(checkedAgainstPrincipals.Errors, e => e.StartsWith($"{second}#/accounts/0/roles/0/trustPolicy: Line ", StringComparison.Ordinal)
            && e.Contains("'ses:SendEmail' is not an action a trust policy grants", StringComparison.Ordinal));
        Assert.Contains(checkedAgainstPrincipals.Errors, e => e.StartsWith($"{second}#/accounts/0/roles/1/trustPolicy: Line ", StringComparison.Ordinal)
            && e.Contains("does not exist here", StringComparison.Ordinal));
        await using var after = app.Db();
        Assert.False(await after.Accounts.AnyAsync(a => a.Id == "838383838383", TestContext.Current.CancellationToken));
    }

    private string Write(string json)
    {
        var path = Path.Combine(app.Factory.DataDirectory, $"provision-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }
}
