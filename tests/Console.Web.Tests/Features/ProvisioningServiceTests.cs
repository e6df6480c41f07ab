using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Data.Entities;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Features.Principals;
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

    [Fact]
    public async Task ApplyAsync_wrong_json_types_are_errors_not_defaults()
    {
        var path = Write("""
            { "accounts": [ { "id": "810000000001", "name": "Types", "sandbox": "no", "sendingEnabled": 1, "regions": ["us-east-1", 7],
                              "users": [ "alice", { "name": "bob", "accessKeys": [ "AKIAINVOICER2222AAAA" ] } ] } ] }
            """);

        var outcome = await app.Get<ProvisioningService>().ApplyAsync(path, TestContext.Current.CancellationToken);

        Assert.Contains($"{path}#/accounts/0/sandbox: \"sandbox\" must be true or false, not the string \"no\"", outcome.Errors);
        Assert.Contains($"{path}#/accounts/0/sendingEnabled: \"sendingEnabled\" must be true or false, not the number 1", outcome.Errors);
        Assert.Contains($"{path}#/accounts/0/regions/1: a region must be a string, for example \"us-east-1\"", outcome.Errors);
        Assert.Contains($"{path}#/accounts/0/users/0: each entry of users must be an object", outcome.Errors);
        Assert.Contains($"{path}#/accounts/0/users/1/accessKeys/0: each access key must be an object with an \"id\"", outcome.Errors);
        Assert.Empty(outcome.Changes);
        await using var db = app.Db();
        Assert.False(await db.Accounts.AnyAsync(a => a.Id == "810000000001", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ApplyAsync_unknown_properties_are_errors_with_the_nearest_known_name()
    {
        var path = Write("""
            { "acounts": [],
              "accounts": [ { "id": "810000000002", "name": "Typos", "sandbx": false, "colour": "blue",
                              "users": [ { "name": "alice", "polices": {}, "accessKeys": [ { "id": "AKIATYPOTYPOTYPO2222", "secrte": "0123456789abcdef0123" } ] } ] } ] }
            """);

        var outcome = await app.Get<ProvisioningService>().ApplyAsync(path, TestContext.Current.CancellationToken);

        Assert.Contains($"{path}#/acounts: unknown property \"acounts\"; did you mean \"accounts\"?", outcome.Errors);
        Assert.Contains($"{path}#/accounts/0/sandbx: unknown property \"sandbx\"; did you mean \"sandbox\"?", outcome.Errors);
        Assert.Contains(outcome.Errors, e => e.StartsWith($"{path}#/accounts/0/colour: unknown property \"colour\"; the known properties here are id, name,", StringComparison.Ordinal));
        Assert.Contains($"{path}#/accounts/0/users/0/polices: unknown property \"polices\"; did you mean \"policies\"?", outcome.Errors);
        Assert.Contains($"{path}#/accounts/0/users/0/accessKeys/0/secrte: unknown property \"secrte\"; did you mean \"secret\"?", outcome.Errors);
        await using var db = app.Db();
        Assert.False(await db.Accounts.AnyAsync(a => a.Id == "810000000002", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ApplyAsync_key_limit_counts_the_keys_already_in_the_database()
    {
        var service = app.Get<ProvisioningService>();
        var first = await service.ApplyAsync(Write(Account("810000000003", """[ { "name": "rotator", "accessKeys": [ { "id": "AKIAROTATORAAAAAAAAA" } ] } ]""")), TestContext.Current.CancellationToken);
        var root = new Caller("p", "root", "810000000003", null, "arn:aws:iam::810000000003:root", false);
        var console = (await app.Get<AccessKeysService>().CreateAsync(root, "rotator", TestContext.Current.CancellationToken)).GetValueOrThrow();

        var path = Write(Account("810000000003", """[ { "name": "rotator", "accessKeys": [ { "id": "AKIAROTATORAAAAAAAAA" }, { "id": "AKIAROTATORBBBBBBBBB" } ] } ]"""));
        var outcome = await service.ApplyAsync(path, TestContext.Current.CancellationToken);

        Assert.True(first.Succeeded, string.Join("\n", first.Errors));
        Assert.Equal($"{path}#/accounts/0/users/0/accessKeys: arn:aws:iam::810000000003:user/rotator already has access key {console.Id}, which this file does not declare; "
            + "with the 2 declared here it would have 3, and the limit is 2 per user (delete a key in the console first, or declare the existing one)", Assert.Single(outcome.Errors));
        await using var db = app.Db();
        Assert.False(await db.AccessKeys.AnyAsync(k => k.Id == "AKIAROTATORBBBBBBBBB", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ApplyAsync_key_of_another_principal_of_the_same_account_is_refused()
    {
        var service = app.Get<ProvisioningService>();
        var first = await service.ApplyAsync(Write(Account("810000000004", """[ { "name": "first", "accessKeys": [ { "id": "AKIAFIRSTFIRSTFIRST4" } ] } ]""")), TestContext.Current.CancellationToken);

        var path = Write(Account("810000000004", """[ { "name": "first" }, { "name": "second", "accessKeys": [ { "id": "AKIAFIRSTFIRSTFIRST4" } ] } ]"""));
        var outcome = await service.ApplyAsync(path, TestContext.Current.CancellationToken);

        Assert.True(first.Succeeded, string.Join("\n", first.Errors));
        Assert.Equal($"{path}#/accounts/0/users/1/accessKeys/0/id: access key AKIAFIRSTFIRSTFIRST4 already belongs to arn:aws:iam::810000000004:user/first; a key never moves to another principal",
            Assert.Single(outcome.Errors));
        var signing = await app.Get<AccessKeysService>().FindForSigningAsync("AKIAFIRSTFIRSTFIRST4", TestContext.Current.CancellationToken);
        Assert.Equal("arn:aws:iam::810000000004:user/first", signing!.PrincipalArn);
        await using var db = app.Db();
        Assert.False(await db.IamPrincipals.AnyAsync(p => p.AccountId == "810000000004" && p.Name == "second", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ApplyAsync_declared_secret_that_differs_from_the_stored_one_is_refused()
    {
        var service = app.Get<ProvisioningService>();
        const string Stored = "stored-secret-0123456789";
        var first = await service.ApplyAsync(Write(Account("810000000005", $$"""[ { "name": "keeper", "accessKeys": [ { "id": "AKIAKEEPERKEEPERKEEP", "secret": "{{Stored}}" } ] } ]""")), TestContext.Current.CancellationToken);

        var path = Write(Account("810000000005", """[ { "name": "keeper", "accessKeys": [ { "id": "AKIAKEEPERKEEPERKEEP", "secret": "another-secret-9876543210" } ] } ]"""));
        var outcome = await service.ApplyAsync(path, TestContext.Current.CancellationToken);
        var withoutSecret = await service.ApplyAsync(Write(Account("810000000005", """[ { "name": "keeper", "accessKeys": [ { "id": "AKIAKEEPERKEEPERKEEP" } ] } ]""")), TestContext.Current.CancellationToken);

        Assert.True(first.Succeeded, string.Join("\n", first.Errors));
        var error = Assert.Single(outcome.Errors);
        Assert.StartsWith($"{path}#/accounts/0/users/0/accessKeys/0/secret: differs from the stored secret of AKIAKEEPERKEEPERKEEP; provisioning never changes a secret", error, StringComparison.Ordinal);
        Assert.DoesNotContain(Stored, error, StringComparison.Ordinal);
        Assert.True(withoutSecret.Succeeded, string.Join("\n", withoutSecret.Errors));
        Assert.Equal(Stored, (await app.Get<AccessKeysService>().FindForSigningAsync("AKIAKEEPERKEEPERKEEP", TestContext.Current.CancellationToken))!.Secret);
    }

    [Fact]
    public async Task ApplyAsync_root_sign_in_that_cannot_be_created_is_an_error_and_applies_nothing()
    {
        using (var scope = app.Factory.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
            Assert.True((await users.CreateAsync(new ConsoleUser { UserName = "taken@provisioned.example", Email = "someone-else@provisioned.example" }, "Xx-0123456789-taken")).Succeeded);
        }

        var path = Write("""{ "accounts": [ { "id": "810000000006", "name": "Taken", "rootEmail": "taken@provisioned.example" } ] }""");

        var outcome = await app.Get<ProvisioningService>().ApplyAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal($"{path}#/accounts/0/rootEmail: cannot create the console sign-in taken@provisioned.example: Username 'taken@provisioned.example' is already taken.", Assert.Single(outcome.Errors));
        await using var db = app.Db();
        Assert.False(await db.Accounts.AnyAsync(a => a.Id == "810000000006", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ApplyAsync_root_sign_in_is_created_with_the_account()
    {
        var path = Write("""{ "accounts": [ { "id": "810000000007", "name": "Signs in", "rootEmail": "root@810000000007.example" } ] }""");

        var outcome = await app.Get<ProvisioningService>().ApplyAsync(path, TestContext.Current.CancellationToken);

        Assert.True(outcome.Succeeded, string.Join("\n", outcome.Errors));
        Assert.Contains("created console sign-in root@810000000007.example for account 810000000007", outcome.Changes);
        var password = Assert.Single(outcome.GeneratedSecrets, s => s.StartsWith("console password of root@810000000007.example: ", StringComparison.Ordinal)).Split(": ")[1];
        using var scope = app.Factory.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
        var user = await users.FindByEmailAsync("root@810000000007.example");
        Assert.Equal("810000000007", user!.AccountId);
        Assert.True(await users.CheckPasswordAsync(user, password));
    }

    [Fact]
    public async Task ApplyAsync_same_root_email_for_two_accounts_is_an_error()
    {
        var path = Write("""{ "accounts": [ { "id": "810000000008", "name": "One", "rootEmail": "twice@provisioned.example" }, { "id": "810000000009", "name": "Two", "rootEmail": "twice@provisioned.example" } ] }""");

        var outcome = await app.Get<ProvisioningService>().ApplyAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal($"{path}#/accounts/1/rootEmail: twice@provisioned.example is the root sign-in of another account in this file", Assert.Single(outcome.Errors));
    }

    private static string Account(string id, string users) => $$"""{ "accounts": [ { "id": "{{id}}", "name": "Account {{id}}", "users": {{users}} } ] }""";

    [Fact]
    public async Task ApplyAsync_configuration_sets_are_created_once_per_region()
    {
        var service = app.Get<ProvisioningService>();
        var path = Write("""
            { "accounts": [ { "id": "666666666666", "name": "Sets", "regions": ["us-east-1", "eu-west-1"], "sandbox": false,
              "configurationSets": ["transactional", { "name": "marketing", "region": "eu-west-1" }] } ] }
            """);

        var first = await service.ApplyAsync(path, TestContext.Current.CancellationToken);
        var second = await service.ApplyAsync(path, TestContext.Current.CancellationToken);

        Assert.True(first.Succeeded, string.Join("\n", first.Errors));
        Assert.Contains("created configuration set transactional of 666666666666 in us-east-1", first.Changes);
        Assert.Contains("created configuration set transactional of 666666666666 in eu-west-1", first.Changes);
        Assert.Contains("created configuration set marketing of 666666666666 in eu-west-1", first.Changes);
        Assert.True(second.Succeeded);
        Assert.Empty(second.Changes);
        await using var db = app.Db();
        Assert.Equal(["eu-west-1:marketing", "eu-west-1:transactional", "us-east-1:transactional"],
            (await db.ConfigurationSets.Where(c => c.AccountId == "666666666666").Select(c => c.Region + ":" + c.Name).ToListAsync(TestContext.Current.CancellationToken)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ApplyAsync_bad_configuration_sets_are_errors_naming_the_entry_and_nothing_is_applied()
    {
        var service = app.Get<ProvisioningService>();
        var path = Write("""
            { "accounts": [ { "id": "555555555555", "name": "Bad sets", "regions": ["us-east-1"],
              "configurationSets": ["has space", { "name": "elsewhere", "region": "eu-west-1" }, { "nam": "typo" }, 5, "dup", "dup"] } ] }
            """);

        var outcome = await service.ApplyAsync(path, TestContext.Current.CancellationToken);

        Assert.False(outcome.Succeeded);
        Assert.Contains(outcome.Errors, e => e.Contains("#/accounts/0/configurationSets/0: Configuration set name 'has space' is invalid", StringComparison.Ordinal));
        Assert.Contains(outcome.Errors, e => e.EndsWith("#/accounts/0/configurationSets/1/region: 'eu-west-1' is not one of this account's regions (us-east-1)", StringComparison.Ordinal));
        Assert.Contains(outcome.Errors, e => e.Contains("#/accounts/0/configurationSets/2/nam: unknown property \"nam\"", StringComparison.Ordinal));
        Assert.Contains(outcome.Errors, e => e.Contains("#/accounts/0/configurationSets/3: a configuration set is a name or", StringComparison.Ordinal));
        Assert.Contains(outcome.Errors, e => e.EndsWith("#/accounts/0/configurationSets/5: configuration set dup is declared twice in us-east-1", StringComparison.Ordinal));
        await using var db = app.Db();
        Assert.False(await db.Accounts.AnyAsync(a => a.Id == "555555555555", TestContext.Current.CancellationToken));
    }

    private string Write(string json)
    {
        var path = Path.Combine(app.Factory.DataDirectory, $"provision-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }
}
