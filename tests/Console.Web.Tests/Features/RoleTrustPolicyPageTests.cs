using Bunit;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Web.Components.Shared;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features;

/// <summary>A role's trust policy on its console page: the policy editor, the validator's line and column, a snackbar after saving.</summary>
public sealed class RoleTrustPolicyPageTests : ConsoleTestContext
{
    private static readonly Caller RootA = new("id", "root", AccountA, null, $"arn:aws:iam::{AccountA}:root", false);

    private static readonly string ValidTrust = $$"""
        {
          "Version": "2012-10-17",
          "Statement": [
            { "Sid": "Alice", "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::{{AccountA}}:user/alice" }, "Action": "sts:AssumeRole" }
          ]
        }
        """;

    private async Task<string?> StoredTrustAsync(string role)
    {
        await using var db = await Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Xunit.TestContext.Current.CancellationToken);
        return await db.IamPrincipals.Where(p => p.AccountId == AccountA && p.Name == role).Select(p => p.TrustPolicy).SingleAsync(Xunit.TestContext.Current.CancellationToken);
    }

    private async Task<IRenderedComponent<RoleTrustPolicySection>> RenderRoleAsync(string role)
    {
        await Service<IamService>().CreateAsync(RootA, IamPrincipalType.User, "alice", null, Xunit.TestContext.Current.CancellationToken);
        await Service<IamService>().CreateAsync(RootA, IamPrincipalType.Role, role, null, Xunit.TestContext.Current.CancellationToken);
        SignInAsRoot(AccountA);
        var (_, page) = RenderWithProviders<IamPrincipalPage>(("Kind", "roles"), ("Name", role));
        page.WaitForElement("[data-testid=trust-policy-section]");
        var section = page.FindComponent<RoleTrustPolicySection>();
        section.WaitForAssertion(() => Assert.NotNull(section.FindComponent<PolicyJsonEditor>().Instance.Schema));
        return section;
    }

    private static Task TypeAsync(IRenderedComponent<RoleTrustPolicySection> section, string text)
    {
        var editor = section.FindComponent<PolicyJsonEditor>();
        return editor.InvokeAsync(() => editor.Instance.ValueChanged.InvokeAsync(text));
    }

    [Fact]
    public async Task Trust_policy_valid_is_saved_with_a_snackbar()
    {
        var section = await RenderRoleAsync("deployer");
        Assert.Contains("nobody can assume it", section.Find("[data-testid=trust-policy-none]").TextContent, StringComparison.Ordinal);

        await TypeAsync(section, ValidTrust);
        section.Find("[data-testid=trust-policy-save]").Click();

        section.WaitForAssertion(() => Assert.Contains(Service<ISnackbar>().ShownSnackbars, s => s.Message == "Saved the trust policy of deployer."));
        Assert.Equal(ValidTrust, await StoredTrustAsync("deployer"));
        Assert.Empty(section.FindAll("[data-testid=trust-policy-error]"));
    }

    [Fact]
    public async Task Trust_policy_invalid_shows_line_and_column_and_keeps_the_old_policy()
    {
        await Service<IamService>().CreateAsync(RootA, IamPrincipalType.User, "bob", null, Xunit.TestContext.Current.CancellationToken);
        var section = await RenderRoleAsync("keeper");
        await TypeAsync(section, ValidTrust);
        section.Find("[data-testid=trust-policy-save]").Click();
        section.WaitForAssertion(() => Assert.Contains(Service<ISnackbar>().ShownSnackbars, s => s.Message == "Saved the trust policy of keeper."));
        var line3 = """    { "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::111111111111:user/bob" }, "Action": "ses:SendEmail" }""";
        var column = line3.IndexOf("\"ses:SendEmail\"", StringComparison.Ordinal) + 1;

        await TypeAsync(section, "{\n  \"Statement\": [\n" + line3 + "\n  ]\n}");
        section.Find("[data-testid=trust-policy-save]").Click();

        section.WaitForAssertion(() => Assert.StartsWith($"Line 3, column {column}: 'ses:SendEmail' is not an action a trust policy grants",
            section.Find("[data-testid=trust-policy-error]").TextContent, StringComparison.Ordinal));
        Assert.Contains($"Ln 3, Col {column}", section.Find("[data-testid=policy-problems]").TextContent, StringComparison.Ordinal);
        Assert.Equal(ValidTrust, await StoredTrustAsync("keeper"));
        Assert.Single(Service<ISnackbar>().ShownSnackbars, s => s.Message?.StartsWith("Saved", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Trust_policy_naming_an_unknown_user_is_refused()
    {
        var section = await RenderRoleAsync("strict");

        await TypeAsync(section, ValidTrust.Replace("user/alice", "user/ghost", StringComparison.Ordinal));
        section.Find("[data-testid=trust-policy-save]").Click();

        section.WaitForAssertion(() => Assert.Contains("does not exist here", section.Find("[data-testid=trust-policy-error]").TextContent, StringComparison.Ordinal));
        Assert.Null(await StoredTrustAsync("strict"));
    }

    [Fact]
    public async Task Maximum_session_duration_is_saved_within_IAMs_range()
    {
        var section = await RenderRoleAsync("long-runner");

        section.Find("input[data-testid=max-session-duration]").Change("7200");
        section.Find("[data-testid=max-session-duration-save]").Click();

        section.WaitForAssertion(() => Assert.Contains(Service<ISnackbar>().ShownSnackbars, s => s.Message?.Contains("7,200 seconds", StringComparison.Ordinal) == true));
        await using var db = await Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Xunit.TestContext.Current.CancellationToken);
        Assert.Equal(7200, await db.IamPrincipals.Where(p => p.Name == "long-runner").Select(p => p.MaxSessionDurationSeconds).SingleAsync(Xunit.TestContext.Current.CancellationToken));
        Assert.False((await Service<IamService>().SetMaxSessionDurationAsync(RootA, "long-runner", 60, Xunit.TestContext.Current.CancellationToken)).IsSuccess);
    }
}
