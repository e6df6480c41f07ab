using System.Text.Json.Nodes;
using Bunit;
using SesConsole.Data.Entities;
using SesConsole.Web.Features.Policies;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Policies;

/// <summary>bUnit: the wizard as rendered (every template, duplicate conditions, the time window) and the editor page around it.</summary>
public sealed class PolicyWizardTests : ConsoleTestContext
{
    private const string Arn = "arn:aws:ses:us-east-1:111111111111:identity/example.com";

    private static IReadOnlyList<PolicyTemplate> Templates => PolicyTemplates.For(Arn, "111111111111", "example.com");

    private static string Template(string key) => Templates.Single(t => t.Key == key).Document;

    public static TheoryData<string> TemplateKeys() => [.. Templates.Select(t => t.Key)];

    private sealed class Host
    {
        public string Text { get; set; } = "";

        public List<string> Emitted { get; } = [];

        public List<string?> Problems { get; } = [];
    }

    private IRenderedComponent<PolicyWizard> RenderWizard(Host host) =>
        Render<PolicyWizard>(p => p.Add(x => x.Text, host.Text).Add(x => x.IdentityArn, Arn)
            .Add(x => x.TextChanged, (string t) =>
            {
                host.Text = t;
                host.Emitted.Add(t);
            })
            .Add(x => x.ProblemChanged, (string? problem) => host.Problems.Add(problem)));

    [Theory]
    [MemberData(nameof(TemplateKeys))]
    public void Rendered_wizard_emits_every_template_unchanged(string key)
    {
        var canonical = JsonNode.Parse(Template(key));
        var host = new Host { Text = Template(key) };

        var wizard = RenderWizard(host);

        // Rendering alone (every select, checkbox and picker bound to the model) changes nothing.
        Assert.Empty(host.Emitted);
        Assert.True(JsonNode.DeepEquals(canonical, JsonNode.Parse(host.Text)), host.Text);
        Assert.Equal(canonical!["Statement"]!.AsArray().Count, wizard.FindAll("[data-testid=wizard-card]").Count);
        Assert.Empty(wizard.FindAll("[data-testid=wizard-unsupported]"));
        Assert.Empty(wizard.FindAll("[data-testid=wizard-condition-problem]"));
        var conditions = canonical["Statement"]![0]!["Condition"]?.AsObject().Sum(op => op.Value!.AsObject().Count) ?? 0;
        Assert.Equal(conditions, wizard.FindAll("[data-testid=wizard-condition]").Count +
                                 wizard.FindAll("input[data-testid=wizard-window-start], input[data-testid=wizard-window-end]").Count);

        // What the component writes from its rendered state: an edit and its undo leave exactly the template.
        var sid = canonical["Statement"]![0]!["Sid"]!.GetValue<string>();
        wizard.Find("input[data-testid=wizard-sid]").Change(sid + "X");
        wizard.Find("input[data-testid=wizard-sid]").Change(sid);

        Assert.Equal(2, host.Emitted.Count);
        var renamed = canonical.DeepClone();
        renamed["Statement"]![0]!["Sid"] = sid + "X";
        Assert.True(JsonNode.DeepEquals(renamed, JsonNode.Parse(host.Emitted[0])), host.Emitted[0]);
        Assert.True(JsonNode.DeepEquals(canonical, JsonNode.Parse(host.Emitted[^1])), host.Emitted[^1]);
        Assert.All(host.Problems, Assert.Null);
    }

    [Fact]
    public void Two_identical_conditions_are_flagged_in_the_card_and_nothing_is_written_until_resolved()
    {
        var host = new Host { Text = Template("account") };
        var wizard = RenderWizard(host);

        wizard.Find("[data-testid=wizard-add-condition]").Click();
        wizard.FindAll("input[data-testid=wizard-condition-values], textarea[data-testid=wizard-condition-values]")[0].Change("news@example.com");
        Assert.Equal(2, host.Emitted.Count);
        Assert.Empty(wizard.FindAll("[data-testid=wizard-condition-problem]"));

        wizard.Find("[data-testid=wizard-add-condition]").Click();
        wizard.FindAll("input[data-testid=wizard-condition-values], textarea[data-testid=wizard-condition-values]")[1].Change("offers@example.com");

        // The second StringLike on ses:FromAddress would overwrite the first: flagged inline, never written.
        var problem = wizard.Find("[data-testid=wizard-condition-problem]");
        Assert.Contains("already uses StringLike on ses:FromAddress", problem.TextContent, StringComparison.Ordinal);
        Assert.NotNull(wizard.Find("[data-testid=wizard-blocked]"));
        Assert.Equal(2, host.Emitted.Count);
        Assert.Contains("StringLike on ses:FromAddress", host.Problems[^1], StringComparison.Ordinal);
        Assert.Equal(2, wizard.FindAll("[data-testid=wizard-condition]").Count);

        // Combining is the user's explicit choice: one list, either address may match.
        wizard.Find("[data-testid=wizard-condition-combine]").Click();

        Assert.Null(host.Problems[^1]);
        Assert.Empty(wizard.FindAll("[data-testid=wizard-blocked]"));
        var condition = JsonNode.Parse(host.Emitted[^1])!["Statement"]![0]!["Condition"]!;
        Assert.Equal("""{"StringLike":{"ses:FromAddress":["news@example.com","offers@example.com"]}}""", condition.ToJsonString());
    }

