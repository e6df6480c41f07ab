using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SesConsole.Data;
using SesConsole.Domain.Identities;
using SesConsole.E2E.Infrastructure;
using SesConsole.E2E.Pages;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Principals;
using static Microsoft.Playwright.Assertions;

namespace SesConsole.E2E;

[Collection(ConsoleServerGroup.Name)]
public sealed class TestSendJourneyTests(ConsoleServer server)
{
    private const string Arn = "arn:aws:ses:us-east-1:111111111111:identity/sender@testsend.example";

    private async Task EnsureVerifiedOwnerAddressAsync()
    {
        using var scope = server.Services.CreateScope();
        var owner = new Caller("e2e", "owner@example.com", "111111111111", null, "arn:aws:iam::111111111111:root", false);
        await scope.ServiceProvider.GetRequiredService<IdentitiesService>().CreateEmailAsync(owner, "us-east-1", "sender@testsend.example", new Uri(server.BaseUrl + "/"));
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        await db.SendingIdentities.Where(i => i.Name == "sender@testsend.example")
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.VerificationStatus, VerificationStatus.Success));
    }

    private static async Task FillAsync(IPage page, string from, string to)
    {
        await page.GetByTestId("send-identity").FillAsync(Arn);
        await page.Keyboard.PressAsync("Escape");
        await page.GetByTestId("send-from").FillAsync(from);
        await page.GetByTestId("send-to").FillAsync(to);
    }

    [Fact]
    public async Task Owner_test_send_is_accepted_with_every_step_passed()
    {
        await EnsureVerifiedOwnerAddressAsync();
        var page = await server.NewPageAsync();
        await new SignInPage(page).SignInAsync("owner@example.com", ConsoleServer.Password);
        await page.WaitForCircuitAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Test send", Exact = true }).ClickAsync();
        await page.WaitForCircuitAsync();

        await FillAsync(page, "sender@testsend.example", "success@simulator.amazonses.com");
        await page.GetByTestId("send-submit").ClickAsync();

        await Expect(page.GetByTestId("send-result")).ToContainTextAsync("Accepted");
        await Expect(page.GetByTestId("send-trace")).Not.ToContainTextAsync("Not run");
        await ConsoleServer.ScreenshotAsync(page, "test-send-accepted");
    }

    [Fact]
    public async Task Delegate_without_a_policy_is_denied_and_the_trace_shows_why()
    {
        await EnsureVerifiedOwnerAddressAsync();
        var page = await server.NewPageAsync();
        await new SignInPage(page).SignInAsync("delegate@example.com", ConsoleServer.Password);
        await page.WaitForCircuitAsync();
        await page.GotoInteractiveAsync("/test-send");

        await FillAsync(page, "sender@testsend.example", "reader@customer.example");
        await page.GetByTestId("send-submit").ClickAsync();

        await Expect(page.GetByTestId("send-result")).ToContainTextAsync("AccessDenied (HTTP 403): User `arn:aws:iam::222222222222:root' is not authorized to perform `ses:SendEmail' on resource `" + Arn + "'");
        await Expect(page.GetByTestId("send-trace")).ToContainTextAsync("Not run");
        await ConsoleServer.ScreenshotAsync(page, "test-send-denied");
    }
}
