using Bunit;
using SesConsole.Web.Features.Admin;
using SesConsole.Web.Features.Home;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features;

public sealed class AdminPagesTests : ConsoleTestContext
{
    [Fact]
    public void AccountsPage_lists_accounts_and_filters_them()
    {
        SignInAsAdmin();

        var page = Render<AccountsPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=accounts-table] tbody tr").Count));
        page.Find("input[aria-label='Filter accounts']").Input("Owner B");
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=accounts-table] tbody tr")));
        Assert.Contains(AccountB, page.Find("[data-testid=accounts-table] tbody").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateAccountDialog_bad_email_is_shown_on_the_field_then_creation_shows_the_password_once()
    {
        SignInAsAdmin();
        var (dialogs, page) = RenderWithProviders<AccountsPage>();
        page.WaitForElement("[data-testid=create-account]").Click();

        dialogs.WaitForElement("input[data-testid=account-name]").Change("Gamma Mailers");
        dialogs.Find("input[data-testid=account-email]").Change("not-an-email");
        dialogs.Find("[data-testid=create-account-submit]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Enter the root user's email address", dialogs.Markup, StringComparison.Ordinal));

        dialogs.Find("input[data-testid=account-email]").Change("root@gamma.example");
        dialogs.Find("[data-testid=create-account-submit]").Click();

        dialogs.WaitForAssertion(() => Assert.Equal("root@gamma.example", dialogs.Find("[data-testid=root-email]").TextContent));
        Assert.True(dialogs.Find("[data-testid=root-password]").TextContent.Length >= 20);
        page.WaitForAssertion(() => Assert.Contains("Gamma Mailers", page.Markup, StringComparison.Ordinal));
    }

    [Fact]
    public void HomePage_for_an_owner_shows_account_and_sandbox_status()
    {
        SignInAsRoot(AccountA);

        var page = Render<HomePage>();

        page.WaitForAssertion(() => Assert.Equal(AccountA, page.Find("[data-testid=account-id]").TextContent));
        Assert.Contains("Sandbox", page.Markup, StringComparison.Ordinal);
        Assert.Contains("arn:aws:iam::111111111111:root", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void HomePage_for_an_admin_points_to_accounts()
    {
        SignInAsAdmin();

        var page = Render<HomePage>();

        page.WaitForAssertion(() => Assert.Contains("You are a platform admin", page.Markup, StringComparison.Ordinal));
        Assert.Equal("/admin/accounts", page.Find("a[href='/admin/accounts']").GetAttribute("href"));
    }
}
