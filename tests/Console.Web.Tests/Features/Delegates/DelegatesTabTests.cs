using System.Security.Claims;
using System.Text.Json.Nodes;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Policies;
using SesConsole.Domain.Reputation;
using SesConsole.Web.Features.Delegates;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Policies;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Tests.Features.Policies;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Delegates;

/// <summary>bUnit: the identity's Delegates tab (docs/delegates.md) over the real services and a real SQLite file.</summary>
public sealed class DelegatesTabTests : ConsoleTestContext
{
    private const string AccountC = "333333333333";
    private static readonly Caller RootA = new(Guid.NewGuid().ToString(), "root@111111111111.example", AccountA, null, $"arn:aws:iam::{AccountA}:root", false);

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static string Arn(string name) => $"arn:aws:ses:us-east-1:{AccountA}:identity/{name}";

    private async Task SeedIdentityAsync(string name, params (string Name, string Document)[] policies)
    {
        await using (var db = await Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct))
        {
            var now = DateTimeOffset.UtcNow;
            db.SendingIdentities.Add(new SendingIdentityEntity
            {
                Id = Guid.NewGuid(), AccountId = AccountA, Region = "us-east-1", Name = name, Type = SendingIdentityType.Domain,
                VerificationStatus = VerificationStatus.Success, VerificationStatusSince = now, VerifiedAt = now, CreatedAt = now,
            });
            if (!await db.Accounts.AnyAsync(a => a.Id == AccountC, Ct))
            {
                db.Accounts.Add(new AccountEntity { Id = AccountC, DisplayName = "Agency C", HomeRegions = "us-east-1", CreatedAt = DateTimeOffset.UnixEpoch });
            }

            await db.SaveChangesAsync(Ct);
        }

