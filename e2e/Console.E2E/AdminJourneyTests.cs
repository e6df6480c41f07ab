using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SesConsole.E2E.Infrastructure;
using SesConsole.E2E.Pages;
using SesConsole.Web.Features.Accounts;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Principals;
using static Microsoft.Playwright.Assertions;

namespace SesConsole.E2E;

[Collection(ConsoleServerGroup.Name)]
public sealed class AdminJourneyTests(ConsoleServer server)
{
    [Fact]
    public async Task Admin_creates_an_account_whose_root_then_signs_in_and_sees_the_sandbox()
    {
        var page = await server.NewPageAsync();
        await new SignInPage(page).SignInAsync("admin@example.com", ConsoleServer.Password);
        await page.WaitForCircuitAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Accounts", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("accounts-table")).ToContainTextAsync("111111111111");

        await page.GetByTestId("create-account").ClickAsync();
        await page.GetByTestId("account-name").FillAsync("Gamma Mailers");
        await page.GetByTestId("account-id-input").FillAsync("333344445555");
        await page.GetByTestId("account-email").FillAsync("root@gamma.example");
        await page.GetByTestId("create-account-submit").ClickAsync();

        var password = await page.GetByTestId("root-password").InnerTextAsync();
        await page.GetByTestId("shown-once-done").ClickAsync();
        await Expect(page.GetByTestId("accounts-table")).ToContainTextAsync("333344445555");
        await Expect(page.GetByTestId("accounts-table")).ToContainTextAsync("root@gamma.example");

        var root = await server.NewPageAsync();
        await new SignInPage(root).SignInAsync("root@gamma.example", password);
        await root.WaitForCircuitAsync();
        await Expect(root.GetByTestId("account-id")).ToHaveTextAsync("333344445555");
        await Expect(root.GetByText("Sandbox", new() { Exact = true })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Admin_pausing_sending_asks_first()
    {
        var page = await server.NewPageAsync();
        await new SignInPage(page).SignInAsync("admin@example.com", ConsoleServer.Password);
        await page.WaitForCircuitAsync();
        await page.GotoInteractiveAsync("/admin/accounts");

        await page.Locator("input[data-testid='sending-222222222222'], [data-testid='sending-222222222222'] input").ClickAsync();
        await Expect(page.GetByText("Pause sending for Marketing Agency (delegate)?")).ToBeVisibleAsync();
        await page.GetByTestId("confirm").ClickAsync();

        await Expect(page.GetByText("Marketing Agency (delegate): production access, sending paused.")).ToBeVisibleAsync();
        await Expect(page.Locator("input[data-testid='sending-222222222222'], [data-testid='sending-222222222222'] input")).Not.ToBeCheckedAsync();
    }

    [Fact]
    public async Task Admin_finds_the_DKIM_zone_page_in_the_navigation_and_it_lists_the_TXT_records_to_publish()
    {
        using (var scope = server.Services.CreateScope())
        {
            var owner = new Caller("owner", "owner@example.com", "111111111111", null, "arn:aws:iam::111111111111:root", false);
            var created = await scope.ServiceProvider.GetRequiredService<IdentitiesService>()
                .CreateDomainAsync(owner, "us-east-1", "zone-listed.example", new NewDomainIdentity { DkimKeyLength = 1024 }, TestContext.Current.CancellationToken);
            Assert.True(created.IsSuccess, created.Error?.Message);
        }

        var page = await server.NewPageAsync();
        await new SignInPage(page).SignInAsync("admin@example.com", ConsoleServer.Password);
        await page.WaitForCircuitAsync();

        await page.GetByTestId("nav-dkim-zone").ClickAsync();

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/admin/dkim-zone$"));
        await Expect(page.GetByTestId("dkim-zone-intro")).ToContainTextAsync($"Publish these TXT records in {ConsoleServer.DkimZone}");
        await page.GetByTestId("dkim-zone-table").Locator("input").First.FillAsync("zone-listed.example");
        var rows = page.GetByTestId("dkim-zone-table").Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(3);
        for (var i = 0; i < 3; i++)
        {
            await Expect(rows.Nth(i)).ToContainTextAsync($".{ConsoleServer.DkimZone}");
            await Expect(rows.Nth(i)).ToContainTextAsync("v=DKIM1; k=rsa; p=");
            await Expect(rows.Nth(i).GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Copy record name ") })).ToBeVisibleAsync();
            await Expect(rows.Nth(i).GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Copy value of ") })).ToBeVisibleAsync();
        }

        await Expect(page.GetByTestId("copy-zone-file")).ToBeVisibleAsync();
        await ConsoleServer.ScreenshotAsync(page, "admin-dkim-zone");

        var ownerPage = await server.NewPageAsync();
        await new SignInPage(ownerPage).SignInAsync("owner@example.com", ConsoleServer.Password);
        await ownerPage.WaitForCircuitAsync();
        await Expect(ownerPage.GetByTestId("nav-dkim-zone")).ToHaveCountAsync(0);
    }

    /// <summary>
    /// What is broken in the accounts table's layout: columns cut off (the table wider than its container), and any region,
    /// account ID, email address, count, quota or rate split across lines (a range over its text spans more than one line), or a header
    /// on more than one line.
    /// </summary>
    private const string AccountsTableLayoutProblems = """
        () => {
          const problems = [];
          const table = document.querySelector('[data-testid=accounts-table]');
          const container = table.querySelector('.mud-table-container');
          if (container.scrollWidth > container.clientWidth + 1) {
            problems.push(`the table needs ${container.scrollWidth}px but has ${container.clientWidth}px: columns are cut off`);
          }
          const spansLines = range => {
            const rects = [...range.getClientRects()].filter(r => r.width > 0);
            return rects.length > 0 && Math.max(...rects.map(r => r.top)) - Math.min(...rects.map(r => r.top)) > 4;
          };
          const pattern = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+|[a-z]{2}-[a-z]+-\d+|\d{12}|\d[\d,]* \/ \d[\d,]*|\d+ (?:users?|roles?)|(?:[A-Za-z]+ )?\d+\.\d+ %/g;
          for (const cell of table.querySelectorAll('td')) {
            const nodes = [];
            let text = '';
            const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
            for (let n = walker.nextNode(); n; n = walker.nextNode()) { nodes.push([n, text.length]); text += n.data; }
            const at = offset => {
              let i = nodes.length - 1;
              while (i > 0 && nodes[i][1] > offset) i--;
              return [nodes[i][0], offset - nodes[i][1]];
            };
            for (const m of text.matchAll(pattern)) {
              const range = document.createRange();
              range.setStart(...at(m.index));
              range.setEnd(...at(m.index + m[0].length - 1));
              range.setEnd(range.endContainer, range.endOffset + 1);
              if (spansLines(range)) problems.push(`'${m[0]}' breaks across lines`);
            }
          }
          for (const th of table.querySelectorAll('th')) {
            const range = document.createRange();
            range.selectNodeContents(th);
            if (spansLines(range)) problems.push(`the header '${th.textContent.trim()}' wraps`);
          }
          return problems;
        }
        """;

    [Fact]
    public async Task Accounts_table_fits_a_1440_px_screen_with_several_accounts_and_regions_without_breaking_a_value()
    {
        using (var scope = server.Services.CreateScope())
        {
            var accounts = scope.ServiceProvider.GetRequiredService<AccountsService>();
            var admin = new Caller("e2e-admin", "admin@example.com", null, null, null, true);
            foreach (var (id, name, org, regions, sandbox) in new[]
            {
                ("555500001111", "Epsilon Transactional Mail Services", "o-epsilonorg99", new[] { "us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2" }, false),
                ("555500002222", "Zeta Newsletters International Ltd", (string?)null, new[] { "us-east-1", "eu-west-1", "ap-southeast-2" }, true),
                ("555500003333", "Eta", "o-etaorg0001", new[] { "eu-central-1" }, false),
            })
            {
                var created = await accounts.CreateAsync(admin, new NewAccount
                {
                    AccountId = id, DisplayName = name, OrganizationId = org, Regions = [.. regions], Sandbox = sandbox,
                    RootEmail = $"root@{name.Split(' ')[0].ToLowerInvariant()}-mail.example", RootPassword = ConsoleServer.Password,
                }, TestContext.Current.CancellationToken);
                Assert.True(created.IsSuccess, created.Error?.Message);
            }
        }

        var page = await server.NewPageAsync(1440, 900);
        await new SignInPage(page).SignInAsync("admin@example.com", ConsoleServer.Password);
        await page.WaitForCircuitAsync();
        await page.GotoInteractiveAsync("/admin/accounts");
        await Expect(page.GetByTestId("accounts-table")).ToContainTextAsync("555500001111");

        var problems = await page.EvaluateAsync<string[]>(AccountsTableLayoutProblems);

        Assert.True(problems.Length == 0, string.Join(Environment.NewLine, problems));
        await ConsoleServer.ScreenshotAsync(page, "admin-accounts"); // the width the table is laid out for
    }
}
