using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SesConsole.Data;
using SesConsole.Domain.Identities;
using SesConsole.E2E.Infrastructure;
using SesConsole.E2E.Pages;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Policies;
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

    /// <summary>A policy that names the delegate account but only for another From address: it must explain why it did not apply.</summary>
    private async Task EnsureConditionalDelegatePolicyAsync()
    {
        using var scope = server.Services.CreateScope();
        var owner = new Caller("e2e", "owner@example.com", "111111111111", null, "arn:aws:iam::111111111111:root", false);
        var policies = scope.ServiceProvider.GetRequiredService<IdentityPoliciesService>();
        var existing = await policies.ListAsync(owner, "us-east-1", "sender@testsend.example");
        if (existing.Value?.Policies.Any(p => p.Name == "OwnersPrivatePolicyName") == true)
        {
            return;
        }

        var saved = await policies.CreateAsync(owner, "us-east-1", "sender@testsend.example", "OwnersPrivatePolicyName", $$"""
            { "Version": "2012-10-17", "Statement": [ { "Sid": "OnlyNewsletters", "Effect": "Allow", "Principal": { "AWS": "222222222222" },
              "Action": ["ses:SendEmail", "ses:SendRawEmail"], "Resource": "{{Arn}}",
              "Condition": { "StringEquals": { "ses:FromAddress": "news@testsend.example" } } } ] }
            """);
        Assert.True(saved.IsSuccess, saved.Error?.Message);
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

        // Sending again replaces the one inline result; nothing (no snackbar) is drawn over the trace.
        for (var i = 0; i < 2; i++)
        {
            var previous = await page.GetByTestId("send-result").InnerTextAsync();
            await page.GetByTestId("send-submit").ClickAsync();
            await Expect(page.GetByTestId("send-result")).Not.ToHaveTextAsync(previous);
            await Expect(page.GetByTestId("send-busy")).ToHaveCountAsync(0);
        }

        await Expect(page.GetByTestId("send-result")).ToHaveCountAsync(1);
        await Expect(page.Locator(".mud-snackbar")).ToHaveCountAsync(0);
        await ConsoleServer.ScreenshotAsync(page, "test-send-accepted");
    }

    [Fact]
    public async Task Delegate_not_allowed_by_the_owners_policy_is_denied_and_the_trace_explains_each_statement()
    {
        await EnsureVerifiedOwnerAddressAsync();
        await EnsureConditionalDelegatePolicyAsync();
        var page = await server.NewPageAsync();
        await new SignInPage(page).SignInAsync("delegate@example.com", ConsoleServer.Password);
        await page.WaitForCircuitAsync();
        await page.GotoInteractiveAsync("/test-send");

        await FillAsync(page, "sender@testsend.example", "reader@customer.example");
        await page.GetByTestId("send-submit").ClickAsync();

        await Expect(page.GetByTestId("send-result")).ToContainTextAsync("AccessDenied (HTTP 403): User `arn:aws:iam::222222222222:root' is not authorized to perform `ses:SendEmail' on resource `" + Arn + "'");
        await Expect(page.GetByTestId("send-trace")).ToContainTextAsync("Not run");
        var authorization = page.GetByTestId("send-step-authorization");
        await Expect(authorization).ToHaveAttributeAsync("data-status", "Stopped");
        await Expect(authorization).ToContainTextAsync("stopped");
        var explanation = authorization.GetByTestId("send-explanation");
        await Expect(explanation).ToContainTextAsync("Denied: cross-account sends need an Allow on both sides");
        await Expect(explanation).ToContainTextAsync("Statement `OnlyNewsletters` did not apply: ses:FromAddress `sender@testsend.example` does not equal `news@testsend.example`");
        await Expect(explanation).ToContainTextAsync("The account root needs no IAM policy");
        await Expect(page.GetByTestId("send-outcome")).Not.ToContainTextAsync("OwnersPrivatePolicyName");
        await explanation.ScrollIntoViewIfNeededAsync();
        await ConsoleServer.ScreenshotAsync(page, "test-send-denied");
    }

    [Fact]
    public async Task Raw_MIME_with_X_SES_ARN_headers_is_accepted_and_the_trace_shows_the_ARNs_came_from_the_headers()
    {
        await EnsureVerifiedOwnerAddressAsync();
        var page = await server.NewPageAsync();
        await new SignInPage(page).SignInAsync("owner@example.com", ConsoleServer.Password);
        await page.WaitForCircuitAsync();
        await page.GotoInteractiveAsync("/test-send");

        await FillAsync(page, "sender@testsend.example", "success@simulator.amazonses.com");
        await page.GetByTestId("send-api").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = "SendRawEmail" }).ClickAsync();
        await page.GetByText("Raw MIME: write the message myself").ClickAsync();
        var mime = page.GetByTestId("send-raw-mime");
        await Expect(mime).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("X-SES-FROM-ARN: " + System.Text.RegularExpressions.Regex.Escape(Arn)));
        await mime.FillAsync(
            $"X-SES-SOURCE-ARN: {Arn}\nX-SES-FROM-ARN: {Arn}\nFrom: Raw Journey <sender@testsend.example>\nTo: success@simulator.amazonses.com\n" +
            "Subject: Raw from the e2e\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nWritten by hand.\n");
        await page.GetByTestId("send-submit").ClickAsync();

        await Expect(page.GetByTestId("send-result")).ToContainTextAsync("Accepted");
        var message = page.GetByTestId("send-step-message");
        await Expect(message).ToHaveAttributeAsync("data-status", "Passed");
        await Expect(message).ToContainTextAsync($"SourceArn {Arn} (Header)");
        await Expect(message).ToContainTextAsync($"FromArn {Arn} (Header)");
        await Expect(message).ToContainTextAsync("Raw Journey");
        await Expect(page.GetByTestId("send-step-authorization")).ToContainTextAsync("the owner account sends from its own identity");
        await ConsoleServer.ScreenshotAsync(page, "test-send-raw-mime");
    }
}
