using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SesConsole.E2E.Infrastructure;
using SesConsole.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace SesConsole.E2E;

[Collection(ConsoleServerGroup.Name)]
public sealed class PolicyEditorJourneyTests(ConsoleServer server)
{
    private const string Domain = "policies.example.com";

    // Another region than the other journeys' (they expect an empty us-east-1).
    private const string Region = "eu-west-1";

    /// <summary>JS for the Monaco editor of the PolicyJsonEditor on the page.</summary>
    private const string CurrentEditor =
        "window.blazorMonaco.editor.getEditor(document.querySelector('[data-testid=policy-json-editor]').dataset.editorId, true)";

    private static async Task ReplaceEditorTextAsync(IPage page, string text)
    {
        var editor = page.Locator(".monaco-editor[role='code']").First;
        await Expect(editor).ToBeVisibleAsync();
        await editor.Locator(".view-lines").ClickAsync();
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.PressAsync("Delete");

        // Pasted through Monaco's own edit pipeline (typing character by character would auto-close brackets).
        await page.EvaluateAsync($"t => {CurrentEditor}.trigger('keyboard', 'paste', {{ text: t }})", text);
    }

    private static Task<string> EditorTextAsync(IPage page) =>
        page.EvaluateAsync<string>($"() => {CurrentEditor}.getValue()");

    private static string Policy(string arn, string action) => $$"""
        {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Sid": "AuthorizeDelegate",
              "Effect": "Allow",
              "Principal": { "AWS": "222222222222" },
              "Action": ["ses:SendEmail", "{{action}}"],
              "Resource": "{{arn}}",
              "Condition": { "StringLike": { "ses:FromAddress": "marketing+*@{{Domain}}" } }
            }
          ]
        }
        """;

