using System.Security.Claims;
using Bunit;
using SesConsole.Domain.Templates;
using SesConsole.Web.Components.Shared;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Features.Templates;
using SesConsole.Web.Sending.Templates;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Templates;

/// <summary>The Email templates page and the template editor, rendered with the real store and renderer over SQLite.</summary>
public sealed class TemplatePagesTests : ConsoleTestContext
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static readonly EmailTemplate Welcome = new("welcome", "Hello {{name}}", "Dear {{name}}, welcome to {{company.name}}.", "<h1>Hello {{name}}</h1><p>{{company.name}}</p>");

    private async Task SeedAsync(string account, string region, EmailTemplate template)
    {
        var created = await Service<EmailTemplateStore>().CreateAsync(account, region, template, Ct);
        Assert.True(created.IsSuccess, created.Error?.Message);
    }

    private void SignInAsIamUser(string accountId)
    {
        Authorization.SetAuthorized($"{accountId}/reader");
        Authorization.SetClaims(
            new Claim(ClaimTypes.NameIdentifier, Guid.NewGuid().ToString()), new Claim(Caller.AccountClaim, accountId),
            new Claim(Caller.IamPrincipalClaim, Guid.NewGuid().ToString()), new Claim(Caller.PrincipalArnClaim, $"arn:aws:iam::{accountId}:user/reader"));
    }

    private static Task TypeAsync(IRenderedComponent<TemplateEditorPage> page, string editor, string text)
    {
        var component = page.FindComponents<CodeEditor>().Single(c => c.Instance.TestId == editor);
        return page.InvokeAsync(() => component.Instance.ValueChanged.InvokeAsync(text));
    }

    private static string EditorValue(IRenderedComponent<TemplateEditorPage> page, string editor) =>
        page.FindComponents<CodeEditor>().Single(c => c.Instance.TestId == editor).Instance.Value;

    [Fact]
    public void List_without_templates_says_what_to_do_next_and_offers_New_template()
    {
        SignInAsRoot(AccountA);

        var page = Render<TemplatesPage>();

        page.WaitForAssertion(() => Assert.Contains("No email templates in us-east-1 yet", page.Markup, StringComparison.Ordinal));
        Assert.Contains("try it with sample data, save it, then send with it from Test send or the API", page.Markup, StringComparison.Ordinal);
        Assert.Equal("/templates/new", page.Find("[data-testid=empty-new-template]").GetAttribute("href"));
        Assert.Equal("/templates/new", page.Find("[data-testid=new-template]").GetAttribute("href"));
    }

    [Fact]
    public async Task List_shows_the_accounts_templates_of_the_region_by_name_never_another_accounts()
    {
        await SeedAsync(AccountA, "us-east-1", Welcome);
        await SeedAsync(AccountA, "us-east-1", new EmailTemplate("alert", "Alert", "Something happened.", null));
        await SeedAsync(AccountA, "eu-west-1", new EmailTemplate("elsewhere", "x", "x", null));
        await SeedAsync(AccountB, "us-east-1", new EmailTemplate("b-secret", "x", "x", null));
        SignInAsRoot(AccountA);

        var page = Render<TemplatesPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=templates-table] tbody tr").Count));
        Assert.Equal(["alert", "welcome"], page.FindAll("[data-testid=template-link]").Select(a => a.TextContent.Trim()));
        Assert.Equal("/templates/welcome", page.FindAll("[data-testid=template-link]")[1].GetAttribute("href"));
        var cells = page.FindAll("[data-testid=templates-table] tbody tr")[0].QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList();
        Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$", cells[1]);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$", cells[2]);
        Assert.DoesNotContain("b-secret", page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("elsewhere", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_delete_asks_first_cancel_keeps_the_template_confirm_deletes_it_with_a_snackbar()
    {
        await SeedAsync(AccountA, "us-east-1", Welcome);
        SignInAsRoot(AccountA);
        var (root, page) = RenderWithProviders<TemplatesPage>();

        page.WaitForElement("[data-testid=delete-template]").Click();
        root.WaitForAssertion(() => Assert.Contains("Delete template welcome?", root.Markup, StringComparison.Ordinal));
        Assert.Contains("Sends that name welcome in us-east-1 will be refused", root.Markup, StringComparison.Ordinal);
        root.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Cancel").Click();
        root.WaitForAssertion(() => Assert.Empty(root.FindAll(".mud-dialog")));
        Assert.NotNull(await Service<EmailTemplateStore>().FindAsync(AccountA, "us-east-1", "welcome", Ct));

        page.Find("[data-testid=delete-template]").Click();
        root.WaitForElement("[data-testid=confirm]").Click();

        page.WaitForAssertion(() => Assert.Contains("No email templates in us-east-1 yet", page.Markup, StringComparison.Ordinal));
        Assert.Null(await Service<EmailTemplateStore>().FindAsync(AccountA, "us-east-1", "welcome", Ct));
        Assert.Contains(Service<MudBlazor.ISnackbar>().ShownSnackbars, s => s.Message == "Deleted template welcome.");
    }

    [Fact]
    public async Task List_for_an_IAM_user_shows_the_templates_without_New_or_Delete()
    {
        await SeedAsync(AccountA, "us-east-1", Welcome);
        SignInAsIamUser(AccountA);

        var page = Render<TemplatesPage>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=templates-table] tbody tr")));
        Assert.Empty(page.FindAll("[data-testid=new-template]"));
        Assert.Empty(page.FindAll("[data-testid=delete-template]"));
    }

    [Fact]
    public async Task Editor_of_another_accounts_or_an_unknown_template_shows_not_found_and_nothing_of_it()
    {
        await SeedAsync(AccountB, "us-east-1", new EmailTemplate("b-only", "B's secret subject", "B's secret text", null));
        SignInAsRoot(AccountA);

        var foreign = Render<TemplateEditorPage>(p => p.Add(x => x.Name, "b-only"));
        var unknown = Render<TemplateEditorPage>(p => p.Add(x => x.Name, "nope"));

        foreign.WaitForAssertion(() => Assert.Contains("No template b-only in us-east-1", foreign.Markup, StringComparison.Ordinal));
        Assert.DoesNotContain("secret", foreign.Markup, StringComparison.Ordinal);
        Assert.Empty(foreign.FindAll("[data-testid=template-save]"));
        Assert.Empty(foreign.FindComponents<CodeEditor>());
        unknown.WaitForAssertion(() => Assert.NotEmpty(unknown.FindAll("[data-testid=template-not-found]")));
    }

    [Fact]
    public async Task Editor_shows_the_variables_prefills_sample_data_and_renders_into_a_sandboxed_frame()
    {
        await SeedAsync(AccountA, "us-east-1", Welcome with { Html = "<h1>Hello {{name}}</h1><p>{{company.name}}</p><script>parent.document.title='x'</script>" });
        SignInAsRoot(AccountA);
        var page = Render<TemplateEditorPage>(p => p.Add(x => x.Name, "welcome"));
        page.WaitForElement("[data-testid=template-render]");

        Assert.Equal(["company.name", "name"], page.FindAll("[data-testid=template-variable]").Select(c => c.TextContent.Trim()).Order(StringComparer.Ordinal));
        var sample = System.Text.Json.JsonDocument.Parse(EditorValue(page, "template-data")).RootElement;
        Assert.Equal("name", sample.GetProperty("name").GetString());
        Assert.Equal("name", sample.GetProperty("company").GetProperty("name").GetString());

        await TypeAsync(page, "template-data", """{ "name": "Ana <b>", "company": { "name": "Acme & Co" } }""");
        page.Find("[data-testid=template-render]").Click();

        page.WaitForAssertion(() => Assert.Equal("Hello Ana <b>", page.Find("[data-testid=render-subject]").TextContent));
        Assert.Equal("Dear Ana <b>, welcome to Acme & Co.", page.Find("[data-testid=render-text]").TextContent);
        var frame = page.Find("iframe[data-testid=render-html]");
        Assert.Equal("", frame.GetAttribute("sandbox"));
        Assert.Contains("<h1>Hello Ana &lt;b&gt;</h1><p>Acme &amp; Co</p>", frame.GetAttribute("srcdoc"), StringComparison.Ordinal);
        Assert.Empty(page.FindAll("script"));
    }

    [Theory]
    [InlineData("{ \"name\": ", "InvalidData", "The sample data is not a JSON object.")]
    [InlineData("[1, 2]", "InvalidData", "The sample data is not a JSON object.")]
    [InlineData("{ \"company\": { \"name\": \"Acme\" } }", "MissingAttribute", "A variable is missing from the sample data.")]
    public async Task Editor_render_with_bad_data_says_what_is_wrong_in_words(string data, string kind, string title)
    {
        await SeedAsync(AccountA, "us-east-1", Welcome);
        SignInAsRoot(AccountA);
        var page = Render<TemplateEditorPage>(p => p.Add(x => x.Name, "welcome"));
        page.WaitForElement("[data-testid=template-render]");

        await TypeAsync(page, "template-data", data);
        page.Find("[data-testid=template-render]").Click();

        var error = page.WaitForElement("[data-testid=render-error]");
        Assert.Equal(kind, error.GetAttribute("data-kind"));
        Assert.StartsWith(title, error.TextContent.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", error.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error.TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=render-html]"));
        if (kind == "MissingAttribute")
        {
            Assert.Contains("name", error.TextContent, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Editor_renders_the_unsaved_text_and_a_broken_template_is_an_error_not_a_crash()
    {
        await SeedAsync(AccountA, "us-east-1", Welcome);
        SignInAsRoot(AccountA);
        var page = Render<TemplateEditorPage>(p => p.Add(x => x.Name, "welcome"));
        page.WaitForElement("[data-testid=template-render]");

        await TypeAsync(page, "template-subject", "Hi {{name}}, unsaved");
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=template-dirty]")));
        page.Find("[data-testid=template-render]").Click();
        page.WaitForAssertion(() => Assert.Equal("Hi name, unsaved", page.Find("[data-testid=render-subject]").TextContent));

        await TypeAsync(page, "template-html", "{{#if name}}<p>open");
        page.Find("[data-testid=template-render]").Click();
        var error = page.WaitForElement("[data-testid=render-error]");
        Assert.Equal("InvalidTemplate", error.GetAttribute("data-kind"));
        Assert.StartsWith("The template cannot be rendered.", error.TextContent.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Editor_new_template_creates_it_with_a_snackbar_and_a_duplicate_name_is_an_inline_error_that_keeps_the_text()
    {
        await SeedAsync(AccountA, "us-east-1", Welcome);
        SignInAsRoot(AccountA);
        var page = Render<TemplateEditorPage>();
        page.WaitForElement("input[data-testid=template-name]").Input("welcome");
        await TypeAsync(page, "template-subject", "Another {{thing}}");
        await TypeAsync(page, "template-text", "Body of {{thing}}");

        page.Find("[data-testid=template-save]").Click();

        page.WaitForAssertion(() => Assert.Contains("already exists", page.Find("[data-testid=template-save-error]").TextContent, StringComparison.Ordinal));
        Assert.Contains("already exists", page.Find(".mud-input-helper-text").TextContent, StringComparison.Ordinal);
        Assert.Equal("Another {{thing}}", EditorValue(page, "template-subject"));
        Assert.Equal("Body of {{thing}}", EditorValue(page, "template-text"));
        Assert.Equal("Hello {{name}}", (await Service<EmailTemplateStore>().FindAsync(AccountA, "us-east-1", "welcome", Ct))!.Template.Subject);

        page.Find("input[data-testid=template-name]").Input("another");
        page.Find("[data-testid=template-save]").Click();

        page.WaitForAssertion(() => Assert.Contains(Service<MudBlazor.ISnackbar>().ShownSnackbars, s => s.Message == "Template another created."));
        var saved = (await Service<EmailTemplateStore>().FindAsync(AccountA, "us-east-1", "another", Ct))!.Template;
        Assert.Equal(new EmailTemplate("another", "Another {{thing}}", "Body of {{thing}}", null), saved);
        Assert.EndsWith("/templates/another", Service<Microsoft.AspNetCore.Components.NavigationManager>().Uri, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=template-save-error]"));
        Assert.Null(await Service<EmailTemplateStore>().FindAsync(AccountB, "us-east-1", "another", Ct));
    }

    [Theory]
    [InlineData("bad name!")]
    [InlineData("")]
    public async Task Editor_invalid_name_is_an_inline_error_and_nothing_is_saved(string name)
    {
        SignInAsRoot(AccountA);
        var page = Render<TemplateEditorPage>();
        page.WaitForElement("input[data-testid=template-name]").Input(name);
        await TypeAsync(page, "template-subject", "Subject");

        page.Find("[data-testid=template-save]").Click();

        page.WaitForElement("[data-testid=template-save-error]");
        Assert.Equal("Subject", EditorValue(page, "template-subject"));
        Assert.Empty((await Service<EmailTemplateStore>().ListAsync(AccountA, "us-east-1", 10, null, Ct)).Items);
    }

    [Fact]
    public async Task Editor_too_large_template_is_an_inline_error_and_the_saved_one_is_unchanged()
    {
        await SeedAsync(AccountA, "us-east-1", Welcome);
        SignInAsRoot(AccountA);
        var page = Render<TemplateEditorPage>(p => p.Add(x => x.Name, "welcome"));
        page.WaitForElement("[data-testid=template-save]");
        var huge = new string('x', TemplateRules.MaxTemplateBytes + 1);
        await TypeAsync(page, "template-html", huge);

        page.Find("[data-testid=template-save]").Click();

        page.WaitForElement("[data-testid=template-save-error]");
        Assert.Equal(huge, EditorValue(page, "template-html"));
        Assert.Equal(Welcome.Html, (await Service<EmailTemplateStore>().FindAsync(AccountA, "us-east-1", "welcome", Ct))!.Template.Html);
        Assert.Empty(Service<MudBlazor.ISnackbar>().ShownSnackbars);
    }

    [Fact]
    public async Task Editor_save_of_an_existing_template_updates_it_with_a_snackbar()
    {
        await SeedAsync(AccountA, "us-east-1", Welcome);
        SignInAsRoot(AccountA);
        var page = Render<TemplateEditorPage>(p => p.Add(x => x.Name, "welcome"));
        page.WaitForElement("[data-testid=template-save]");
        Assert.True(page.Find("input[data-testid=template-name]").HasAttribute("readonly"));

        await TypeAsync(page, "template-text", "Changed {{name}}");
        page.Find("[data-testid=template-save]").Click();

        page.WaitForAssertion(() => Assert.Contains(Service<MudBlazor.ISnackbar>().ShownSnackbars, s => s.Message == "Template welcome saved."));
        Assert.Equal("Changed {{name}}", (await Service<EmailTemplateStore>().FindAsync(AccountA, "us-east-1", "welcome", Ct))!.Template.Text);
        Assert.Empty(page.FindAll("[data-testid=template-dirty]"));
    }

    [Fact]
    public async Task Editor_for_an_IAM_user_reads_and_renders_but_cannot_save()
    {
        await SeedAsync(AccountA, "us-east-1", Welcome);
        SignInAsIamUser(AccountA);
        var page = Render<TemplateEditorPage>(p => p.Add(x => x.Name, "welcome"));
        page.WaitForElement("[data-testid=template-render]");

        Assert.Empty(page.FindAll("[data-testid=template-save]"));
        Assert.All(page.FindComponents<CodeEditor>().Where(c => c.Instance.TestId != "template-data"), c => Assert.True(c.Instance.ReadOnly));
        page.Find("[data-testid=template-render]").Click();
        page.WaitForAssertion(() => Assert.Equal("Hello name", page.Find("[data-testid=render-subject]").TextContent));
    }

    [Fact]
    public void SampleData_nests_dotted_variables()
    {
        var json = TemplatesService.SampleData(["name", "user.first", "user.last", "a.b.c"]);

        var root = System.Text.Json.JsonDocument.Parse(json).RootElement;
        Assert.Equal("name", root.GetProperty("name").GetString());
        Assert.Equal("first", root.GetProperty("user").GetProperty("first").GetString());
        Assert.Equal("last", root.GetProperty("user").GetProperty("last").GetString());
        Assert.Equal("c", root.GetProperty("a").GetProperty("b").GetProperty("c").GetString());
    }

    [Fact]
    public void Paths_send_a_template_named_new_through_the_query()
    {
        Assert.Equal("/templates/welcome", TemplatePaths.Of("welcome"));
        Assert.Equal("/templates/new?name=New", TemplatePaths.Of("New"));
    }
}
