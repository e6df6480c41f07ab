using Bunit;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Features.Sns;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Sns;

/// <summary>The Topics page (bUnit, real SnsService over SQLite): the empty state, the list, one account's topics only.</summary>
public sealed class TopicsPageTests : ConsoleTestContext
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static Caller RootOf(string account) => new("id", "root", account, null, $"arn:aws:iam::{account}:root", false);

    [Fact]
    public void Without_topics_says_what_to_do_next()
    {
        SignInAsRoot(AccountA);

        var page = Render<TopicsPage>();

        page.WaitForAssertion(() => Assert.Contains("No topics in us-east-1 yet", page.Find("[data-testid=topics-empty]").TextContent, StringComparison.Ordinal));
        Assert.Contains("Create a topic above", page.Markup, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=topics-table]"));
    }

    [Fact]
    public async Task Lists_the_accounts_own_topics_in_the_region_only()
    {
        var sns = Service<SnsService>();
        await sns.CreateTopicAsync(SnsCaller.ForConsole(RootOf(AccountA), "us-east-1"), "bounces", new Dictionary<string, string> { ["DisplayName"] = "Bounces" }, new Dictionary<string, string>(), Ct);
        await sns.CreateTopicAsync(SnsCaller.ForConsole(RootOf(AccountA), "eu-west-1"), "elsewhere", new Dictionary<string, string>(), new Dictionary<string, string>(), Ct);
        await sns.CreateTopicAsync(SnsCaller.ForConsole(RootOf(AccountB), "us-east-1"), "b-secret", new Dictionary<string, string>(), new Dictionary<string, string>(), Ct);
        await sns.SubscribeAsync(SnsCaller.ForConsole(RootOf(AccountA), "us-east-1"), "arn:aws:sns:us-east-1:111111111111:bounces", "email", "ops@example.com",
            new Dictionary<string, string>(), false, Ct);
        SignInAsRoot(AccountA);

        var page = Render<TopicsPage>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=topics-table] tbody tr")));
        var row = page.Find("[data-testid=topics-table] tbody tr");
        Assert.Contains("bounces", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("Bounces", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("0 confirmed · 1 pending", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("arn:aws:sns:us-east-1:111111111111:bounces", row.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("b-secret", page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("elsewhere", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Topic_page_of_another_accounts_name_shows_nothing_of_it()
    {
        await Service<SnsService>().CreateTopicAsync(SnsCaller.ForConsole(RootOf(AccountB), "us-east-1"), "b-only", new Dictionary<string, string>(), new Dictionary<string, string>(), Ct);
        SignInAsRoot(AccountA);

        var page = Render<TopicPage>(p => p.Add(x => x.Name, "b-only"));

        page.WaitForAssertion(() => Assert.Contains("No topic b-only in us-east-1", page.Find("[data-testid=topic-missing]").TextContent, StringComparison.Ordinal));
        Assert.DoesNotContain("222222222222", page.Markup, StringComparison.Ordinal);
    }
}
