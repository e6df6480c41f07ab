using Microsoft.EntityFrameworkCore;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Features.Provisioning;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features;

public sealed class ProvisioningServiceTests(AppFixture app) : IClassFixture<AppFixture>
{
    private const string ValidFile = """
        {
          // comments are allowed, so operators can explain entries
          "accounts": [
            {
              "id": "333333333333",
              "name": "Billing Service",
              "organizationId": "o-billing0001",
              "regions": ["us-east-1", "eu-west-1"],
              "sandbox": false,
              "accessKeys": [ { "id": "AKIAROOTROOTROOT3333" } ],
              "users": [
                {
                  "name": "invoicer",
                  "policies": {
                    "SendInvoices": { "Version": "2012-10-17", "Statement": [ { "Effect": "Allow", "Action": "ses:SendRawEmail", "Resource": "*" } ] }
                  },
                  "accessKeys": [ { "id": "AKIAINVOICER2222AAAA", "secret": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" } ]
                }
              ],
              "roles": [ { "name": "lambda-mailer", "description": "Lambda that sends receipts" } ]
            }
          ]
        }
        """;

    [Fact]
    public async Task ApplyAsync_quota_defaults_to_production_and_follows_the_file()
    {
        var service = app.Get<ProvisioningService>();
        const string Account = """{ "accounts": [ { "id": "777777777777", "name": "Quota", "regions": ["us-east-1"], "sandbox": false QUOTA } ] }""";

        var created = await service.ApplyAsync(Write(Account.Replace("QUOTA", "", StringComparison.Ordinal)), TestContext.Current.CancellationToken);
        int max24; double rate;
        await using (var db = app.Db())
        {
            (max24, rate) = await db.Accounts.Where(a => a.Id == "777777777777").Select(a => ValueTuple.Create(a.Max24HourSend, a.MaxSendRate)).SingleAsync(TestContext.Current.CancellationToken);
        }

        var raised = await service.ApplyAsync(Write(Account.Replace("QUOTA", ", \"max24HourSend\": 10000000, \"maxSendRate\": 100000", StringComparison.Ordinal)), TestContext.Current.CancellationToken);
        var bad = await service.ApplyAsync(Write(Account.Replace("QUOTA", ", \"maxSendRate\": 0.5", StringComparison.Ordinal)), TestContext.Current.CancellationToken);

        Assert.True(created.Succeeded, string.Join("\n", created.Errors));
        Assert.Equal((50_000, 14.0), (max24, rate));
        Assert.Contains("updated account 777777777777", raised.Changes);
        await using (var db = app.Db())
        {
            Assert.Equal((10_000_000, 100_000.0), await db.Accounts.Where(a => a.Id == "777777777777").Select(a => ValueTuple.Create(a.Max24HourSend, a.MaxSendRate)).SingleAsync(TestContext.Current.CancellationToken));
        }

        Assert.Contains(bad.Errors, e => e.EndsWith("#/accounts/0/maxSendRate: \"maxSendRate\" must be a number from 1 to 1000000", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApplyAsync_valid_file_creates_everything_and_is_idempotent()
    {
        var path = Write(ValidFile);
        var service = app.Get<ProvisioningService>();

        var first = await service.ApplyAsync(path, TestContext.Current.CancellationToken);
        var second = await service.ApplyAsync(path, TestContext.Current.CancellationToken);

        Assert.True(first.Succeeded, string.Join("\n", first.Errors));
        Assert.Contains("created account 333333333333 (Billing Service)", first.Changes);
        Assert.Contains("created arn:aws:iam::333333333333:user/invoicer", first.Changes);
        Assert.Contains("created arn:aws:iam::333333333333:role/lambda-mailer", first.Changes);
        var generated = Assert.Single(first.GeneratedSecrets);
        Assert.StartsWith("secret access key of AKIAROOTROOTROOT3333 (root of 333333333333): ", generated, StringComparison.Ordinal);
        Assert.True(second.Succeeded);
        Assert.Empty(second.Changes);
        Assert.Empty(second.GeneratedSecrets);

        var keys = app.Get<AccessKeysService>();
        var invoicer = await keys.FindForSigningAsync("AKIAINVOICER2222AAAA", TestContext.Current.CancellationToken);
        Assert.Equal("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", invoicer!.Secret);
        Assert.Equal("arn:aws:iam::333333333333:user/invoicer", invoicer.PrincipalArn);
        Assert.Equal(generated[(generated.LastIndexOf(' ') + 1)..], (await keys.FindForSigningAsync("AKIAROOTROOTROOT3333", TestContext.Current.CancellationToken))!.Secret);
        await using var db = app.Db();
        var account = await db.Accounts.SingleAsync(a => a.Id == "333333333333", TestContext.Current.CancellationToken);
        Assert.Equal("us-east-1,eu-west-1", account.HomeRegions);
        Assert.False(account.Sandbox);
    }

    [Fact]
    public async Task ApplyAsync_invalid_file_lists_every_problem_with_pointer_and_applies_nothing()
    {
        var path = Write("""
            {
              "accounts": [
                { "id": "444444444444", "name": "Would be created", "regions": ["us-east-1"] },
                { "id": "12", "name": "Bad", "regions": ["mars-1"],
                  "users": [ { "name": "bad name", "policies": { "P": "{ not json" } }, { "name": "ok", "accessKeys": [ { "id": "AKIA-nope" } ] } ] }
              ]
            }
            """);

        var outcome = await app.Get<ProvisioningService>().ApplyAsync(path, TestContext.Current.CancellationToken);

        Assert.False(outcome.Succeeded);
        Assert.Contains($"{path}#/accounts/1/id: '12' is not an account ID: an account ID is exactly 12 digits, for example 123456789012.", outcome.Errors);
        Assert.Contains(outcome.Errors, e => e.StartsWith($"{path}#/accounts/1/regions/0: unknown region 'mars-1'", StringComparison.Ordinal));
        Assert.Contains(outcome.Errors, e => e.StartsWith($"{path}#/accounts/1/users/0/name: ", StringComparison.Ordinal));
        Assert.Contains(outcome.Errors, e => e.StartsWith($"{path}#/accounts/1/users/0/policies/P: Line 1, column", StringComparison.Ordinal));
        Assert.Contains(outcome.Errors, e => e.StartsWith($"{path}#/accounts/1/users/1/accessKeys/0/id: ", StringComparison.Ordinal));
        await using var db = app.Db();
        Assert.False(await db.Accounts.AnyAsync(a => a.Id == "444444444444", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ApplyAsync_malformed_file_names_line_and_column()
    {
        var path = Write("{\n  \"accounts\": [\n    { \"id\": \"555555555555\" \"name\": \"x\" }\n  ]\n}");

        var outcome = await app.Get<ProvisioningService>().ApplyAsync(path, TestContext.Current.CancellationToken);

        var error = Assert.Single(outcome.Errors);
        Assert.True(error.StartsWith($"{path}: malformed JSON at line 3, column 28: '\"' is invalid after a value.", StringComparison.Ordinal), error);
        Assert.DoesNotContain("LineNumber", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyAsync_key_of_another_account_is_refused()
    {
        var rootKey = await app.Get<AccessKeysService>().CreateAsync(app.OwnerA, null, TestContext.Current.CancellationToken);
        var path = Write($$"""{ "accounts": [ { "id": "666666666666", "name": "Thief", "accessKeys": [ { "id": "{{rootKey.Value!.Id}}", "secret": "0123456789abcdef0123" } ] } ] }""");

        var outcome = await app.Get<ProvisioningService>().ApplyAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal($"{path}#/accounts/0/accessKeys/0/id: access key {rootKey.Value.Id} already belongs to another account", Assert.Single(outcome.Errors));
        await app.Get<AccessKeysService>().DeleteAsync(app.OwnerA, rootKey.Value.Id, TestContext.Current.CancellationToken);
    }

    private string Write(string json)
    {
        var path = Path.Combine(app.Factory.DataDirectory, $"provision-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }
}
