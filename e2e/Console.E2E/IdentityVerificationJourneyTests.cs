using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SesConsole.E2E.Infrastructure;
using SesConsole.E2E.Pages;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Principals;
using static Microsoft.Playwright.Assertions;

namespace SesConsole.E2E;

[Collection(ConsoleServerGroup.Name)]
public sealed class IdentityVerificationJourneyTests(ConsoleServer server)
{
    [Fact]
    public async Task Owner_verifies_an_email_address_by_opening_the_link_from_the_Mailbox()
    {
        var page = await server.NewPageAsync();
        await new SignInPage(page).SignInAsync("owner@example.com", ConsoleServer.Password);
        await page.WaitForCircuitAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Identities", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("create-identity")).ToBeVisibleAsync();

        await page.GetByTestId("create-identity").ClickAsync();
        await page.GetByTestId("identity-name").FillAsync("not an address");
        await page.GetByTestId("create-identity-submit").ClickAsync();
        await Expect(page.Locator(".mud-dialog")).ToContainTextAsync("is not a valid");
        await page.GetByTestId("identity-name").FillAsync("news@example.com");
        await page.GetByTestId("create-identity-submit").ClickAsync();

        await Expect(page.GetByTestId("identity-arn")).ToHaveTextAsync("arn:aws:ses:us-east-1:111111111111:identity/news@example.com");
        await Expect(page.GetByTestId("identity-status")).ToContainTextAsync("Pending");

        await page.GetByRole(AriaRole.Link, new() { Name = "Mailbox", Exact = true }).ClickAsync();
        // Other journeys verify addresses too: pick the row of this address.
        await page.GetByTestId("mailbox-table").Locator("tr", new() { HasText = "news@example.com" })
            .GetByText("Email Address Verification Request in region us-east-1").ClickAsync();
        await Expect(page.GetByTestId("mail-links")).ToContainTextAsync("Verify news@example.com");
        await ConsoleServer.ScreenshotAsync(page, "mailbox-verification");
        var href = await page.GetByTestId("mail-links").GetByRole(AriaRole.Link).First.GetAttributeAsync("href");

        // The link works without being signed in: open it in a fresh browser context.
        var stranger = await server.NewPageAsync();
        await stranger.GotoAsync(href!);
        await Expect(stranger.GetByTestId("verify-result")).ToContainTextAsync("news@example.com is now verified for sending in us-east-1");
        await stranger.GotoAsync(href!);
        await Expect(stranger.GetByTestId("verify-result")).ToContainTextAsync("already verified");

        await page.GotoInteractiveAsync("/identities");
        await Expect(page.GetByTestId("identities-table")).ToContainTextAsync("news@example.com");
        await Expect(page.GetByTestId("identities-table")).ToContainTextAsync("Verified");
    }

    [Fact]
    public async Task Owner_verifies_a_domain_after_the_DNS_server_publishes_its_records()
    {
        var page = await server.NewPageAsync();
        await new SignInPage(page).SignInAsync("owner@example.com", ConsoleServer.Password);
        await page.WaitForCircuitAsync();
        await page.GotoInteractiveAsync("/identities");
        await page.GetByTestId("create-identity").ClickAsync();
        await page.GetByTestId("type-domain").ClickAsync();
        await page.GetByTestId("identity-name").FillAsync("shop.example.org");
        await page.GetByTestId("create-identity-submit").ClickAsync();

        // Creating a domain generates its RSA-2048 DKIM keys before the page opens: well under a second on a quiet
        // machine, but over Playwright's 5 s default on a loaded 2-core one (once 30 s with a load of 20+), so this one wait is longer.
        await Expect(page.GetByTestId("identity-arn")).ToHaveTextAsync("arn:aws:ses:us-east-1:111111111111:identity/shop.example.org",
            new() { Timeout = 90_000 });
        var rows = page.GetByTestId("dns-records").Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(4);
        await page.GetByTestId("check-now").ClickAsync();
        await Expect(page.GetByTestId("identity-status")).ToContainTextAsync("Pending");
        await Expect(page.GetByTestId("dns-records")).ToContainTextAsync("Not yet");
        await Expect(page.GetByTestId("dkim-cname-note")).ToContainTextAsync(ConsoleServer.DkimZone);
        await ConsoleServer.ScreenshotAsync(page, "domain-records");

        // The owner publishes the rows as shown (the verification TXT and three Easy DKIM CNAMEs)...
        for (var i = 0; i < 4; i++)
        {
            var cells = rows.Nth(i).Locator("td");
            var type = (await cells.Nth(1).InnerTextAsync()).Trim();
            var name = (await cells.Nth(2).InnerTextAsync()).Trim();
            var value = (await cells.Nth(3).InnerTextAsync()).Trim();
            Assert.Equal(i == 0 ? "TXT" : "CNAME", type);
            server.Dns.Set(name, type, value);
        }

        // ...and the operator the keys the CNAMEs point at (what Admin → DKIM zone lists).
        using (var scope = server.Services.CreateScope())
        {
            var admin = new Caller("admin", "admin@example.com", null, null, null, true);
            var zone = await scope.ServiceProvider.GetRequiredService<IdentitiesService>().ListPlatformDkimRecordsAsync(admin, TestContext.Current.CancellationToken);
            foreach (var record in zone.Value!.Records.Where(r => r.Identity == "shop.example.org"))
            {
                server.Dns.Set(record.Name, record.Type, record.Value);
            }
        }

        await page.GetByTestId("check-now").ClickAsync();

        await Expect(page.GetByTestId("identity-status")).ToContainTextAsync("Verified");
        await Expect(page.GetByTestId("dkim-status")).ToContainTextAsync("Verified");
        await Expect(page.GetByTestId("dns-records")).Not.ToContainTextAsync("Not yet");
        await ConsoleServer.ScreenshotAsync(page, "domain-verified");

        await page.GetByTestId("delete-identity").ClickAsync();
        await page.GetByTestId("confirm").ClickAsync();
        await Expect(page.GetByText("Deleted shop.example.org.")).ToBeVisibleAsync();
    }
}
