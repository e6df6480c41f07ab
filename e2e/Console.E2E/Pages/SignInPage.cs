using Microsoft.Playwright;

namespace SesConsole.E2E.Pages;

/// <summary>The static sign-in page.</summary>
public sealed class SignInPage(IPage page)
{
    public async Task SignInAsync(string userName, string password)
    {
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("Email or IAM user").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    public ILocator Error => page.Locator(".signin-card .error");
}

/// <summary>Helpers for interactive pages.</summary>
public static class ConsolePageExtensions
{
    /// <summary>Waits until the Blazor circuit is live: clicks made on the prerendered HTML before that are lost.</summary>
    public static async Task WaitForCircuitAsync(this IPage page) =>
        await Assertions.Expect(page.Locator("#circuit[data-interactive='true']")).ToBeAttachedAsync();

    public static async Task GotoInteractiveAsync(this IPage page, string url)
    {
        await page.GotoAsync(url);
        await page.WaitForCircuitAsync();
    }
}
