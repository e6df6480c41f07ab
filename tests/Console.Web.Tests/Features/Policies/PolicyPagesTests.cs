using Bunit;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Web.Components.Shared;
using SesConsole.Web.Features.Policies;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Policies;

/// <summary>bUnit: the identity page's Policies section and the delegate's Granted page over the real services.</summary>
public sealed class PolicyPagesTests : ConsoleTestContext
{
    private static readonly Caller RootA = new(Guid.NewGuid().ToString(), "root@111111111111.example", AccountA, null, $"arn:aws:iam::{AccountA}:root", false);

    private async Task<string> SeedAsync(string name, string condition)
    {
        await using (var db = await Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Xunit.TestContext.Current.CancellationToken))
        {
            var now = DateTimeOffset.UtcNow;
            db.SendingIdentities.Add(new SendingIdentityEntity
            {
                Id = Guid.NewGuid(), AccountId = AccountA, Region = "us-east-1", Name = name, Type = SendingIdentityType.Domain,
                VerificationStatus = VerificationStatus.Success, VerificationStatusSince = now, VerifiedAt = now, CreatedAt = now,
            });
            await db.SaveChangesAsync(Xunit.TestContext.Current.CancellationToken);
        }

        var arn = $"arn:aws:ses:us-east-1:{AccountA}:identity/{name}";
        var saved = await Service<IdentityPoliciesService>().CreateAsync(RootA, "us-east-1", name, "Delegate", PoliciesFixture.Policy(arn, condition: condition), Xunit.TestContext.Current.CancellationToken);
        Assert.True(saved.IsSuccess, saved.Error?.Message);
        return arn;
    }

    [Fact]
    public async Task Policies_section_lists_policies_in_words_and_deletes_after_confirmation()
    {
        await SeedAsync("section.example.com", """{ "ForAllValues:StringLike": { "ses:Recipients": "*@section.example.com" } }""");
        SignInAsRoot(AccountA);

        var (root, section) = RenderWithProviders<IdentityPoliciesSection>(("IdentityName", "section.example.com"), ("Region", "us-east-1"), ("IsRoot", true));

        var row = section.WaitForElement("[data-testid=policy-row][data-name=Delegate]");
        Assert.Contains("account 222222222222", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("root@111111111111.example", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("/identities/section.example.com/policies/Delegate", row.QuerySelector("a")!.GetAttribute("href"), StringComparison.Ordinal);

        section.Find("[data-testid=policy-delete]").Click();
        root.WaitForElement("[data-testid=impact-none]");
        root.WaitForElement("[data-testid=policy-diff-save]").Click();

        section.WaitForAssertion(() => Assert.NotNull(section.Find("[data-testid=no-policies]")));
    }

    [Fact]
    public async Task Granted_page_shows_the_delegate_the_conditions_in_words_never_the_policy_text()
    {
        await SeedAsync("granted.example.com", """{ "StringLike": { "ses:FromAddress": "news*@granted.example.com" }, "Bool": { "aws:SecureTransport": "true" } }""");
        SignInAsRoot(AccountB);

        var page = Render<GrantedPage>();

        var card = page.WaitForElement("[data-testid=granted-identity][data-name='granted.example.com']");
        var conditions = card.QuerySelectorAll("[data-testid=granted-condition]").Select(c => c.TextContent.Trim()).ToList();
        Assert.Contains(conditions, c => c.StartsWith("the From address must match news*@granted.example.com", StringComparison.Ordinal));
        Assert.Contains("a secure connection (TLS) must be true", conditions);
        Assert.DoesNotContain("\"Statement\"", page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("Delegate", card.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Granted_page_names_the_owner_account_beside_its_ID()
    {
        await SeedAsync("owner-name.example.com", """{ "StringLike": { "ses:FromAddress": "*@owner-name.example.com" } }""");
        SignInAsRoot(AccountB);

        var page = Render<GrantedPage>();

        var owner = page.WaitForElement("[data-testid=granted-identity][data-name='owner-name.example.com'] [data-testid=granted-owner]");
        Assert.Equal($"owner Owner A · {AccountA}", owner.TextContent.Trim());
    }

    [Fact]
    public async Task Editor_says_how_many_errors_block_saving_in_words_and_drops_the_message_once_they_are_fixed()
    {
        await using (var db = await Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Xunit.TestContext.Current.CancellationToken))
        {
            var now = DateTimeOffset.UtcNow;
            db.SendingIdentities.Add(new SendingIdentityEntity
            {
                Id = Guid.NewGuid(), AccountId = AccountA, Region = "us-east-1", Name = "blocked.example.com", Type = SendingIdentityType.Domain,
                VerificationStatus = VerificationStatus.Success, VerificationStatusSince = now, VerifiedAt = now, CreatedAt = now,
            });
            await db.SaveChangesAsync(Xunit.TestContext.Current.CancellationToken);
        }

        var valid = PolicyTemplates.For($"arn:aws:ses:us-east-1:{AccountA}:identity/blocked.example.com", AccountA, "blocked.example.com")[0].Document;
        SignInAsRoot(AccountA);
        var (root, page) = RenderWithProviders<PolicyEditorPage>(("Name", "blocked.example.com"));
        var editor = page.WaitForComponent<PolicyJsonEditor>();
        Task TypeAsync(string text) => page.InvokeAsync(() => editor.Instance.ValueChanged.InvokeAsync(text));
        string Blocked() => page.Find("[data-testid=policy-save-blocked]").TextContent.Trim();

        await TypeAsync(valid.Replace("\"ses:SendEmail\"", "\"ses:SendEmali\"", StringComparison.Ordinal));
        page.WaitForAssertion(() => Assert.Equal("1 error, 0 warnings", page.Find("[data-testid=policy-problem-count]").TextContent.Trim()));
        page.Find("[data-testid=policy-save]").Click();
        page.WaitForAssertion(() => Assert.Equal("Fix 1 error before saving; the problems list shows where.", Blocked()));
        Assert.Empty(root.FindAll(".mud-dialog"));

        // The message follows the text: two errors, then none (and it does not come back by itself).
        await TypeAsync(valid.Replace("\"ses:SendEmail\"", "\"ses:SendEmali\"", StringComparison.Ordinal).Replace("\"ses:SendRawEmail\"", "\"ses:SendRawEmali\"", StringComparison.Ordinal));
        page.WaitForAssertion(() => Assert.Equal("Fix 2 errors before saving; the problems list shows where.", Blocked()));
        await TypeAsync(valid);
        page.WaitForAssertion(() => Assert.Equal("0 errors, 0 warnings", page.Find("[data-testid=policy-problem-count]").TextContent.Trim()));
        Assert.Empty(page.FindAll("[data-testid=policy-save-blocked]"));
        await TypeAsync(valid.Replace("\"ses:SendEmail\"", "\"ses:SendEmali\"", StringComparison.Ordinal));
        page.WaitForAssertion(() => Assert.Equal("1 error, 0 warnings", page.Find("[data-testid=policy-problem-count]").TextContent.Trim()));
        Assert.Empty(page.FindAll("[data-testid=policy-save-blocked]"));
        Assert.Empty(Service<MudBlazor.ISnackbar>().ShownSnackbars);
    }
}
