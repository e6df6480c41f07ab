using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Web.Features.Audit;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Audit;

/// <summary>The audit log page (docs/audit-log.md#the-page) over real SQLite: scope, filters, before/after and export.</summary>
public sealed class AuditPageTests : ConsoleTestContext
{
    private const string OldPolicy = "{\n  \"Statement\": [\n    { \"Sid\": \"Old\" }\n  ]\n}";
    private const string NewPolicy = "{\n  \"Statement\": [\n    { \"Sid\": \"New\" }\n  ]\n}";

    [Fact]
    public void Without_entries_the_page_says_what_will_show_up_here()
    {
        SignInAsRoot(AccountA);

        var page = Render<AuditPage>();

        page.WaitForAssertion(() => Assert.Contains("No changes recorded yet", page.Markup, StringComparison.Ordinal));
        Assert.Contains("saves a sending authorization policy", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Owner_sees_only_its_account_newest_first()
    {
        Seed(Entry(AccountA, AuditKinds.PolicyPut, "a.example", "Created policy P on a.example.", minutes: 1, after: OldPolicy),
            Entry(AccountA, AuditKinds.IdentityDkim, "a.example", "Disabled DKIM signing for a.example.", minutes: 2),
            Entry(AccountB, AuditKinds.PolicyPut, "b-secret.example", "Created policy Q on b-secret.example.", minutes: 3));
        SignInAsRoot(AccountA);

        var page = Render<AuditPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=audit-summary]").Count));
        Assert.Equal(["Disabled DKIM signing for a.example.", "Created policy P on a.example."], page.FindAll("[data-testid=audit-summary]").Select(e => e.TextContent.Trim()));
        Assert.DoesNotContain("b-secret.example", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Target_filter_narrows_the_rows_and_the_export_link()
    {
        Seed(Entry(AccountA, AuditKinds.IdentityCreated, "one.example", "Created domain identity one.example.", minutes: 1),
            Entry(AccountA, AuditKinds.IdentityCreated, "two.example", "Created domain identity two.example.", minutes: 2));
        SignInAsRoot(AccountA);
        var page = Render<AuditPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=audit-summary]").Count));

        page.Find("input[data-testid=audit-filter-target]").Input("two.");

        page.WaitForAssertion(() => Assert.Equal(["Created domain identity two.example."], page.FindAll("[data-testid=audit-summary]").Select(e => e.TextContent.Trim())));
        page.WaitForAssertion(() => Assert.Contains("target=two.", page.Find("[data-testid=audit-export-csv]").GetAttribute("href"), StringComparison.Ordinal));
        var csv = page.Find("[data-testid=audit-export-csv]").GetAttribute("href")!;
        Assert.Contains("/audit/export?", csv, StringComparison.Ordinal);
        Assert.Contains("format=csv", csv, StringComparison.Ordinal);
        Assert.Contains("format=json", page.Find("[data-testid=audit-export-json]").GetAttribute("href"), StringComparison.Ordinal);
    }

    [Fact]
    public void Query_string_presets_the_filters_and_a_filtered_empty_result_says_so()
    {
        Seed(Entry(AccountA, AuditKinds.IdentityCreated, "one.example", "Created domain identity one.example.", minutes: 1));
        SignInAsRoot(AccountA);
        Services.GetRequiredService<NavigationManager>().NavigateTo("/audit?target=nothing-here.example");

        var page = Render<AuditPage>();

        page.WaitForAssertion(() => Assert.Contains("No entries match these filters", page.Markup, StringComparison.Ordinal));
        Assert.Contains("target=nothing-here.example", page.Find("[data-testid=audit-export-csv]").GetAttribute("href"), StringComparison.Ordinal);
    }

    [Fact]
    public void Expanding_a_policy_entry_shows_the_line_diff_and_a_setting_its_two_objects()
    {
        Seed(Entry(AccountA, AuditKinds.PolicyPut, "a.example", "Updated policy P on a.example.", minutes: 1, before: OldPolicy, after: NewPolicy),
            Entry(AccountA, AuditKinds.IdentityDkim, "a.example", "Disabled DKIM signing for a.example.", minutes: 2,
                before: "{ \"DkimSigningEnabled\": true }", after: "{ \"DkimSigningEnabled\": false }"));
        SignInAsRoot(AccountA);
        var page = Render<AuditPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=audit-expand]").Count));

        page.FindAll("[data-testid=audit-expand]")[1].Click(); // the older one: the policy

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=audit-diff]")));
        var diff = page.Find("[data-testid=audit-diff]");
        Assert.Contains("- ", diff.QuerySelector(".diff-del")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("\"Sid\": \"Old\"", diff.QuerySelector(".diff-del")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("\"Sid\": \"New\"", diff.QuerySelector(".diff-add")!.TextContent, StringComparison.Ordinal);

        page.FindAll("[data-testid=audit-expand]")[0].Click();

        page.WaitForAssertion(() => Assert.Contains("\"DkimSigningEnabled\": false", page.Find("[data-testid=audit-after]").TextContent, StringComparison.Ordinal));
        Assert.Contains("\"DkimSigningEnabled\": true", page.Find("[data-testid=audit-before]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Admin_sees_every_account_with_the_account_column()
    {
        Seed(Entry(AccountA, AuditKinds.AdminAccountPaused, AccountA, "Paused sending of account 111111111111: spam.", minutes: 1),
            Entry(AccountB, AuditKinds.PolicyPut, "b.example", "Created policy Q on b.example.", minutes: 2));
        SignInAsAdmin();

        var page = Render<AuditPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=audit-summary]").Count));
        Assert.Contains("Every account", page.Markup, StringComparison.Ordinal);
        Assert.NotNull(page.Find("[data-testid=audit-filter-account]"));
    }

    [Fact]
    public void Export_content_quotes_fields_and_defuses_formulas()
    {
        var at = new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
        AuditEntryView[] rows =
        [
            new(Guid.CreateVersion7(at), at, AccountA, "us-east-1", AuditKinds.PolicyPut, "a.example", "arn:aws:iam::111111111111:root", AccountA, AuditVia.Api,
                "AKIAEXAMPLE", "127.0.0.1", "=HYPERLINK(\"x\")", null, "{ \"a\": \"b,c\" }"),
        ];

        var csv = AuditLogService.ToCsv(rows);
        var json = AuditLogService.ToJson(rows);

        var lines = csv.Split("\r\n");
        Assert.Equal("At,AccountId,Region,Kind,Target,ActorArn,ActorAccountId,Via,Credential,SourceIp,Summary,Before,After", lines[0]);
        Assert.Equal("2026-12-02T10:00:00.000Z,111111111111,us-east-1,policy.put,a.example,arn:aws:iam::111111111111:root,111111111111,api,AKIAEXAMPLE,127.0.0.1,"
            + "\"'=HYPERLINK(\"\"x\"\")\",,\"{ \"\"a\"\": \"\"b,c\"\" }\"", lines[1]);
        using var parsed = System.Text.Json.JsonDocument.Parse(json);
        var first = parsed.RootElement[0];
        Assert.Equal("policy.put", first.GetProperty("Kind").GetString());
        Assert.Equal("AKIAEXAMPLE", first.GetProperty("Credential").GetString());
    }

    private void Seed(params AuditEntryEntity[] entries)
    {
        using var db = Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContext();
        db.AuditEntries.AddRange(entries);
        db.SaveChanges();
    }

    private static AuditEntryEntity Entry(string account, string kind, string target, string summary, int minutes, string? before = null, string? after = null)
    {
        var at = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero).AddMinutes(minutes);
        return new AuditEntryEntity
        {
            Id = Guid.CreateVersion7(at), At = at, AccountId = account, Region = "us-east-1", Kind = kind, Target = target,
            ActorArn = $"arn:aws:iam::{account}:root", ActorAccountId = account, Via = AuditVia.Console, Credential = "root", Summary = summary,
            Before = before, After = after,
        };
    }
}
