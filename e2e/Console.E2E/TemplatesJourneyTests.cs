using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SesConsole.E2E.Infrastructure;
using SesConsole.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace SesConsole.E2E;

/// <summary>The owner writes an email template in the console, tries it with sample data, saves it and deletes it (docs/templates.md#templates-page).</summary>
[Collection(ConsoleServerGroup.Name)]
public sealed class TemplatesJourneyTests(ConsoleServer server)
{
    // A region of its own: the other journeys' pages stay as they expect them.
    private const string Region = "us-west-2";
    private const string Name = "welcome-e2e";

    /// <summary>Replaces the text of the CodeEditor with <paramref name="testId"/> through Monaco's own paste.</summary>
    private static async Task SetEditorAsync(IPage page, string testId, string text)
    {
        var host = page.Locator($"[data-testid='{testId}'][data-ready='true']");
        await Expect(host.Locator(".monaco-editor[role='code']")).ToBeVisibleAsync();
        var id = await host.GetAttributeAsync("data-editor-id");
        await host.Locator(".view-lines").ClickAsync();
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.PressAsync("Delete");
        await page.EvaluateAsync("([id, t]) => window.blazorMonaco.editor.getEditor(id, true).trigger('keyboard', 'paste', { text: t })", new[] { id, text });
    }

    [Fact]
    public async Task Owner_creates_a_template_renders_it_into_the_sandboxed_frame_and_deletes_it()
    {
        var page = await server.NewPageAsync(1440, 900);
        await new SignInPage(page).SignInAsync("owner@example.com", ConsoleServer.Password);
        await page.WaitForCircuitAsync();

        // 1. The empty list says what to do next.
        await page.GotoInteractiveAsync($"/templates?region={Region}");
        await Expect(page.GetByText($"No email templates in {Region} yet")).ToBeVisibleAsync();
        await page.GetByTestId("empty-new-template").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/templates/new$"));

        // 2. Write the parts; the variables follow.
        await page.GetByTestId("template-name").FillAsync(Name);
        await SetEditorAsync(page, "template-subject", "Welcome, {{name}}");
        await SetEditorAsync(page, "template-text", "Hello {{name}},\nwelcome to {{company}}.");
        await SetEditorAsync(page, "template-html",
            "<h1 style=\"color:#1565c0\">Hello {{name}}</h1>\n<p>Welcome to <b>{{company}}</b>.</p>\n<p id=\"probe\">static</p>\n" +
            "<script>document.getElementById('probe').textContent = 'script ran'; parent.document.title = 'pwned';</script>");
        await Expect(page.GetByTestId("template-variable")).ToHaveTextAsync(["company", "name"]);

        // 3. Render with sample data: a bad JSON first, then good data.
        await SetEditorAsync(page, "template-data", "{ \"name\": ");
        await page.GetByTestId("template-render").ClickAsync();
        await Expect(page.GetByTestId("render-error")).ToContainTextAsync("The sample data is not a JSON object.");
        await SetEditorAsync(page, "template-data", "{ \"name\": \"Ana\", \"company\": \"Acme & Co\" }");
        await page.GetByTestId("template-render").ClickAsync();
        await Expect(page.GetByTestId("render-subject")).ToHaveTextAsync("Welcome, Ana");
        await Expect(page.GetByTestId("render-text")).ToHaveTextAsync("Hello Ana,\nwelcome to Acme & Co.");
        var frame = page.FrameLocator("iframe[data-testid=render-html]");
        await Expect(frame.Locator("h1")).ToHaveTextAsync("Hello Ana");
        await Expect(frame.Locator("b")).ToHaveTextAsync("Acme & Co");
        await Expect(page.Locator("iframe[data-testid=render-html]")).ToHaveAttributeAsync("sandbox", "");
        // The template's script never ran: neither in its frame nor against the console.
        await Expect(frame.Locator("#probe")).ToHaveTextAsync("static");
        Assert.NotEqual("pwned", await page.TitleAsync());

        // 4. Save: a snackbar, and the editor at the template's own address.
        await page.GetByTestId("template-save").ClickAsync();
        await Expect(page.GetByText($"Template {Name} created.")).ToBeVisibleAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/templates/{Name}$"));
        await Expect(page.GetByTestId("template-dirty")).ToHaveCountAsync(0);
        await Expect(frame.Locator("h1")).ToHaveTextAsync("Hello Ana");
        await ConsoleServer.ScreenshotAsync(page, "template-editor");

        // 5. The list shows it; delete it after the confirmation.
        await page.GotoInteractiveAsync($"/templates?region={Region}");
        var row = page.GetByTestId("templates-table").Locator("tbody tr");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.GetByTestId("template-link")).ToHaveTextAsync(Name);
        await ConsoleServer.ScreenshotAsync(page, "templates-list");
        await row.GetByTestId("delete-template").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToContainTextAsync($"Delete template {Name}?");
        await page.GetByTestId("confirm").ClickAsync();
        await Expect(page.GetByText($"Deleted template {Name}.")).ToBeVisibleAsync();
        await Expect(page.GetByText($"No email templates in {Region} yet")).ToBeVisibleAsync();

        // 6. Its address now says it is gone.
        await page.GotoInteractiveAsync($"/templates/{Name}?region={Region}");
        await Expect(page.GetByTestId("template-not-found")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }
}
