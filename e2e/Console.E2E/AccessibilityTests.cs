using System.Globalization;
using System.Reflection;
using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.AspNetCore.Components;
using Microsoft.Playwright;
using SesConsole.E2E.Infrastructure;
using SesConsole.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace SesConsole.E2E;

/// <summary>
/// axe-core on every routable page, as the role that uses it and showing content (see <see cref="AccessibilityWorld"/>):
/// a serious or critical violation fails. The list of checks is keyed by the pages' route templates, and a test compares
/// it with the app's route table, so a new page without a check fails the build.
/// </summary>
[Collection(ConsoleServerGroup.Name)]
public sealed class AccessibilityTests(ConsoleServer server, ITestOutputHelper output)
{
    public enum Role
    {
        /// <summary>Not signed in (the static sign-in pages).</summary>
        Anonymous,

        Admin,

        /// <summary>The root of the identity owner's account (<see cref="AccessibilityWorld.AccountId"/>).</summary>
        Owner,

        /// <summary>The root of the demo delegate account, to which the owner's policy grants a conditional Allow.</summary>
        Delegate,

        /// <summary>An IAM user of the owner's account with a console sign-in.</summary>
        IamUser,
    }

    /// <summary>
    /// One axe run: the page's route template (as in its <c>@page</c>), who looks at it, the URL, and what to do before
    /// the run (wait for the content, or act to reach a state: a send, a tab, a check).
    /// </summary>
    private sealed record Check(string Route, Role Role, Func<AccessibilityWorld, string> Url, Func<IPage, Task> Ready)
    {
        public string Name => $"{Role} {Route}{(Variant is null ? "" : $" ({Variant})")}";

        public string? Variant { get; init; }
    }

    private static Func<IPage, Task> Shows(string testId) =>
        page => Expect(page.GetByTestId(testId).First).ToBeVisibleAsync();

    private static Func<IPage, Task> ShowsHeading => page => Expect(page.Locator("h1").First).ToBeVisibleAsync();

    private const string DomainPage = "/identities/" + AccessibilityWorld.Domain;