    [Fact]
    public void Removing_a_duplicate_condition_unblocks_and_writes_the_other()
    {
        var host = new Host { Text = Template("from-prefix") };
        var wizard = RenderWizard(host);

        wizard.Find("[data-testid=wizard-add-condition]").Click();

        Assert.Single(host.Problems);
        Assert.NotNull(host.Problems[0]);
        Assert.Empty(host.Emitted);

        wizard.FindAll("[data-testid=wizard-condition] button[aria-label='Remove condition']")[1].Click();

        Assert.Null(host.Problems[^1]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Template("from-prefix")), JsonNode.Parse(host.Emitted.Single())), host.Emitted.Single());
    }

    [Fact]
    public async Task Editor_page_blocks_json_mode_and_save_while_the_wizard_holds_unwritable_conditions()
    {
        await using (var db = await Service<Microsoft.EntityFrameworkCore.IDbContextFactory<SesConsole.Data.ConsoleDbContext>>().CreateDbContextAsync(Xunit.TestContext.Current.CancellationToken))
        {
            var now = DateTimeOffset.UtcNow;
            db.SendingIdentities.Add(new SendingIdentityEntity
            {
                Id = Guid.NewGuid(), AccountId = AccountA, Region = "us-east-1", Name = "wizard.example.com", Type = SesConsole.Domain.Identities.SendingIdentityType.Domain,
                VerificationStatus = SesConsole.Domain.Identities.VerificationStatus.Success, VerificationStatusSince = now, VerifiedAt = now, CreatedAt = now,
            });
            await db.SaveChangesAsync(Xunit.TestContext.Current.CancellationToken);
        }

        // Monaco (stubbed) holds the page's starting text, the first template.
        var template = PolicyTemplates.For($"arn:aws:ses:us-east-1:{AccountA}:identity/wizard.example.com", AccountA, "wizard.example.com")[0].Document;
        JSInterop.Setup<string>(i => i.Identifier.EndsWith("getValue", StringComparison.Ordinal)).SetResult(template);
        SignInAsRoot(AccountA);
        var (root, page) = RenderWithProviders<PolicyEditorPage>(("Name", "wizard.example.com"));
        page.WaitForElement("[data-testid=policy-modes]");
        root.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == "Visual").Click();

        page.WaitForElement("[data-testid=wizard-add-condition]").Click();
        page.Find("[data-testid=wizard-add-condition]").Click();

        page.WaitForElement("[data-testid=wizard-condition-problem]");
        Assert.Contains("mud-disabled", root.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == "JSON").ClassList);
        page.Find("[data-testid=policy-save]").Click();
        Assert.Contains("cannot write this policy yet", page.WaitForElement("[data-testid=policy-save-blocked]").TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.Find("[data-testid=policy-wizard]"));
        Assert.NotNull(page.Find("[data-testid=policy-dirty]"));

        page.FindAll("[data-testid=wizard-condition] button[aria-label='Remove condition']")[1].Click();

        page.WaitForAssertion(() => Assert.DoesNotContain("mud-disabled", root.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == "JSON").ClassList));
        // What blocked the save is gone; the one condition left has no value yet, an error the message now counts instead.
        Assert.Equal("Fix 1 error before saving; the problems list shows where.", page.Find("[data-testid=policy-save-blocked]").TextContent.Trim());
    }

    [Fact]
    public void Time_window_range_editor_writes_the_picked_utc_instants_as_iso_8601()
    {
        var host = new Host { Text = Template("account") };
        var wizard = RenderWizard(host);

        wizard.Find("[data-testid=wizard-add-window]").Click();

        var window = wizard.Find("[data-testid=wizard-time-window]");
        Assert.Contains("UTC", window.TextContent, StringComparison.Ordinal);
        Assert.Equal("datetime-local", wizard.Find("input[data-testid=wizard-window-start]").GetAttribute("type"));
        Assert.True(wizard.Find("[data-testid=wizard-add-window]").HasAttribute("disabled"));
        Assert.Empty(wizard.FindAll("[data-testid=wizard-condition]"));

        wizard.Find("input[data-testid=wizard-window-start]").Change("2026-12-01T09:30");
        wizard.Find("input[data-testid=wizard-window-end]").Change("2027-01-15T18:00:05");

        var condition = JsonNode.Parse(host.Emitted[^1])!["Statement"]![0]!["Condition"]!;
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"DateGreaterThan":{"aws:CurrentTime":"2026-12-01T09:30:00Z"},"DateLessThan":{"aws:CurrentTime":"2027-01-15T18:00:05Z"}}"""),
            condition), condition.ToJsonString());
        Assert.Empty(wizard.FindAll("[data-testid=wizard-window-error]"));

        wizard.Find("input[data-testid=wizard-window-end]").Change("2026-11-30T00:00");
        Assert.NotNull(wizard.Find("[data-testid=wizard-window-error]"));
    }

    [Fact]
    public void Time_window_template_opens_in_the_range_editor_and_other_dates_stay_free_text()
    {
        var wizard = RenderWizard(new Host { Text = Template("time-window") });

        Assert.Equal("2026-12-01T00:00:00", wizard.Find("input[data-testid=wizard-window-start]").GetAttribute("value"));
        Assert.Equal("2027-01-01T00:00:00", wizard.Find("input[data-testid=wizard-window-end]").GetAttribute("value"));
        Assert.Empty(wizard.FindAll("[data-testid=wizard-condition]"));

        var epoch = Template("time-window").Replace("\"2026-12-01T00:00:00Z\"", "\"1796083200\"", StringComparison.Ordinal);
        var other = RenderWizard(new Host { Text = epoch });

        Assert.Empty(other.FindAll("input[data-testid=wizard-window-start]"));
        Assert.NotNull(other.Find("input[data-testid=wizard-window-end]"));
        Assert.Equal("1796083200", other.Find("[data-testid=wizard-condition] input[data-testid=wizard-condition-values]").GetAttribute("value"));
    }
}
