using Microsoft.Playwright;
using SesConsole.E2E.Infrastructure;
using SesConsole.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace SesConsole.E2E;

/// <summary>A role's trust policy in the real Monaco editor: an invalid one is refused at its line and column, a valid one saved.</summary>
[Collection(ConsoleServerGroup.Name)]
public sealed class RoleTrustJourneyTests(ConsoleServer server)
{
    private const string CurrentEditor =
        "window.blazorMonaco.editor.getEditor(document.querySelector('[data-testid=policy-json-editor]').dataset.editorId, true)";

    private static string Trust(string extra) => $$"""
        {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Sid": "PartnerAccount",
              "Effect": "Allow",
              "Principal": { "AWS": "222222222222" },
              "Action": "sts:AssumeRole"{{extra}}
            }
          ]
        }
        """;

    private static async Task ReplaceEditorTextAsync(IPage page, string text)
    {
        var editor = page.Locator(".monaco-editor[role='code']").First;
        await Expect(editor).ToBeVisibleAsync();
        // Monaco is up and holds the page's starting text before the test replaces it.
        await page.WaitForFunctionAsync($"() => {{ try {{ return {CurrentEditor}.getValue().length > 0; }} catch {{ return false; }} }}");
        await editor.Locator(".view-lines").ClickAsync();
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.PressAsync("Delete");
        await page.EvaluateAsync($"t => {CurrentEditor}.trigger('keyboard', 'paste', {{ text: t }})", text);
    }

    [Fact]
    public async Task Owner_sets_a_roles_trust_policy_an_invalid_one_is_refused_at_its_line_and_column()
    {
        var page = await server.NewPageAsync();
        await new SignInPage(page).SignInAsync("owner@example.com", ConsoleServer.Password);
        await page.WaitForCircuitAsync();
        await page.GotoInteractiveAsync("/iam/roles");
        await page.GetByTestId("create-principal").ClickAsync();
        await page.GetByTestId("principal-name").FillAsync("partner-access");
        await page.GetByTestId("create-principal-submit").ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "partner-access" }).ClickAsync();
        await Expect(page.GetByTestId("trust-policy-none")).ToBeVisibleAsync();
        await Expect(page.Locator(".monaco-editor[role='code']")).ToBeVisibleAsync();

        await ReplaceEditorTextAsync(page, Trust(",\n      \"Resource\": \"arn:aws:iam::111111111111:role/partner-access\""));
        var problem = page.Locator("[data-testid=policy-problem][data-code='policy.resource_not_allowed']");
        await Expect(problem).ToBeVisibleAsync();
        await Expect(page.Locator(".monaco-editor .squiggly-error").First).ToBeAttachedAsync();
        // The editor formats a paste (FormatOnPaste), so the text changes once more after the paste and the problem list
        // is briefly the one of the unformatted text: wait until the listed line is the "Resource" line of what is shown.
        await page.WaitForFunctionAsync($$"""
            () => {
              const p = document.querySelector("[data-testid=policy-problem][data-code='policy.resource_not_allowed']");
              if (!p) return false;
              const lines = {{CurrentEditor}}.getValue().split('\n');
              return (lines[Number(p.dataset.line) - 1] || '').includes('"Resource"');
            }
            """);
        var line = await problem.GetAttributeAsync("data-line");
        var column = await problem.GetAttributeAsync("data-column");
        var text = (await page.EvaluateAsync<string>($"() => {CurrentEditor}.getValue()")).Split('\n');
        Assert.Contains("\"Resource\"", text[int.Parse(line!, System.Globalization.CultureInfo.InvariantCulture) - 1], StringComparison.Ordinal);
        await page.GetByTestId("trust-policy-save").ClickAsync();
        await Expect(page.GetByTestId("trust-policy-error")).ToContainTextAsync($"Line {line}, column {column}: ");
        await Expect(page.GetByTestId("trust-policy-error")).ToContainTextAsync("a trust policy has none");

        await ReplaceEditorTextAsync(page, Trust(""));
        await Expect(page.GetByTestId("policy-problem-count")).ToContainTextAsync("0 errors");
        await Expect(page.GetByTestId("trust-policy-error")).ToHaveCountAsync(0);
        await page.GetByTestId("trust-policy-save").ClickAsync();
        await Expect(page.GetByText("Saved the trust policy of partner-access.")).ToBeVisibleAsync();
        await ConsoleServer.ScreenshotAsync(page, "role-trust-policy");

        await page.ReloadAsync();
        await page.WaitForCircuitAsync();
        await Expect(page.Locator(".monaco-editor[role='code']")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("trust-policy-none")).ToHaveCountAsync(0);
        Assert.Contains("\"PartnerAccount\"", await page.EvaluateAsync<string>($"() => {CurrentEditor}.getValue()"), StringComparison.Ordinal);
        server.AssertNoServerErrors();
    }
}