    [Fact]
    public async Task Owner_fixes_an_invalid_policy_builds_one_in_the_wizard_simulates_and_the_delegate_sees_the_grant()
    {
        var arn = await server.AddVerifiedIdentityAsync("111111111111", Domain, Region);
        var page = await server.NewPageAsync();
        var offHost = new List<string>();
        page.Request += (_, r) =>
        {
            if (!r.Url.StartsWith(server.BaseUrl, StringComparison.Ordinal) && !r.Url.StartsWith("data:", StringComparison.Ordinal) && !r.Url.StartsWith("blob:", StringComparison.Ordinal))
            {
                offHost.Add(r.Url);
            }
        };
        await new SignInPage(page).SignInAsync("owner@example.com", ConsoleServer.Password);
        await page.WaitForCircuitAsync();

        // 1. JSON mode: an invalid action gets a marker at its line; fix it; save through the diff.
        var jsonWorker = page.WaitForWorkerAsync(); // Monaco's JSON language service runs in a web worker the CSP allows
        await page.GotoInteractiveAsync($"/identities/{Domain}/policies/new?template=account&region={Region}");
        await Expect(page.Locator(".monaco-editor[role='code']")).ToBeVisibleAsync();
        await page.GetByTestId("policy-name").FillAsync("Marketing");
        await ReplaceEditorTextAsync(page, Policy(arn, "ses:SendRawEmali"));
        var problem = page.Locator("[data-testid=policy-problem][data-code='policy.unknown_action']");
        await Expect(problem).ToBeVisibleAsync();
        var lines = (await EditorTextAsync(page)).Split('\n'); // as pasted (Monaco formats on paste)
        var line = Array.FindIndex(lines, l => l.Contains("ses:SendRawEmali", StringComparison.Ordinal)) + 1;
        var column = lines[line - 1].IndexOf("\"ses:SendRawEmali", StringComparison.Ordinal) + 1;
        await Expect(problem).ToHaveAttributeAsync("data-line", line.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(problem).ToHaveAttributeAsync("data-column", column.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(page.Locator(".monaco-editor .squiggly-error").First).ToBeAttachedAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => monaco.languages.json.jsonDefaults.diagnosticsOptions.schemas.length === 1"), "the policy schema is registered");
        Assert.StartsWith(server.BaseUrl, (await jsonWorker).Url, StringComparison.Ordinal);
        var markers = await page.EvaluateAsync<int[]>(
            "() => monaco.editor.getModelMarkers({ owner: 'sesconsole-policy' }).filter(m => m.code === 'policy.unknown_action').map(m => [m.startLineNumber, m.startColumn]).flat()");
        Assert.Equal([line, column], markers);
        await ConsoleServer.ScreenshotAsync(page, "policy-editor");
        await page.GetByTestId("policy-save").ClickAsync();
        await Expect(page.GetByTestId("policy-save-blocked")).ToHaveTextAsync("Fix 1 error before saving; the problems list shows where.");

        await ReplaceEditorTextAsync(page, Policy(arn, "ses:SendRawEmail"));
        await Expect(page.GetByTestId("policy-problem-count")).ToContainTextAsync("0 errors, 0 warnings");
        await Expect(page.GetByTestId("policy-save-blocked")).ToHaveCountAsync(0); // gone with the error, not left on screen
        await Expect(page.Locator(".monaco-editor .squiggly-error")).ToHaveCountAsync(0);

        // 2. Simulate on the unsaved text: allowed, then denied with the engine's explanation.
        await page.GetByTestId("sim-principal").FillAsync("222222222222");
        await page.Keyboard.PressAsync("Escape"); // close the autocomplete's suggestions (typed text is kept)
        await page.GetByTestId("sim-from").FillAsync($"marketing+news@{Domain}");
        await page.GetByTestId("sim-run").ClickAsync();
        await Expect(page.GetByTestId("sim-decision")).ToHaveTextAsync("Allow");
        await page.GetByTestId("sim-from").FillAsync($"news@{Domain}");
        await page.GetByTestId("sim-run").ClickAsync();
        await Expect(page.GetByTestId("sim-decision")).ToHaveTextAsync("ImplicitDeny");
        await Expect(page.GetByTestId("sim-statement").First).ToContainTextAsync($"does not match `marketing+*@{Domain}`");

        await page.GetByTestId("policy-save").ClickAsync();
        await Expect(page.GetByTestId("policy-diff")).ToContainTextAsync("ses:SendRawEmail");
        await page.GetByTestId("policy-diff-save").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/identities/{Regex.Escape(Domain)}\\?"));
        await Expect(page.Locator("[data-testid=policy-row][data-name=Marketing]")).ToContainTextAsync("account 222222222222");

        // 3. Wizard: add a recipients condition, switch to JSON and back: nothing lost.
        await page.GotoInteractiveAsync($"/identities/{Domain}/policies/new?template=account&region={Region}");
        await page.GetByTestId("policy-name").FillAsync("Internal");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Visual" }).ClickAsync();
        await Expect(page.GetByTestId("wizard-card")).ToHaveCountAsync(1);
        await page.GetByTestId("wizard-card").GetByRole(AriaRole.Button, new() { Name = "Recipients" }).ClickAsync();
        await page.Locator("input[data-testid='wizard-action-ses:SendBulkTemplatedEmail']").UncheckAsync();
        await Expect(page.GetByTestId("wizard-condition")).ToHaveCountAsync(1);
        await ConsoleServer.ScreenshotAsync(page, "policy-wizard");

        await page.GetByRole(AriaRole.Tab, new() { Name = "JSON" }).ClickAsync();
        await Expect(page.Locator(".monaco-editor[role='code']")).ToBeVisibleAsync();
        await page.WaitForFunctionAsync($"() => {CurrentEditor}?.getValue().includes('ForAllValues')");
        var json = await EditorTextAsync(page);
        Assert.Contains("\"ForAllValues:StringLike\"", json, StringComparison.Ordinal);
        Assert.Contains($"*@{Domain}", json, StringComparison.Ordinal);
        Assert.DoesNotContain("ses:SendBulkTemplatedEmail", json, StringComparison.Ordinal);

        await page.GetByRole(AriaRole.Tab, new() { Name = "Visual" }).ClickAsync();
        await Expect(page.GetByTestId("wizard-condition")).ToHaveCountAsync(1);
        await Expect(page.Locator("textarea[data-testid=wizard-condition-values], input[data-testid=wizard-condition-values]").First).ToHaveValueAsync($"*@{Domain}");
        await Expect(page.Locator("input[data-testid='wizard-action-ses:SendBulkTemplatedEmail']")).Not.ToBeCheckedAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "JSON" }).ClickAsync();
        await Expect(page.Locator(".monaco-editor[role='code']")).ToBeVisibleAsync();
        await page.WaitForFunctionAsync($"() => ({CurrentEditor}?.getValue() ?? '').length > 0");
        Assert.Equal(json, await EditorTextAsync(page));

        // Leaving with unsaved changes asks first.
        await page.GetByRole(AriaRole.Link, new() { Name = "Close" }).ClickAsync();
        await Expect(page.GetByText("Discard unsaved changes?")).ToBeVisibleAsync();
        await page.GetByTestId("confirm").ClickAsync();
        await Expect(page.Locator("[data-testid=policy-row]")).ToHaveCountAsync(1);
        Assert.Empty(offHost); // Monaco and its JSON worker are served by the console itself

        // 4. The delegate sees the granted identity with its conditions in words.
        var delegatePage = await server.NewPageAsync();
        await new SignInPage(delegatePage).SignInAsync("delegate@example.com", ConsoleServer.Password);
        await delegatePage.WaitForCircuitAsync();
        await delegatePage.GotoInteractiveAsync($"/granted?region={Region}");
        var granted = delegatePage.Locator($"[data-testid=granted-identity][data-name='{Domain}']");
        await Expect(granted).ToContainTextAsync("ses:SendEmail, ses:SendRawEmail");
        await Expect(granted.GetByTestId("granted-condition")).ToContainTextAsync($"the From address must match marketing+*@{Domain}");
        Assert.DoesNotContain("\"Statement\"", await delegatePage.ContentAsync(), StringComparison.Ordinal);
        await ConsoleServer.ScreenshotAsync(delegatePage, "granted");
        server.AssertNoServerErrors();
        server.AssertNoCspViolations();
    }
}
