using Microsoft.Playwright;
using SesConsole.E2E.Infrastructure;
using SesConsole.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace SesConsole.E2E;

/// <summary>The console's Content-Security-Policy in Chromium: every page works under it, and it does block.</summary>
[Collection(ConsoleServerGroup.Name)]
public sealed class ContentSecurityPolicyTests(ConsoleServer server)
{
    [Fact]
    public async Task Every_page_of_the_owner_and_the_admin_loads_without_a_CSP_violation()
    {
        const string Domain = "csp.example.com";
        await server.AddVerifiedIdentityAsync("111111111111", Domain);
        var owner = await server.NewPageAsync();
        await new SignInPage(owner).SignInAsync("owner@example.com", ConsoleServer.Password);
        await owner.WaitForCircuitAsync();
        foreach (var path in new[] { "/", "/identities", $"/identities/{Domain}", $"/identities/{Domain}/policies/new?template=account",
                     "/iam/users", "/iam/roles", "/security-credentials", "/test-send", "/activity", "/suppression", "/mailbox", "/granted", "/no-such-page" })
        {
            await owner.GotoInteractiveAsync(path);
        }

        await Expect(owner.Locator(".monaco-editor[role='code']")).ToHaveCountAsync(0); // left the editor page; it had loaded:
        await owner.GotoInteractiveAsync($"/identities/{Domain}/policies/new?template=account");
        await Expect(owner.Locator(".monaco-editor[role='code']")).ToBeVisibleAsync();

        var admin = await server.NewPageAsync();
        await new SignInPage(admin).SignInAsync("admin@example.com", ConsoleServer.Password);
        await admin.WaitForCircuitAsync();
        await admin.GotoInteractiveAsync("/admin/accounts");
        await admin.GotoInteractiveAsync("/admin/dkim-zone");

        var anonymous = await server.NewPageAsync();
        await anonymous.GotoAsync("/Account/Login");
        await anonymous.GotoAsync("/verify-email?token=not-a-token");

        server.AssertNoCspViolations();
        server.AssertNoServerErrors();
    }

    [Fact]
    public async Task An_injected_inline_script_is_blocked_and_reported()
    {
        var context = await server.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.BaseUrl });
        var log = new CspViolationLog();
        await log.AttachAsync(context);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Login");

        var directive = await page.EvaluateAsync<string>("""
            () => new Promise(resolve => {
                document.addEventListener('securitypolicyviolation', e => resolve(e.effectiveDirective + ' ' + e.blockedURI), { once: true });
                const script = document.createElement('script');
                script.textContent = 'window.injected = true';
                document.head.appendChild(script);
            })
            """);

        Assert.Equal("script-src-elem inline", directive);
        Assert.False(await page.EvaluateAsync<bool>("() => window.injected === true"));
        Assert.Contains(log.Entries, e => e.Contains("script-src-elem blocked inline", StringComparison.Ordinal));
        await context.DisposeAsync();
    }
}
