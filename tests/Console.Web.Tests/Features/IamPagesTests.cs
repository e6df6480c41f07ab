using Bunit;
using MudBlazor;
using SesConsole.Data.Entities;
using SesConsole.Web.Components.Shared;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features;

public sealed class IamPagesTests : ConsoleTestContext
{
    private static Caller RootOf(string account) => new("id", "root", account, null, $"arn:aws:iam::{account}:root", false);

    [Fact]
    public void IamListPage_without_users_shows_what_to_do_next()
    {
        SignInAsRoot(AccountA);

        var page = Render<IamListPage>(p => p.Add(x => x.Kind, "users"));

        page.WaitForAssertion(() => Assert.Contains("No IAM users yet", page.Markup, StringComparison.Ordinal));
        Assert.Contains("attach a policy that allows ses:Send*", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IamListPage_lists_only_the_callers_users_with_links()
    {
        await Service<IamService>().CreateAsync(RootOf(AccountA), IamPrincipalType.User, "alice", null, Xunit.TestContext.Current.CancellationToken);
        await Service<IamService>().CreateAsync(RootOf(AccountB), IamPrincipalType.User, "bob", null, Xunit.TestContext.Current.CancellationToken);
        SignInAsRoot(AccountA);

        var page = Render<IamListPage>(p => p.Add(x => x.Kind, "users"));

        page.WaitForAssertion(() => Assert.Contains("arn:aws:iam::111111111111:user/alice", page.Markup, StringComparison.Ordinal));
        Assert.DoesNotContain("bob", page.Markup, StringComparison.Ordinal);
        Assert.Equal("/iam/users/alice", page.Find("[data-testid=principals-table] a").GetAttribute("href"));
    }

    [Fact]
    public void CreatePrincipalDialog_bad_name_shows_the_rule_then_good_name_creates()
    {
        SignInAsRoot(AccountA);
        var (dialogs, page) = RenderWithProviders<IamListPage>(("Kind", "roles"));
        page.WaitForElement("[data-testid=create-principal]").Click();

        dialogs.WaitForElement("input[data-testid=principal-name]").Input("bad name");
        dialogs.Find("[data-testid=create-principal-submit]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("is not a valid IAM role name", dialogs.Markup, StringComparison.Ordinal));

        dialogs.Find("input[data-testid=principal-name]").Input("deployer");
        dialogs.Find("[data-testid=create-principal-submit]").Click();

        page.WaitForAssertion(() => Assert.Contains("arn:aws:iam::111111111111:role/deployer", page.Markup, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AccessKeysPanel_create_shows_the_secret_once_and_lists_the_key()
    {
        await Service<IamService>().CreateAsync(RootOf(AccountA), IamPrincipalType.User, "sender", null, Xunit.TestContext.Current.CancellationToken);
        SignInAsRoot(AccountA);
        var (dialogs, panel) = RenderWithProviders<AccessKeysPanel>(("Caller", RootOf(AccountA)), ("IamUserName", "sender"));
        panel.WaitForAssertion(() => Assert.Contains("No access keys", panel.Markup, StringComparison.Ordinal));

        panel.Find("[data-testid=create-access-key]").Click();

        var secret = dialogs.WaitForElement("[data-testid=new-access-key-secret]").TextContent;
        var id = dialogs.Find("[data-testid=new-access-key-id]").TextContent;
        Assert.Equal(40, secret.Length);
        Assert.Contains("only time the secret is shown", dialogs.Markup, StringComparison.Ordinal);
        panel.WaitForAssertion(() => Assert.Contains(id, panel.Find("[data-testid=access-keys-table]").TextContent, StringComparison.Ordinal));
        dialogs.Find("[data-testid=shown-once-done]").Click();
        dialogs.WaitForAssertion(() => Assert.DoesNotContain(secret, dialogs.Markup, StringComparison.Ordinal));
        Assert.DoesNotContain(secret, panel.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AccessKeysPanel_delete_asks_first_and_cancel_keeps_the_key()
    {
        var key = await Service<AccessKeysService>().CreateAsync(RootOf(AccountA), null, Xunit.TestContext.Current.CancellationToken);
        SignInAsRoot(AccountA);
        var (dialogs, panel) = RenderWithProviders<AccessKeysPanel>(("Caller", RootOf(AccountA)));

        panel.WaitForElement($"button[aria-label='Delete access key {key.Value!.Id}']").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Delete access key?", dialogs.Markup, StringComparison.Ordinal));
        dialogs.FindAll("button").First(b => b.TextContent.Trim() == "Cancel").Click();

        Assert.Single((await Service<AccessKeysService>().ListAsync(RootOf(AccountA), null, Xunit.TestContext.Current.CancellationToken)).Value!);

        panel.Find($"button[aria-label='Delete access key {key.Value.Id}']").Click();
        dialogs.WaitForElement("[data-testid=confirm]").Click();
        panel.WaitForAssertion(() => Assert.Contains("No access keys", panel.Markup, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AccessKeysPanel_deactivate_asks_first_and_cancel_keeps_the_key_active()
    {
        var key = await Service<AccessKeysService>().CreateAsync(RootOf(AccountA), null, Xunit.TestContext.Current.CancellationToken);
        SignInAsRoot(AccountA);
        var (dialogs, panel) = RenderWithProviders<AccessKeysPanel>(("Caller", RootOf(AccountA)));

        panel.WaitForElement($"[data-testid=toggle-access-key-{key.Value!.Id}]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Deactivate access key?", dialogs.Markup, StringComparison.Ordinal));
        Assert.Contains($"signed with {key.Value.Id} will be refused until you activate it again", dialogs.Markup, StringComparison.Ordinal);
        dialogs.FindAll("button").First(b => b.TextContent.Trim() == "Cancel").Click();

        dialogs.WaitForAssertion(() => Assert.DoesNotContain("Deactivate access key?", dialogs.Markup, StringComparison.Ordinal));
        Assert.Equal(AccessKeyStatus.Active, (await Service<AccessKeysService>().FindForSigningAsync(key.Value.Id, Xunit.TestContext.Current.CancellationToken))!.Status);

        panel.Find($"[data-testid=toggle-access-key-{key.Value.Id}]").Click();
        dialogs.WaitForElement("[data-testid=confirm]").Click();

        panel.WaitForAssertion(() => Assert.Equal("Activate", panel.Find($"[data-testid=toggle-access-key-{key.Value.Id}]").TextContent.Trim()));
        Assert.Equal(AccessKeyStatus.Inactive, (await Service<AccessKeysService>().FindForSigningAsync(key.Value.Id, Xunit.TestContext.Current.CancellationToken))!.Status);

        panel.Find($"[data-testid=toggle-access-key-{key.Value.Id}]").Click();
        panel.WaitForAssertion(() => Assert.Equal("Deactivate", panel.Find($"[data-testid=toggle-access-key-{key.Value.Id}]").TextContent.Trim()));
        Assert.DoesNotContain("Deactivate access key?", dialogs.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PolicyDialog_malformed_json_shows_line_and_column_and_saves_nothing()
    {
        await Service<IamService>().CreateAsync(RootOf(AccountA), IamPrincipalType.User, "policy-user", null, Xunit.TestContext.Current.CancellationToken);
        SignInAsRoot(AccountA);
        var (dialogs, page) = RenderWithProviders<IamPrincipalPage>(("Kind", "users"), ("Name", "policy-user"));
        page.WaitForElement("[data-testid=add-policy]").Click();

        dialogs.WaitForElement("input[data-testid=policy-name]").Input("Send");
        await TypeIntoPolicyEditorAsync(dialogs, "{\n  \"Statement\": [\n    { \"Effect\": \"Allow\",, }\n  ]\n}");
        dialogs.Find("[data-testid=policy-save]").Click();

        dialogs.WaitForAssertion(() => Assert.StartsWith("Line 3, column 25: The policy is not valid JSON", dialogs.Find("[data-testid=policy-error]").TextContent, StringComparison.Ordinal));
        Assert.Contains("Ln 3, Col 25", dialogs.Find("[data-testid=policy-problems]").TextContent, StringComparison.Ordinal);
        var stored = await Service<IamService>().GetAsync(RootOf(AccountA), IamPrincipalType.User, "policy-user", Xunit.TestContext.Current.CancellationToken);
        Assert.Empty(stored.Value!.Policies);
    }

    [Fact]
    public async Task PolicyDialog_lists_live_problems_with_hints_while_typing()
    {
        await Service<IamService>().CreateAsync(RootOf(AccountA), IamPrincipalType.User, "live-user", null, Xunit.TestContext.Current.CancellationToken);
        SignInAsRoot(AccountA);
        var (dialogs, page) = RenderWithProviders<IamPrincipalPage>(("Kind", "users"), ("Name", "live-user"));
        page.WaitForElement("[data-testid=add-policy]").Click();

        dialogs.WaitForElement("[data-testid=policy-json-editor]");
        await TypeIntoPolicyEditorAsync(dialogs, """{ "Statement": { "Effect": "Allow", "Action": "ses:SendRawEmali", "Resource": "*" } }""");

        dialogs.WaitForAssertion(() => Assert.Contains("ses:SendRawEmail", dialogs.Find("[data-testid=policy-problems]").TextContent, StringComparison.Ordinal));
        Assert.Contains("Ln 1,", dialogs.Find("[data-testid=policy-problems]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Iam_policy_dialog_gives_the_editor_the_identity_policy_schema()
    {
        await Service<IamService>().CreateAsync(RootOf(AccountA), IamPrincipalType.User, "schema-user", null, Xunit.TestContext.Current.CancellationToken);
        SignInAsRoot(AccountA);
        var (dialogs, page) = RenderWithProviders<IamPrincipalPage>(("Kind", "users"), ("Name", "schema-user"));

        page.WaitForElement("[data-testid=add-policy]").Click();

        var editor = dialogs.WaitForComponent<PolicyJsonEditor>();
        Assert.Equal(SesConsole.Web.Features.Policies.PolicySchema.BuildIdentityPolicy(), editor.Instance.Schema);
        dialogs.WaitForAssertion(() => Assert.Contains(JSInterop.Invocations,
            i => i.Identifier == "sesPolicyEditor.registerSchema" && (string?)i.Arguments[0] == SesConsole.Web.Features.Policies.PolicySchema.BuildIdentityPolicy()));
    }

    /// <summary>What typing in Monaco does: the wrapper raises ValueChanged with the new text.</summary>
    private static Task TypeIntoPolicyEditorAsync(IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> root, string text)
    {
        var editor = root.FindComponent<PolicyJsonEditor>();
        return editor.InvokeAsync(() => editor.Instance.ValueChanged.InvokeAsync(text));
    }

    [Fact]
    public void IamPrincipalPage_of_another_account_says_not_found()
    {
        SignInAsRoot(AccountB);

        var page = Render<IamPrincipalPage>(p => p.Add(x => x.Kind, "users").Add(x => x.Name, "alice"));

        page.WaitForAssertion(() => Assert.Contains("There is no IAM user named 'alice' in your account", page.Markup, StringComparison.Ordinal));
    }
}
