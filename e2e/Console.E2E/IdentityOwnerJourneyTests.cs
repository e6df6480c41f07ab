using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SesConsole.E2E.Infrastructure;
using SesConsole.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace SesConsole.E2E;

[Collection(ConsoleServerGroup.Name)]
public sealed class IdentityOwnerJourneyTests(ConsoleServer server)
{
    [Fact]
    public async Task Owner_creates_an_IAM_user_and_an_access_key_whose_secret_is_shown_once_and_another_owner_cannot_see_it()
    {
        var page = await server.NewPageAsync();
        await new SignInPage(page).SignInAsync("owner@example.com", ConsoleServer.Password);
        await page.WaitForCircuitAsync();
        await Expect(page.GetByTestId("account-id")).ToHaveTextAsync("111111111111");
        await ConsoleServer.ScreenshotAsync(page, "overview");

        await page.GetByRole(AriaRole.Link, new() { Name = "Users", Exact = true }).ClickAsync();
        await Expect(page.GetByText("No IAM users yet")).ToBeVisibleAsync();
        await page.GetByTestId("create-principal").ClickAsync();
        await page.GetByTestId("principal-name").FillAsync("bad name");
        await page.GetByTestId("create-principal-submit").ClickAsync();
        await Expect(page.GetByText("'bad name' is not a valid IAM user name")).ToBeVisibleAsync();
        await page.GetByTestId("principal-name").FillAsync("campaigns");
        await page.GetByTestId("create-principal-submit").ClickAsync();
        await Expect(page.GetByText("Created arn:aws:iam::111111111111:user/campaigns")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "campaigns" }).ClickAsync();
        await Expect(page.GetByTestId("principal-arn")).ToHaveTextAsync("arn:aws:iam::111111111111:user/campaigns");
        await page.GetByTestId("create-access-key").ClickAsync();
        var keyId = await page.GetByTestId("new-access-key-id").InnerTextAsync();
        var secret = await page.GetByTestId("new-access-key-secret").InnerTextAsync();
        Assert.Matches("^AKIA[A-Z2-7]{16}$", keyId);
        Assert.Equal(40, secret.Length);
        await ConsoleServer.ScreenshotAsync(page, "access-key-created");
        await page.GetByTestId("shown-once-done").ClickAsync();
        await Expect(page.GetByTestId("access-keys-table")).ToContainTextAsync(keyId);
        await Expect(page.GetByText(secret)).ToHaveCountAsync(0);
        await page.ReloadAsync();
        await page.WaitForCircuitAsync();
        await Expect(page.GetByTestId("access-keys-table")).ToContainTextAsync(keyId);
        Assert.DoesNotContain(secret, await page.ContentAsync(), StringComparison.Ordinal);
        await ConsoleServer.ScreenshotAsync(page, "iam-user");

        var other = await server.NewPageAsync();
        await new SignInPage(other).SignInAsync("delegate@example.com", ConsoleServer.Password);
        await other.WaitForCircuitAsync();
        await Expect(other.GetByTestId("account-id")).ToHaveTextAsync("222222222222");
        await other.GotoInteractiveAsync("/iam/users");
        await Expect(other.GetByTestId("principals-table")).ToContainTextAsync("mailer");
        await Expect(other.GetByTestId("principals-table")).Not.ToContainTextAsync("campaigns");
        await other.GotoInteractiveAsync("/iam/users/campaigns");
        await Expect(other.GetByText("There is no IAM user named 'campaigns' in your account.")).ToBeVisibleAsync();
        await other.GotoInteractiveAsync("/security-credentials");
        await Expect(other.GetByText(keyId)).ToHaveCountAsync(0);
        server.AssertNoCspViolations();
    }

    [Fact]
    public async Task Wrong_password_keeps_the_user_on_the_sign_in_page_with_a_clear_error()
    {
        var page = await server.NewPageAsync();
        var signIn = new SignInPage(page);

        await signIn.SignInAsync("owner@example.com", "wrong-password");

        await Expect(signIn.Error).ToHaveTextAsync("The user name or password is not correct.");
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));
        await ConsoleServer.ScreenshotAsync(page, "sign-in-error");
    }

    [Fact]
    public async Task Owner_is_refused_the_admin_pages()
    {
        var page = await server.NewPageAsync();
        await new SignInPage(page).SignInAsync("owner@example.com", ConsoleServer.Password);
        await page.WaitForCircuitAsync();

        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Accounts", Exact = true })).ToHaveCountAsync(0);
        await page.GotoAsync("/admin/accounts");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Access denied" })).ToBeVisibleAsync();
    }
}