        foreach (var (policy, document) in policies)
        {
            var saved = await Service<IdentityPoliciesService>().CreateAsync(RootA, "us-east-1", name, policy, document, Ct);
            Assert.True(saved.IsSuccess, saved.Error?.Message);
        }
    }

    private async Task<string?> SavedAsync(string identity, string policy)
    {
        await using var db = await Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct);
        var id = await db.SendingIdentities.Where(i => i.AccountId == AccountA && i.Name == identity).Select(i => i.Id).SingleAsync(Ct);
        return await db.IdentityPolicies.Where(p => p.IdentityId == id && p.Name == policy).Select(p => p.Document).SingleOrDefaultAsync(Ct);
    }

    private void SignInAsMemberOf(string account)
    {
        Authorization.SetAuthorized($"{account}/mailer");
        Authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, Guid.NewGuid().ToString()), new Claim(Caller.AccountClaim, account),
            new Claim(Caller.IamPrincipalClaim, Guid.NewGuid().ToString()), new Claim(Caller.PrincipalArnClaim, $"arn:aws:iam::{account}:user/mailer"));
    }

    [Fact]
    public async Task Lists_each_delegate_in_words_with_its_account_name_conditions_statement_and_activity()
    {
        await SeedIdentityAsync("words.example.com", ("Delegate", PoliciesFixture.Policy(Arn("words.example.com"), principal: $"[\"{AccountB}\", \"{AccountC}\"]",
            condition: """{ "StringLike": { "ses:FromAddress": "news*@words.example.com" }, "IpAddress": { "aws:SourceIp": "203.0.113.0/24" } }""")));
        await using (var db = await Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct))
        {
            db.ReputationBuckets.Add(new ReputationBucketEntity
            {
                AccountId = AccountB, OwnerAccountId = AccountA, SourceArn = Arn("words.example.com"), Hour = ReputationDelta.HourOf(DateTimeOffset.UtcNow.AddHours(-2)),
                Sent = 40, Delivered = 37, HardBounces = 3, Complaints = 1, ComplaintEligible = 37,
            });
            await db.SaveChangesAsync(Ct);
        }

        SignInAsRoot(AccountA);
        var (_, tab) = RenderWithProviders<DelegatesTab>(("IdentityName", "words.example.com"), ("Region", "us-east-1"), ("IsRoot", true));

        var row = tab.WaitForElement($"[data-testid=delegate-row][data-key='{AccountB}']");
        Assert.Equal($"account {AccountB} (Owner B)", row.QuerySelector("[data-testid=delegate-who]")!.TextContent.Trim());
        Assert.Equal("Its root needs nothing more; its IAM users and roles also need their own IAM policies to allow the send.",
            row.QuerySelector("[data-testid=delegate-iam-side]")!.TextContent.Trim());
        var conditions = row.QuerySelectorAll("[data-testid=delegate-condition]").Select(c => c.TextContent.Trim()).ToList();
        Assert.Contains(conditions, c => c.StartsWith("From: the From address must match news*@words.example.com", StringComparison.Ordinal));
        Assert.Contains("Source IP: the sender's IP address must be in 203.0.113.0/24", conditions);
        Assert.Equal("policy Delegate, statement AuthorizeAccount (shared with 1 other principal)", row.QuerySelector("[data-testid=delegate-where]")!.TextContent.Trim());
        Assert.Equal("40 sent · 3 bounces · 1 complaints", row.QuerySelector("[data-testid=delegate-activity]")!.TextContent.Trim());
        var other = tab.Find($"[data-testid=delegate-row][data-key='{AccountC}']");
        Assert.Equal($"account {AccountC} (Agency C)", other.QuerySelector("[data-testid=delegate-who]")!.TextContent.Trim());
        Assert.Equal("0 sent · 0 bounces · 0 complaints", other.QuerySelector("[data-testid=delegate-activity]")!.TextContent.Trim());
        Assert.DoesNotContain("\"Statement\"", tab.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_delegate_form_writes_each_restriction_into_the_saved_statement_that_the_wizard_and_reader_read_back()
    {
        await SeedIdentityAsync("add.example.com");
        SignInAsRoot(AccountA);
        var (root, tab) = RenderWithProviders<DelegatesTab>(("IdentityName", "add.example.com"), ("Region", "us-east-1"), ("IsRoot", true));

        tab.WaitForElement("[data-testid=add-delegate-empty]").Click();
        root.WaitForElement("input[data-testid=delegate-principal]").Input(AccountB);
        root.Find("input[data-testid=delegate-from]").Input("news*@add.example.com, billing@add.example.com");
        root.Find("input[data-testid=delegate-recipients]").Input("customer.example");
        root.Find("input[data-testid=delegate-return-path]").Input("bounces@add.example.com");
        root.Find("input[data-testid=delegate-not-before]").Input("2026-12-01T09:00");
        root.Find("input[data-testid=delegate-not-after]").Input("2027-01-01T00:00");
        root.Find("input[data-testid=delegate-ips]").Input("203.0.113.0/24");
        root.Find("[data-testid=delegate-review]").Click();

        // The change is shown as the editor's diff before anything is saved.
        var diff = root.WaitForElement("[data-testid=policy-diff]");
        Assert.Contains("+ ", diff.TextContent, StringComparison.Ordinal);
        Assert.Null(await SavedAsync("add.example.com", "delegates"));
        root.Find("[data-testid=policy-diff-save]").Click();

        tab.WaitForElement($"[data-testid=delegate-row][data-key='{AccountB}']");
        Assert.Contains(Service<MudBlazor.ISnackbar>().ShownSnackbars, s => (s.Message ?? "").Contains("Saved policy delegates", StringComparison.Ordinal));
        var saved = await SavedAsync("add.example.com", "delegates");
        Assert.NotNull(saved);
        var statement = JsonNode.Parse(saved)!["Statement"]![0]!;
        Assert.Equal($"Delegate-{AccountB}", (string)statement["Sid"]!);
        Assert.Equal(AccountB, (string)statement["Principal"]!["AWS"]!);
        Assert.Equal("""["ses:SendEmail","ses:SendRawEmail"]""", statement["Action"]!.ToJsonString());
        var c = statement["Condition"]!;
        Assert.Equal("""["news*@add.example.com","billing@add.example.com"]""", c["StringLike"]!["ses:FromAddress"]!.ToJsonString());
        Assert.Equal("*@customer.example", (string)c["ForAllValues:StringLike"]!["ses:Recipients"]!);
        Assert.Equal("bounces@add.example.com", (string)c["StringEquals"]!["ses:FeedbackAddress"]!);
        Assert.Equal("2026-12-01T09:00:00Z", (string)c["DateGreaterThan"]!["aws:CurrentTime"]!);
        Assert.Equal("2027-01-01T00:00:00Z", (string)c["DateLessThan"]!["aws:CurrentTime"]!);
        Assert.Equal("203.0.113.0/24", (string)c["IpAddress"]!["aws:SourceIp"]!);

        // Round trip: the wizard reads it and writes the same text; its time window opens in the pickers; the reader finds the grant.
        Assert.True(WizardPolicy.TryParse(saved!, out var wizard, out _));
        Assert.Equal(saved, wizard.ToJson());
        var (start, end) = WizardTimeWindow.Of(wizard.Statements[0]);
        Assert.Equal("2026-12-01T09:00:00", WizardTimeWindow.ToInput(start!));
        Assert.Equal("2027-01-01T00:00:00", WizardTimeWindow.ToInput(end!));
        var grant = Assert.Single(DelegateGrants.Read([("delegates", saved!)], IdentityArn.Parse(Arn("add.example.com")).GetValueOrThrow()));
        Assert.Equal(AccountB, grant.Key);
        Assert.Equal(6, grant.Allows[0].Restrictions.Count);
    }

    [Fact]
    public async Task Add_delegate_refuses_what_the_validator_refuses_with_its_message_and_saves_nothing()
    {
        await SeedIdentityAsync("refuse.example.com");
        SignInAsRoot(AccountA);
        var (root, tab) = RenderWithProviders<DelegatesTab>(("IdentityName", "refuse.example.com"), ("Region", "us-east-1"), ("IsRoot", true));

        tab.WaitForElement("[data-testid=add-delegate-empty]").Click();
        root.WaitForElement("input[data-testid=delegate-principal]").Input("999988887777");
        root.Find("[data-testid=delegate-review]").Click();

        var error = root.WaitForElement("[data-testid=delegate-error]");
        Assert.StartsWith("Invalid policy: ", error.TextContent.Trim(), StringComparison.Ordinal);
        Assert.Contains("999988887777", error.TextContent, StringComparison.Ordinal);
        Assert.Empty(root.FindAll("[data-testid=policy-diff]"));
        Assert.Null(await SavedAsync("refuse.example.com", "delegates"));

        root.Find("input[data-testid=delegate-principal]").Input("arn:aws:iam::1234:user/x");
        root.WaitForAssertion(() => Assert.Contains("not a valid principal ARN", root.Markup, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Revoke_from_a_shared_statement_with_deny_and_from_a_single_one_after_confirmation()
    {
        var arn = Arn("revoke.example.com");
        await SeedIdentityAsync("revoke.example.com",
            ("shared", PoliciesFixture.Policy(arn, principal: $"[\"{AccountB}\", \"{AccountC}\"]")),
            ("only", PoliciesFixture.Policy(arn, principal: $"\"{AccountC}\"", sid: "OnlyC")));
        SignInAsRoot(AccountA);
        var (root, tab) = RenderWithProviders<DelegatesTab>(("IdentityName", "revoke.example.com"), ("Region", "us-east-1"), ("IsRoot", true));

        // B: removed from the shared statement, and denied from now on.
        tab.WaitForElement($"[data-testid=delegate-row][data-key='{AccountB}'] [data-testid=revoke-delegate]").Click();
        root.WaitForElement("[data-testid=revoke-review]");
        root.Find("input[data-testid=revoke-deny]").Click();
        root.Find("[data-testid=revoke-review]").Click();
        root.WaitForElement("[data-testid=policy-diff]");
        Assert.Contains(AccountB, (await SavedAsync("revoke.example.com", "shared"))!, StringComparison.Ordinal); // nothing saved before the diff is confirmed
        root.Find("[data-testid=policy-diff-save]").Click();

        tab.WaitForAssertion(() => Assert.Contains("Denied", tab.Find($"[data-testid=delegate-row][data-key='{AccountB}'] [data-testid=delegate-denied]").TextContent, StringComparison.Ordinal));
        Assert.Empty(tab.FindAll($"[data-testid=delegate-row][data-key='{AccountB}'] [data-testid=revoke-delegate]"));
        var shared = JsonNode.Parse((await SavedAsync("revoke.example.com", "shared"))!)!["Statement"]!.AsArray();
        Assert.Equal(AccountC, (string)shared[0]!["Principal"]!["AWS"]!.AsArray().Single()!);
        Assert.Equal(("DenyDelegate-" + AccountB, "Deny", AccountB), ((string)shared[1]!["Sid"]!, (string)shared[1]!["Effect"]!, (string)shared[1]!["Principal"]!["AWS"]!));

        // C: in two policies: its own single-principal policy is deleted, the shared statement loses it (and then names nobody, so it goes too).
        tab.Find($"[data-testid=delegate-row][data-key='{AccountC}'] [data-testid=revoke-delegate]").Click();
        root.WaitForElement("[data-testid=revoke-review]").Click();
        root.WaitForElement("[data-testid=policy-diff]");
        root.Find("[data-testid=policy-diff-save]").Click();
        root.WaitForAssertion(() => Assert.Single(root.FindAll("[data-testid=policy-diff]")));
        root.Find("[data-testid=policy-diff-save]").Click();

        tab.WaitForAssertion(() => Assert.Empty(tab.FindAll($"[data-testid=delegate-row][data-key='{AccountC}']")));
        Assert.Null(await SavedAsync("revoke.example.com", "only"));
        var left = JsonNode.Parse((await SavedAsync("revoke.example.com", "shared"))!)!["Statement"]!.AsArray();
        Assert.Equal(["DenyDelegate-" + AccountB], left.Select(s => (string)s!["Sid"]!));
    }

    [Fact]
    public async Task Revoke_can_be_cancelled_at_the_diff_and_nothing_changes()
    {
        var arn = Arn("cancel.example.com");
        await SeedIdentityAsync("cancel.example.com", ("only", PoliciesFixture.Policy(arn)));
        SignInAsRoot(AccountA);
        var (root, tab) = RenderWithProviders<DelegatesTab>(("IdentityName", "cancel.example.com"), ("Region", "us-east-1"), ("IsRoot", true));

        tab.WaitForElement("[data-testid=revoke-delegate]").Click();
        root.WaitForElement("[data-testid=revoke-review]").Click();
        root.WaitForElement("[data-testid=policy-diff]");
        root.FindAll("button").Single(b => b.TextContent.Trim() == "Keep editing").Click();

        root.WaitForAssertion(() => Assert.Empty(root.FindAll("[data-testid=policy-diff]")));
        Assert.Equal(PoliciesFixture.Policy(arn), await SavedAsync("cancel.example.com", "only"));
    }

    [Fact]
    public async Task Hand_over_shows_the_arn_and_snippets_for_v1_v2_and_smtp_with_labelled_copy_buttons()
    {
        await SeedIdentityAsync("handover.example.com");
        SignInAsRoot(AccountA);
        var (_, tab) = RenderWithProviders<DelegatesTab>(("IdentityName", "handover.example.com"), ("Region", "us-east-1"), ("IsRoot", true));

        var arn = Arn("handover.example.com");
        Assert.Equal(arn, tab.WaitForElement("[data-testid=hand-over-arn]").TextContent.Trim());
        Assert.Equal("Copy the identity ARN", tab.Find("[data-testid=copy-arn]").GetAttribute("aria-label"));
        Assert.Equal(6, tab.FindAll("[data-testid=hand-over] .mud-expand-panel").Count);

        var snippets = HandOverSnippets.For(arn, "us-east-1", "handover.example.com", "http://localhost/", "localhost", 2587).ToDictionary(s => s.Key, s => s.Text);
        Assert.Contains($"--source-arn {arn}", snippets["v1-cli"], StringComparison.Ordinal);
        Assert.Contains($"SourceArn: \"{arn}\"", snippets["v1-js"], StringComparison.Ordinal);
        Assert.Contains($"--from-email-address-identity-arn {arn}", snippets["v2-cli"], StringComparison.Ordinal);
        Assert.Contains($"FromEmailAddressIdentityArn: \"{arn}\"", snippets["v2-js"], StringComparison.Ordinal);
        Assert.Contains($"{SesConsole.Domain.Sending.Steps.ParseMessageStep.SourceArnHeader}: {arn}", snippets["smtp"], StringComparison.Ordinal);
        Assert.Contains($"{SesConsole.Domain.Sending.Steps.ParseMessageStep.FromArnHeader}: {arn}", snippets["smtp"], StringComparison.Ordinal);
        Assert.Contains($"{SesConsole.Domain.Sending.Steps.ParseMessageStep.ReturnPathArnHeader}: {arn}", snippets["smtp"], StringComparison.Ordinal);
        Assert.Contains("From: sender@handover.example.com", snippets["smtp"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_owner_sees_nothing_of_this_identitys_delegates()
    {
        await SeedIdentityAsync("private.example.com", ("Delegate", PoliciesFixture.Policy(Arn("private.example.com"), principal: $"\"{AccountC}\"")));
        SignInAsRoot(AccountB);

        var (_, tab) = RenderWithProviders<DelegatesTab>(("IdentityName", "private.example.com"), ("Region", "us-east-1"), ("IsRoot", true));

        tab.WaitForElement("[data-testid=delegates-error]");
        Assert.Empty(tab.FindAll("[data-testid=delegate-row]"));
        Assert.Empty(tab.FindAll("[data-testid=hand-over]"));
        Assert.DoesNotContain(AccountC, tab.Markup, StringComparison.Ordinal);
        var plan = await Service<DelegatesService>().PlanRevokeAsync(new Caller("b", "b", AccountB, null, null, false), "us-east-1", "private.example.com", AccountC, false, Ct);
        Assert.Equal("identity.not_found", plan.Error!.Code);
    }

    [Fact]
    public async Task A_member_of_the_owner_account_sees_the_delegates_tab_by_deep_link_without_edit_buttons()
    {
        await SeedIdentityAsync("member.example.com", ("Delegate", PoliciesFixture.Policy(Arn("member.example.com"))));
        SignInAsMemberOf(AccountA);
        Services.GetRequiredService<NavigationManager>().NavigateTo("/identities/member.example.com?tab=delegates");

        var (_, page) = RenderWithProviders<IdentityPage>(("Name", "member.example.com"));

        page.WaitForElement($"[data-testid=delegate-row][data-key='{AccountB}']");
        Assert.Empty(page.FindAll("[data-testid=add-delegate]"));
        Assert.Empty(page.FindAll("[data-testid=revoke-delegate]"));
        Assert.Empty(page.FindAll("[data-testid=identity-policies]")); // the Overview tab is not the one shown
    }

    [Fact]
    public async Task Without_delegates_the_tab_says_what_to_do_next()
    {
        await SeedIdentityAsync("empty.example.com");
        SignInAsRoot(AccountA);
        Services.GetRequiredService<NavigationManager>().NavigateTo("/identities/empty.example.com?tab=delegates");

        var (_, page) = RenderWithProviders<IdentityPage>(("Name", "empty.example.com"));

        page.WaitForAssertion(() => Assert.Contains("No one else may send as this identity yet", page.Markup, StringComparison.Ordinal));
        Assert.NotEmpty(page.FindAll("[data-testid=add-delegate-empty]"));
    }
}