    private static readonly Check[] Checks =
    [
        // Static (server-rendered) pages.
        new("/Account/Login", Role.Anonymous, _ => "/Account/Login", async page =>
        {
            // The state with the most on it: the error after a failed sign-in.
            await page.GetByLabel("Email or IAM user").FillAsync("nobody@axe-check.example");
            await page.GetByLabel("Password").FillAsync("not-the-password");
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Expect(new SignInPage(page).Error).ToBeVisibleAsync();
        }) { Variant = "after a failed sign-in" },
        new("/Account/AccessDenied", Role.Anonymous, _ => "/Account/AccessDenied", ShowsHeading),
        new("/verify-email", Role.Anonymous, w => w.VerifyLink, page => Expect(page.GetByTestId("verify-result")).ToContainTextAsync("verified")),

        // Every account member.
        new("/", Role.Owner, _ => "/", Shows("account-id")),
        new("/", Role.IamUser, _ => "/", Shows("account-id")),
        new("/Error", Role.Owner, _ => "/Error", ShowsHeading),
        new("/not-found", Role.Owner, _ => "/not-found", ShowsHeading),
        new("/mailbox", Role.Owner, _ => "/mailbox", Shows("mailbox-table")),
        new("/mailbox/{Id:guid}", Role.Owner, w => $"/mailbox/{w.MailboxMessageId}", Shows("mail-links")),
        new("/security-credentials", Role.Owner, _ => "/security-credentials", Shows("access-keys-table")),
        new("/security-credentials", Role.IamUser, _ => "/security-credentials", Shows("access-keys-table")),

        // The identity owner.
        new("/identities", Role.Owner, _ => "/identities", Shows("identities-table")),
        new("/identities", Role.IamUser, _ => "/identities", Shows("identities-table")),
        new("/identities/{Name}", Role.Owner, _ => DomainPage, async page =>
        {
            await Expect(page.GetByTestId("dns-records")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("policy-row").First).ToBeVisibleAsync();
        }),
        new("/identities/{Name}", Role.Owner, _ => DomainPage + "?tab=delegates", Shows("delegates-table")) { Variant = "delegates" },
        new("/identities/{Name}/policies/new", Role.Owner, _ => DomainPage + "/policies/new?template=account", EditorReady) { Variant = "JSON" },
        new("/identities/{Name}/policies/new", Role.Owner, _ => DomainPage + "/policies/new?template=from-address", async page =>
        {
            await EditorReady(page);
            await page.GetByRole(AriaRole.Tab, new() { Name = "Visual" }).ClickAsync();
            await Expect(page.GetByTestId("wizard-card").First).ToBeVisibleAsync();
        }) { Variant = "visual" },
        new("/identities/{Name}/policies/{PolicyName}", Role.Owner, _ => $"{DomainPage}/policies/{AccessibilityWorld.PolicyName}", async page =>
        {
            await EditorReady(page);
            await page.GetByTestId("sim-from").FillAsync($"other@{AccessibilityWorld.Domain}");
            await page.GetByTestId("sim-run").ClickAsync();
            await Expect(page.GetByTestId("sim-statement").First).ToBeVisibleAsync();
        }) { Variant = "simulated" },
        new("/test-send", Role.Owner, _ => "/test-send", async page =>
        {
            await FillSendAsync(page, $"news@{AccessibilityWorld.Domain}");
            await page.GetByTestId("send-submit").ClickAsync();
            await Expect(page.GetByTestId("send-result")).ToContainTextAsync("Accepted");
        }) { Variant = "accepted" },
        new("/activity", Role.Owner, _ => "/activity", Shows("activity-table")),
        new("/activity/{MessageId}", Role.Owner, w => $"/activity/{w.MessageId}", Shows("events-timeline")),
        new("/suppression", Role.Owner, _ => "/suppression", Shows("suppression-table")),
        new("/topics", Role.Owner, _ => "/topics", Shows("topics-table")),
        new("/topics/{Name}", Role.Owner, _ => $"/topics/{AccessibilityWorld.TopicName}", Shows("topic-subscriptions")),
        new("/configuration-sets", Role.Owner, _ => "/configuration-sets", Shows("sets-table")),
        new("/configuration-sets/{Name}", Role.Owner, _ => $"/configuration-sets/{AccessibilityWorld.SetName}", Shows("destinations-table")),
        new("/templates", Role.Owner, _ => "/templates", Shows("templates-table")),
        new("/templates/new", Role.Owner, _ => "/templates/new", TemplateEditorReady),
        new("/templates/{Name}", Role.Owner, _ => $"/templates/{AccessibilityWorld.TemplateName}", async page =>
        {
            await TemplateEditorReady(page);
            await page.GetByTestId("template-render").ClickAsync();
            await Expect(page.GetByTestId("render-html")).ToBeVisibleAsync();
        }) { Variant = "rendered" },
        new("/reputation", Role.Owner, _ => "/reputation", Shows("test-traffic")),
        new("/policies/findings", Role.Owner, _ => "/policies/findings", Shows("findings-page")),
        new("/audit", Role.Owner, _ => "/audit", async page =>
        {
            await page.GetByTestId("audit-expand").First.ClickAsync();
            await Expect(page.Locator("[data-testid=audit-diff], [data-testid=audit-json], [data-testid=audit-no-state]").First).ToBeVisibleAsync();
        }) { Variant = "expanded" },
        new("/iam/{Kind}", Role.Owner, _ => "/iam/users", Shows("principals-table")) { Variant = "users" },
        new("/iam/{Kind}", Role.Owner, _ => "/iam/roles", Shows("principals-table")) { Variant = "roles" },
        new("/iam/{Kind}/{Name}", Role.Owner, _ => $"/iam/users/{AccessibilityWorld.UserName}", Shows("access-keys-table")) { Variant = "user" },
        new("/iam/{Kind}/{Name}", Role.Owner, _ => $"/iam/roles/{AccessibilityWorld.RoleName}", Shows("principal-arn")) { Variant = "role" },

        // The delegate and the IAM user.
        new("/granted", Role.Delegate, _ => "/granted", async page =>
        {
            var card = page.Locator($"[data-testid=granted-identity][data-name='{AccessibilityWorld.Domain}']");
            await card.GetByText("Can I send this?").ClickAsync();
            await card.GetByTestId("check-run").ClickAsync();
            await Expect(card.GetByTestId("check-result")).ToBeVisibleAsync();
        }) { Variant = "checked" },
        new("/granted", Role.IamUser, _ => "/granted", ShowsHeading),
        new("/test-send", Role.Delegate, _ => "/test-send", async page =>
        {
            // Refused by the policy's condition: the trace explains each statement.
            await FillSendAsync(page, $"support@{AccessibilityWorld.Domain}");
            await page.GetByTestId("send-dry-run").ClickAsync();
            await Expect(page.GetByTestId("send-explanation")).ToBeVisibleAsync();
        }) { Variant = "denied" },
        new("/test-send", Role.IamUser, _ => "/test-send", async page =>
        {
            await FillSendAsync(page, $"news@{AccessibilityWorld.Domain}");
            await page.GetByTestId("send-dry-run").ClickAsync();
            await Expect(page.GetByTestId("send-result")).ToContainTextAsync("Would be accepted");
        }) { Variant = "dry run" },

        // The admin.
        new("/admin/accounts", Role.Admin, _ => "/admin/accounts", Shows("accounts-table")),
        new("/admin/accounts/{AccountId}/reputation", Role.Admin, _ => $"/admin/accounts/{AccessibilityWorld.AccountId}/reputation", Shows("test-traffic")),
        // The e2e server runs without Dns:DkimZone: the page explains CNAME mode (the other journeys expect that).
        new("/admin/dkim-zone", Role.Admin, _ => "/admin/dkim-zone", ShowsHeading),
        new("/mailbox", Role.Admin, _ => "/mailbox", Shows("mailbox-table")),
        new("/audit", Role.Admin, _ => "/audit", Shows("audit-table")) { Variant = "admin" },
    ];

