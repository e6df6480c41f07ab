using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Authorization;
using SesConsole.Domain.Identities;
using SesConsole.Web.Features.Policies;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Policies;

/// <summary>bUnit over the real services and a real SQLite file: the diff dialog's impact preview and the findings page.</summary>
public sealed class PolicyImpactComponentsTests : ConsoleTestContext
{
    private static readonly Caller RootA = new(Guid.NewGuid().ToString(), "root@111111111111.example", AccountA, null, $"arn:aws:iam::{AccountA}:root", false);

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private async Task SeedAsync(string name, int delegateSends)
    {
        var arn = $"arn:aws:ses:us-east-1:{AccountA}:identity/{name}";
        await using (var db = await Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct))
        {
            var now = DateTimeOffset.UtcNow;
            db.SendingIdentities.Add(new SendingIdentityEntity
            {
                Id = Guid.NewGuid(), AccountId = AccountA, Region = "us-east-1", Name = name, Type = SendingIdentityType.Domain,
                VerificationStatus = VerificationStatus.Success, VerificationStatusSince = now, VerifiedAt = now, CreatedAt = now,
            });

            // Rows in the shape SendAttemptRecord writes for an accepted v2 send by B's root (PolicyImpactIntegrationTests sends for real).
            for (var i = 0; i < delegateSends; i++)
            {
                db.SendAttempts.Add(new SendAttemptEntity
                {
                    Id = Guid.NewGuid(), AccountId = AccountB, CallerArn = $"arn:aws:iam::{AccountB}:root", IdentityArn = arn, OwnerAccountId = AccountA,
                    Api = "SendEmail", Accepted = true, MessageId = $"m-{name}-{i}", FromAddress = $"news@{name}", RecipientCount = 1,
                    Decision = "ses:SendEmail: owner Allow by AuthorizeAccount, caller Allow (account root)",
                    Mail = """{"destination":["reader@example.net"]}""",
                    ReplayContext = StoredRequestContext.Serialize(new RequestContext { SecureTransport = true, ApiVersion = "2" }, accepted: true),
                    At = now.AddMinutes(-i - 1),
                });
            }

            await db.SaveChangesAsync(Ct);
        }

        var saved = await Service<IdentityPoliciesService>().CreateAsync(RootA, "us-east-1", name, "Delegate", PoliciesFixture.Policy(arn), Ct);
        Assert.True(saved.IsSuccess, saved.Error?.Message);
    }

    [Fact]
    public async Task Deleting_the_grant_previews_the_delegates_sends_as_now_denied_with_an_expandable_explanation()
    {
        await SeedAsync("preview.example.com", delegateSends: 4);
        SignInAsRoot(AccountA);

        var (root, section) = RenderWithProviders<IdentityPoliciesSection>(("IdentityName", "preview.example.com"), ("Region", "us-east-1"), ("IsRoot", true));
        section.WaitForElement("[data-testid=policy-delete]").Click();

        var summary = root.WaitForElement("[data-testid=impact-now-denied]");
        Assert.Equal("4 sends allowed before would now be denied", summary.TextContent.Trim());
        var group = root.Find("[data-testid=impact-group]");
        Assert.Contains($"arn:aws:iam::{AccountB}:root", group.TextContent, StringComparison.Ordinal);
        Assert.Contains("news@preview.example.com", group.TextContent, StringComparison.Ordinal);
        Assert.Contains("4 sends", root.Find("[data-testid=impact-group-count]").TextContent, StringComparison.Ordinal);
        Assert.Equal("Delete", root.Find("[data-testid=policy-diff-save]").TextContent.Trim());
    }

    [Fact]
    public async Task Editor_link_of_a_finding_highlights_the_statement()
    {
        await SeedAsync("focus.example.com", delegateSends: 0);
        SignInAsRoot(AccountA);
        Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>()
            .NavigateTo("/identities/focus.example.com/policies/Delegate?region=us-east-1&statement=AuthorizeAccount");

        var (_, page) = RenderWithProviders<PolicyEditorPage>(("Name", "focus.example.com"), ("PolicyName", "Delegate"));

        var note = page.WaitForElement("[data-testid=policy-focus]").TextContent.Trim();
        Assert.Matches("^Statement AuthorizeAccount \\(line [45]\\) is highlighted\\.$", note);
    }

    [Fact]
    public async Task Findings_page_lists_the_owners_findings_with_editor_links_and_another_owner_gets_the_empty_state()
    {
        await SeedAsync("findings.example.com", delegateSends: 1);
        SignInAsRoot(AccountA);

        var page = Render<FindingsPage>();

        var identity = page.WaitForElement("[data-testid=findings-identity][data-name='findings.example.com']");
        var finding = identity.QuerySelector("[data-testid=finding][data-kind=UnconditionedAllow]")!;
        Assert.NotNull(finding);
        Assert.Equal("Info", finding.GetAttribute("data-severity"));
        Assert.Equal("/identities/findings.example.com/policies/Delegate?region=us-east-1&statement=AuthorizeAccount",
            finding.QuerySelector("[data-testid=finding-open]")!.GetAttribute("href"));

        SignInAsRoot(AccountB);
        var other = Render<FindingsPage>();
        other.WaitForAssertion(() => Assert.Contains("No policies to check", other.Markup, StringComparison.Ordinal));
        Assert.DoesNotContain("findings.example.com", other.Markup, StringComparison.Ordinal);
    }
}
