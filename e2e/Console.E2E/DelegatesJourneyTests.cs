using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SesConsole.E2E.Infrastructure;
using SesConsole.E2E.Pages;
using SesConsole.Web.Features.Accounts;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Tests.Shared;
using static Microsoft.Playwright.Assertions;

namespace SesConsole.E2E;

/// <summary>
/// An owner hands sending to an agency and takes it back (docs/delegates.md, docs/policy-editor.md#impact-preview,
/// docs/audit-log.md): the owner adds the agency's account on the identity's Delegates tab, the agency sees the identity
/// under "Granted to me" and sends over the real API, the owner revokes it with the impact preview saying those sends
/// would now be denied, the agency's next send is denied, and the audit log shows both changes with their diffs.
/// </summary>
[Collection(ConsoleServerGroup.Name)]
public sealed class DelegatesJourneyTests(ConsoleServer server)
{
    private const string Owner = "111111111111";
    private const string Agency = "555566667777"; // its own account: other journeys pause the demo delegate's sending
    private const string AgencyRoot = "root@agency.test";
    private const string Domain = "agency-journey.example";

    private static readonly string[] Recipients = ["reader@agency-journey-readers.example"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Owner_adds_the_agency_which_sends_then_revokes_it_with_the_preview_and_the_audit_log_keeps_both_changes()
    {
        var identityArn = await server.AddVerifiedIdentityAsync(Owner, Domain);
        using (var scope = server.Services.CreateScope())
        {
            var created = await scope.ServiceProvider.GetRequiredService<AccountsService>().CreateAsync(new Caller("e2e-admin", "admin@example.com", null, null, null, true),
                new NewAccount
                {
                    AccountId = Agency, DisplayName = "Journey Agency", Regions = ["us-east-1"], Sandbox = false, RootEmail = AgencyRoot, RootPassword = ConsoleServer.Password,
                }, Ct);
            Assert.True(created.IsSuccess, created.Error?.Message);
        }

        // 1. The owner adds the agency's account on the Delegates tab; the diff names the statement it writes.
        var owner = await server.NewPageAsync(1280, 900);
        await new SignInPage(owner).SignInAsync("owner@example.com", ConsoleServer.Password);
        await owner.WaitForCircuitAsync();
        await owner.GotoInteractiveAsync($"/identities/{Domain}?tab=delegates");
        await owner.GetByTestId("add-delegate").ClickAsync();
        await owner.GetByTestId("delegate-principal").FillAsync(Agency);
        await owner.GetByTestId("delegate-review").ClickAsync();
        await Expect(owner.GetByTestId("policy-diff")).ToContainTextAsync($"Delegate-{Agency}");
        await Expect(owner.GetByTestId("impact-none")).ToBeVisibleAsync(); // nothing was sent as the identity yet
        await owner.GetByTestId("policy-diff-save").ClickAsync();
        var row = owner.GetByTestId("delegates-table").GetByTestId("delegate-row");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.GetByTestId("delegate-who")).ToContainTextAsync(Agency);

        // 2. The agency sees the identity granted to it and sends as it over the API.
        var agencyPage = await server.NewPageAsync();
        await new SignInPage(agencyPage).SignInAsync(AgencyRoot, ConsoleServer.Password);
        await agencyPage.WaitForCircuitAsync();
        await agencyPage.GotoInteractiveAsync("/granted?region=us-east-1");
        await Expect(agencyPage.Locator($"[data-testid=granted-identity][data-name='{Domain}']")).ToContainTextAsync(identityArn);
        using var agency = await server.ApiClientAsync(new Caller("e2e-agency", AgencyRoot, Agency, null, $"arn:aws:iam::{Agency}:root", false));
        for (var i = 0; i < 2; i++)
        {
            var sent = await SendAsync(agency, identityArn);
            Assert.True(sent.Status == 200, sent.Body);
        }

        // 3. The owner revokes it: the only statement goes, so the policy is deleted, and the preview says the agency's sends would be denied.
        await owner.ReloadAsync();
        await owner.WaitForCircuitAsync();
        await owner.GetByTestId("delegates-table").GetByTestId("revoke-delegate").ClickAsync();
        await owner.GetByTestId("revoke-review").ClickAsync();
        await Expect(owner.GetByTestId("policy-diff")).ToContainTextAsync($"Delegate-{Agency}");
        await Expect(owner.GetByTestId("impact-now-denied")).ToContainTextAsync("2 sends allowed before would now be denied");
        await Expect(owner.GetByTestId("impact-preview")).ToContainTextAsync(Agency);
        await ConsoleServer.ScreenshotAsync(owner, "delegates-revoke-preview");
        await Expect(owner.GetByTestId("policy-diff-save")).ToHaveTextAsync("Delete");
        await owner.GetByTestId("policy-diff-save").ClickAsync();
        await Expect(owner.GetByTestId("add-delegate-empty")).ToBeVisibleAsync();

        // 4. The agency's next send is denied.
        var denied = await SendAsync(agency, identityArn);
        Assert.Equal((403, "AccessDeniedException"), (denied.Status, denied.ErrorType));
        Assert.Contains("not authorized", denied.Body, StringComparison.OrdinalIgnoreCase);

        // 5. The audit log keeps both changes, with the policy's diff.
        await owner.GetByTestId("identity-audit-link").ClickAsync();
        var entries = owner.GetByTestId("audit-table").GetByTestId("audit-summary");
        await Expect(entries).ToHaveCountAsync(2);
        await owner.GetByTestId("audit-expand").Nth(0).ClickAsync();
        await owner.GetByTestId("audit-expand").Nth(1).ClickAsync();
        var diffs = owner.GetByTestId("audit-diff");
        await Expect(diffs).ToHaveCountAsync(2);
        await Expect(diffs.Nth(0)).ToContainTextAsync($"- ");
        await Expect(diffs.Nth(1)).ToContainTextAsync($"+ ");
        await Expect(diffs.Nth(1)).ToContainTextAsync($"Delegate-{Agency}");
        await ConsoleServer.ScreenshotAsync(owner, "audit-log");
    }


    private static Task<SesApiResponse> SendAsync(SesApiTestClient client, string identityArn) =>
        client.V2Async(HttpMethod.Post, "/v2/email/outbound-emails", JsonSerializer.Serialize(new
        {
            FromEmailAddress = $"news@{Domain}",
            FromEmailAddressIdentityArn = identityArn,
            Destination = new { ToAddresses = Recipients },
            Content = new { Simple = new { Subject = new { Data = "From the agency" }, Body = new { Text = new { Data = "Hello" } } } },
        }));
}