    public static TheoryData<string> CheckNames() => [.. Checks.Select(c => c.Name)];

    private static async Task EditorReady(IPage page)
    {
        await Expect(page.Locator(".monaco-editor[role='code']").First).ToBeVisibleAsync();
        await Expect(page.GetByTestId("policy-problem-count")).ToBeVisibleAsync();
    }

    private static async Task TemplateEditorReady(IPage page)
    {
        await Expect(page.Locator("[data-testid=template-html] .monaco-editor[role='code']")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=template-data] .monaco-editor[role='code']")).ToBeVisibleAsync();
    }

    private static async Task FillSendAsync(IPage page, string from)
    {
        await page.GetByTestId("send-identity").FillAsync(AccessibilityWorld.DomainArn);
        await page.Keyboard.PressAsync("Escape");
        await page.GetByTestId("send-from").FillAsync(from);
        await page.GetByTestId("send-to").FillAsync("success@simulator.amazonses.com");
    }

    [Fact]
    public void Every_routable_page_has_an_axe_check()
    {
        var routes = typeof(Program).Assembly.GetTypes()
            .SelectMany(t => t.GetCustomAttributes<RouteAttribute>())
            .Select(r => r.Template)
            .ToHashSet(StringComparer.Ordinal);
        var checkedRoutes = Checks.Select(c => c.Route).ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(routes);
        Assert.True(routes.SetEquals(checkedRoutes),
            $"Pages without an axe check: {string.Join(", ", routes.Except(checkedRoutes))}; checks of routes that no longer exist: {string.Join(", ", checkedRoutes.Except(routes))}.");
    }

    [Theory(Timeout = 120_000)]
    [MemberData(nameof(CheckNames))]
    public async Task Page_has_no_serious_or_critical_axe_violation(string name)
    {
        var check = Checks.Single(c => c.Name == name);
        var world = await AccessibilityWorld.GetAsync(server, TestContext.Current.CancellationToken);
        var page = await server.NewPageAsync();
        await SignInAsync(page, check.Role, world);

        output.WriteLine($"signed in; opening {check.Url(world)}");
        await page.GotoAsync(check.Url(world));
        if (check.Role != Role.Anonymous)
        {
            await page.WaitForCircuitAsync();
        }

        await check.Ready(page);
        output.WriteLine("ready; running axe");

        // One main landmark on every page (moderate for axe, but screen-reader users jump by it).
        await Expect(page.GetByRole(AriaRole.Main)).ToHaveCountAsync(1);

        // Monaco's own DOM gives only moderate findings (an unnamed "complementary" status region), none serious: nothing is
        // excluded. Frames are not entered: the console's only ones are sandboxed HTML bodies, the Mailbox's mail and a
        // template's rendered HTML part (their own markup, not the console's; without allow-scripts axe cannot run in
        // them and would wait for ever). The iframe elements themselves (their titles) are still checked.
        var result = await page.RunAxe(new AxeRunOptions { ResultTypes = [ResultType.Violations], Iframes = false });
        var blocking = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        output.WriteLine($"axe done: {blocking.Count} serious or critical");
        Assert.True(blocking.Count == 0, Describe(check, blocking));
        await page.Context.CloseAsync();
    }

    private static async Task SignInAsync(IPage page, Role role, AccessibilityWorld world)
    {
        var (user, password) = role switch
        {
            Role.Anonymous => (null, null),
            Role.Admin => ("admin@example.com", ConsoleServer.Password),
            Role.Owner => (AccessibilityWorld.OwnerEmail, ConsoleServer.Password),
            Role.Delegate => ("delegate@example.com", ConsoleServer.Password),
            Role.IamUser => (world.IamUserSignIn, world.IamUserPassword),
            _ => throw new ArgumentOutOfRangeException(nameof(role)),
        };
        if (user is not null)
        {
            await new SignInPage(page).SignInAsync(user, password!);
            await page.WaitForCircuitAsync();
        }
    }

    private static string Describe(Check check, List<AxeResultItem> violations)
    {
        var text = new StringBuilder($"axe-core found serious or critical violations ({violations.Count} rules) on {check.Name}:");
        foreach (var v in violations)
        {
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"- [{v.Impact}] {v.Id}: {v.Help} ({v.HelpUrl})");
            foreach (var node in v.Nodes.Take(5))
            {
                var why = string.Join("; ", (node.Any ?? []).Concat(node.All ?? []).Concat(node.None ?? []).Select(c => c.Message));
                text.AppendLine().Append(CultureInfo.InvariantCulture, $"    {node.Target}: {why} | {node.Html}");
            }
        }

        return text.ToString();
    }
}
