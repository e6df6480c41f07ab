using Bunit;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Sending;
using SesConsole.Web.Features.ConfigurationSets;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.ConfigurationSets;

/// <summary>The Configuration sets page and a set's page, rendered with the real service over SQLite.</summary>
public sealed class ConfigurationSetPagesTests : ConsoleTestContext
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static Caller RootOf(string account) => new("id", "root", account, null, $"arn:aws:iam::{account}:root", false);

    private static EventDestinationInput Input(EventDestinationKind kind, string? topic, params string[] types) =>
        new() { Enabled = true, Kind = kind, TopicArn = topic, MatchingEventTypes = [.. types.Select(t => ConfigurationSetEventTypes.FromV2(t)!)] };

    [Fact]
    public void SetsPage_without_sets_says_what_to_do_next()
    {
        SignInAsRoot(AccountA);

        var page = Render<ConfigurationSetsPage>();

        page.WaitForAssertion(() => Assert.Contains("No configuration sets in us-east-1 yet", page.Markup, StringComparison.Ordinal));
        Assert.Contains("name it in a send with ConfigurationSetName or the X-SES-CONFIGURATION-SET header", page.Markup, StringComparison.Ordinal);
        Assert.NotEmpty(page.FindAll("[data-testid=create-set]"));
    }

    [Fact]
    public async Task SetsPage_lists_the_accounts_sets_with_destination_counts_never_another_accounts()
    {
        var sets = Service<ConfigurationSetsService>();
        await sets.CreateAsync(RootOf(AccountA), "us-east-1", "tracking", Ct);
        await sets.CreateAsync(RootOf(AccountA), "us-east-1", "empty", Ct);
        await sets.CreateAsync(RootOf(AccountA), "eu-west-1", "elsewhere", Ct);
        await sets.CreateAsync(RootOf(AccountB), "us-east-1", "b-secret", Ct);
        await sets.CreateDestinationAsync(RootOf(AccountA), "us-east-1", "tracking", "log", Input(EventDestinationKind.EventLog, null, "SEND"), Ct);
        await sets.CreateDestinationAsync(RootOf(AccountA), "us-east-1", "tracking", "sns", Input(EventDestinationKind.Sns, "arn:aws:sns:us-east-1:111111111111:t", "BOUNCE"), Ct);
        SignInAsRoot(AccountA);

        var page = Render<ConfigurationSetsPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=sets-table] tbody tr").Count));
        var rows = page.FindAll("[data-testid=sets-table] tbody tr").Select(r => string.Join('|', r.QuerySelectorAll("td").Take(2).Select(td => td.TextContent.Trim())));
        Assert.Equal(["empty|0", "tracking|2"], rows);
        Assert.DoesNotContain("b-secret", page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("elsewhere", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetsPage_delete_asks_first_and_says_how_many_destinations_go_with_the_set()
    {
        var sets = Service<ConfigurationSetsService>();
        await sets.CreateAsync(RootOf(AccountA), "us-east-1", "doomed", Ct);
        await sets.CreateDestinationAsync(RootOf(AccountA), "us-east-1", "doomed", "one", Input(EventDestinationKind.EventLog, null, "SEND"), Ct);
        await sets.CreateDestinationAsync(RootOf(AccountA), "us-east-1", "doomed", "two", Input(EventDestinationKind.EventLog, null, "SEND"), Ct);
        SignInAsRoot(AccountA);
        var (root, page) = RenderWithProviders<ConfigurationSetsPage>();

        page.WaitForElement("[data-testid=delete-set]").Click();
        root.WaitForAssertion(() => Assert.Contains("Its 2 event destinations are deleted with it.", root.Markup, StringComparison.Ordinal));
        root.Find("[data-testid=confirm]").Click();

        page.WaitForAssertion(() => Assert.Contains("No configuration sets in us-east-1 yet", page.Markup, StringComparison.Ordinal));
        await using var db = await Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct);
        Assert.Equal(0, await db.ConfigurationSetEventDestinations.CountAsync(Ct));
    }

    [Fact]
    public async Task SetPage_shows_destinations_with_kinds_topics_and_type_chips_and_the_published_events()
    {
        var sets = Service<ConfigurationSetsService>();
        await sets.CreateAsync(RootOf(AccountA), "us-east-1", "tracking", Ct);
        await sets.CreateDestinationAsync(RootOf(AccountA), "us-east-1", "tracking", "to-topic",
            Input(EventDestinationKind.Sns, "arn:aws:sns:us-east-1:111111111111:feedback", "BOUNCE", "COMPLAINT"), Ct);
        await sets.CreateDestinationAsync(RootOf(AccountA), "us-east-1", "tracking", "log", Input(EventDestinationKind.EventLog, null, "SEND", "RENDERING_FAILURE"), Ct);
        await using (var db = await Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct))
        {
            db.PublishedEvents.Add(new PublishedEventEntity
            {
                Id = Guid.NewGuid(), AccountId = AccountA, Region = "us-east-1", ConfigurationSetName = "tracking", DestinationName = "log", EventType = "Send",
                MessageId = "0100abc-msg", Json = """{"eventType":"Send","mail":{"messageId":"0100abc-msg"},"send":{}}""", At = DateTimeOffset.UnixEpoch.AddYears(56),
            });
            db.PublishedEvents.Add(new PublishedEventEntity
            {
                Id = Guid.NewGuid(), AccountId = AccountB, Region = "us-east-1", ConfigurationSetName = "tracking", DestinationName = "log", EventType = "Send",
                MessageId = "b-only-msg", Json = "{}", At = DateTimeOffset.UnixEpoch.AddYears(56),
            });
            await db.SaveChangesAsync(Ct);
        }

        SignInAsRoot(AccountA);

        var page = Render<ConfigurationSetPage>(p => p.Add(x => x.Name, "tracking"));

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=destinations-table] tbody tr").Count));
        var rows = page.FindAll("[data-testid=destinations-table] tbody tr");
        Assert.Contains("Event log", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Equal(["Send", "Rendering Failure"], rows[0].QuerySelectorAll(".mud-chip").Select(c => c.TextContent.Trim()));
        Assert.Contains("arn:aws:sns:us-east-1:111111111111:feedback", rows[1].TextContent, StringComparison.Ordinal);
        Assert.Equal(["Bounce", "Complaint"], rows[1].QuerySelectorAll(".mud-chip").Select(c => c.TextContent.Trim()));
        Assert.Equal(2, page.FindComponents<MudBlazor.MudSwitch<bool>>().Count);
        Assert.Contains("0100abc-msg", page.Find("[data-testid=events-list]").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("b-only-msg", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetPage_without_destinations_or_events_explains_both_and_another_accounts_set_is_not_found()
    {
        await Service<ConfigurationSetsService>().CreateAsync(RootOf(AccountB), "us-east-1", "bs-set", Ct);
        await Service<ConfigurationSetsService>().CreateAsync(RootOf(AccountA), "us-east-1", "bare", Ct);
        SignInAsRoot(AccountA);

        var bare = Render<ConfigurationSetPage>(p => p.Add(x => x.Name, "bare"));
        var foreign = Render<ConfigurationSetPage>(p => p.Add(x => x.Name, "bs-set"));

        bare.WaitForAssertion(() => Assert.Contains("No event destinations", bare.Markup, StringComparison.Ordinal));
        Assert.Contains("Name this set in a send with ConfigurationSetName or the X-SES-CONFIGURATION-SET header", bare.Markup, StringComparison.Ordinal);
        foreign.WaitForAssertion(() => Assert.Contains("No configuration set bs-set in us-east-1", foreign.Markup, StringComparison.Ordinal));
        Assert.Empty(foreign.FindAll("[data-testid=add-destination]"));
    }

    [Fact]
    public async Task SetPage_add_destination_dialog_shows_field_errors_then_creates_an_event_log_destination()
    {
        await Service<ConfigurationSetsService>().CreateAsync(RootOf(AccountA), "us-east-1", "dialog", Ct);
        SignInAsRoot(AccountA);
        var (root, page) = RenderWithProviders<ConfigurationSetPage>(("Name", "dialog"));

        page.WaitForElement("[data-testid=add-destination]").Click();
        root.WaitForElement("input[data-testid=destination-name]").Input("bad name");
        root.Find("[data-testid=destination-submit]").Click();
        root.WaitForAssertion(() => Assert.Contains("Event destination name 'bad name' is invalid", root.Markup, StringComparison.Ordinal));

        root.Find("input[data-testid=destination-name]").Input("to-log");
        root.Find("[data-testid=destination-submit]").Click();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=destinations-table] tbody tr")));
        var saved = Assert.Single((await Service<ConfigurationSetsService>().ListDestinationsAsync(RootOf(AccountA), "us-east-1", "dialog", Ct)).Value!);
        Assert.Equal(("to-log", EventDestinationKind.EventLog, (string?)null, true), (saved.Name, saved.Kind, saved.TopicArn, saved.Enabled));
        Assert.Equal(["SEND", "REJECT", "BOUNCE", "COMPLAINT", "DELIVERY"], saved.MatchingEventTypes.Select(t => t.V2));
    }
}
