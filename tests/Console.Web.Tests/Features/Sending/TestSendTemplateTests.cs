using Bunit;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Templates;
using SesConsole.Web.Features.Sending;
using SesConsole.Web.Sending.Templates;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Sending;

/// <summary>bUnit: the test-send page's template mode, through TemplatedSender and the real pipeline over SQLite (docs/templates.md#test-send-with-a-template).</summary>
public sealed class TestSendTemplateTests : ConsoleTestContext
{
    private const string Identity = "templates@owner-a.example";
    private const string Arn = $"arn:aws:ses:us-east-1:{AccountA}:identity/{Identity}";

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private async Task SeedAsync()
    {
        await using (var db = await Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct))
        {
            var now = DateTimeOffset.UtcNow;
            db.SendingIdentities.Add(new SendingIdentityEntity
            {
                Id = Guid.NewGuid(), AccountId = AccountA, Region = "us-east-1", Name = Identity, Type = SendingIdentityType.EmailAddress,
                VerificationStatus = VerificationStatus.Success, VerificationStatusSince = now, VerifiedAt = now, CreatedAt = now,
            });
            await db.SaveChangesAsync(Ct);
        }

        var created = await Service<EmailTemplateStore>().CreateAsync(AccountA, "us-east-1", new EmailTemplate("greeting", "Hi {{name}}", "Hello {{name}}.", null), Ct);
        Assert.True(created.IsSuccess, created.Error?.Message);
        var foreign = await Service<EmailTemplateStore>().CreateAsync(AccountB, "us-east-1", new EmailTemplate("b-template", "B", "B", null), Ct);
        Assert.True(foreign.IsSuccess, foreign.Error?.Message);
    }

    private static void Choose(IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> root, string select, string item)
    {
        root.WaitForElement($"[data-testid={select}]").Closest(".mud-input-control")!.MouseDown(); // the template picker appears once the templates are loaded
        root.WaitForElements(".mud-popover-open .mud-list-item").Single(e => e.TextContent.Trim().StartsWith(item, StringComparison.Ordinal)).Click();
    }

    private IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> RenderPage(string api)
    {
        var (root, _) = RenderWithProviders<TestSendPage>();
        root.WaitForElement("input[data-testid=send-from]");
        root.Find("input[data-testid=send-identity]").Input(Arn);
        root.Find("input[data-testid=send-from]").Change(Identity);
        Choose(root, "send-api", api);
        return root;
    }

    [Fact]
    public async Task Templated_send_renders_the_accounts_template_and_is_accepted_with_the_trace()
    {
        await SeedAsync();
        SignInAsRoot(AccountA);
        var root = RenderPage("SendTemplatedEmail");
        root.WaitForElement("[data-testid=send-template]");
        Choose(root, "send-template", "greeting");
        Assert.DoesNotContain("b-template", root.Markup, StringComparison.Ordinal);
        root.WaitForAssertion(() => Assert.Contains("\"name\"", root.Find("textarea[data-testid=send-template-data]").GetAttribute("value") ?? "", StringComparison.Ordinal));
        root.Find("textarea[data-testid=send-template-data]").Input("""{ "name": "Ana" }""");

        root.Find("[data-testid=send-submit]").Click();

        root.WaitForAssertion(() => Assert.Contains("Accepted", root.Find("[data-testid=send-result]").TextContent, StringComparison.Ordinal));
        Assert.Equal("Passed", root.Find("[data-testid=send-step-authorization]").GetAttribute("data-status"));
        await using var db = await Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct);
        var attempt = await db.SendAttempts.SingleAsync(Ct);
        Assert.True(attempt.Accepted);
    }

    [Fact]
    public async Task Templated_send_of_data_that_is_not_a_JSON_object_is_refused_in_words()
    {
        await SeedAsync();
        SignInAsRoot(AccountA);
        var root = RenderPage("SendTemplatedEmail");
        Choose(root, "send-template", "greeting");
        root.Find("textarea[data-testid=send-template-data]").Input("[1, 2]");

        root.Find("[data-testid=send-submit]").Click();

        root.WaitForAssertion(() => Assert.Contains("InvalidParameterValue", root.Find("[data-testid=send-error]").TextContent, StringComparison.Ordinal));
        Assert.DoesNotContain("Exception", root.Find("[data-testid=send-error]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bulk_send_gives_one_result_per_destination()
    {
        await SeedAsync();
        SignInAsRoot(AccountA);
        var root = RenderPage("SendBulkTemplatedEmail");
        Choose(root, "send-template", "greeting");
        root.WaitForAssertion(() => Assert.Equal(2, root.FindAll("[data-testid=bulk-entry]").Count));
        root.Find("[data-testid=bulk-add]").Click();
        root.WaitForAssertion(() => Assert.Equal(3, root.FindAll("[data-testid=bulk-entry]").Count));
        root.Find("button[aria-label='Remove destination 3']").Click();
        root.WaitForAssertion(() => Assert.Equal(2, root.FindAll("[data-testid=bulk-entry]").Count));

        // The account's sandbox rate is one message a second: one destination reaches the pipeline, the other's data is refused first.
        var tos = root.FindAll("input[data-testid=bulk-entry-to]");
        tos[0].Input("success@simulator.amazonses.com");
        tos[1].Input("success@simulator.amazonses.com");
        var data = root.FindAll("textarea[data-testid=bulk-entry-data]");
        data[0].Input("""{ "name": "One" }""");
        data[1].Input("not json");
        root.Find("textarea[data-testid=send-template-data]").Input("""{ "name": "Default" }""");

        root.Find("[data-testid=send-submit]").Click();

        root.WaitForAssertion(() => Assert.Equal(2, root.FindAll("[data-testid=bulk-result]").Count));
        Assert.Equal(["Success", "InvalidParameterValue"], root.FindAll("[data-testid=bulk-result]").Select(r => r.GetAttribute("data-status")));
        // The destination that went through the pipeline shows its steps, every one passed; the one refused for its data has none.
        var rows = root.FindAll("[data-testid=bulk-result]");
        var steps = rows[0].QuerySelectorAll("[data-testid=bulk-trace] [data-status]");
        Assert.True(steps.Length >= 5, rows[0].InnerHtml);
        Assert.All(steps, s => Assert.Equal("Passed", s.GetAttribute("data-status")));
        Assert.Contains(steps, s => s.TextContent.Contains("Authoriz", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(rows[1].QuerySelectorAll("[data-testid=bulk-trace]"));
        Assert.Contains("1 of 2 accepted", root.Find("[data-testid=bulk-summary]").TextContent, StringComparison.Ordinal);
        await using var db = await Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct);
        Assert.Equal(1, await db.SendAttempts.CountAsync(a => a.Accepted, Ct));
    }

    [Fact]
    public void Without_templates_the_template_mode_says_where_to_make_one()
    {
        SignInAsRoot(AccountA);
        var root = RenderPage("SendTemplatedEmail");

        root.WaitForAssertion(() => Assert.Contains("Your account has no email templates in us-east-1.", root.Find("[data-testid=send-no-templates]").TextContent, StringComparison.Ordinal));
    }
}
