using Bunit;
using Microsoft.AspNetCore.Components;
using SesConsole.Web.Components.Layout;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Components.Layout;

/// <summary>
/// The navigation is plain links, not MudNavLinks (docs/send-performance.md#memory): each role sees its links, and the
/// current page's link is marked for sight (the "active" class) and for screen readers (aria-current="page").
/// </summary>
public sealed class NavMenuTests : ConsoleTestContext
{
    private static readonly string[] OwnerLinks =
    [
        "/", "/identities", "/granted", "/policies/findings", "/test-send", "/activity", "/suppression", "/reputation", "/topics",
        "/configuration-sets", "/templates", "/security-credentials", "/audit", "/mailbox", "/iam/users", "/iam/roles",
    ];

    [Fact]
    public void Account_root_sees_the_account_links_and_iam_but_not_admin()
    {
        SignInAsRoot(AccountA);

        var nav = Render<NavMenu>();

        nav.WaitForAssertion(() => Assert.Equal(OwnerLinks, Hrefs(nav)));
        Assert.Empty(nav.FindAll("nav[aria-label=Admin]"));
        Assert.Equal("true", nav.Find("button[aria-label='Toggle IAM']").GetAttribute("aria-expanded"));
    }

    [Fact]
    public void Admin_sees_the_mailbox_and_the_admin_group_only()
    {
        SignInAsAdmin();

        var nav = Render<NavMenu>();

        nav.WaitForAssertion(() => Assert.Equal(["/mailbox", "/admin/accounts", "/admin/dkim-zone", "/audit"], Hrefs(nav)));
        Assert.Empty(nav.FindAll("nav[aria-label=IAM]"));
        Assert.NotNull(nav.Find("[data-testid=nav-admin-audit]"));
    }

    [Fact]
    public void Signed_out_sees_no_links()
    {
        // bUnit's authorization double grants the base class's policies to anyone; signed out, none is granted.
        Authorization.SetNotAuthorized();
        Authorization.SetPolicies();
        var nav = Render<NavMenu>();

        Assert.Empty(Hrefs(nav));
    }

    [Fact]
    public void Current_page_link_is_active_and_aria_current_and_follows_navigation()
    {
        SignInAsRoot(AccountA);
        var navigation = Service<NavigationManager>();
        var nav = Render<NavMenu>();
        nav.WaitForAssertion(() => Assert.Equal(["/"], Current(nav)));

        navigation.NavigateTo("/identities/example.com?tab=delegates");
        nav.WaitForAssertion(() => Assert.Equal(["/identities"], Current(nav)));
        Assert.Contains("active", nav.Find("a[href='/identities']").ClassList);
        Assert.DoesNotContain("active", nav.Find("a[href='/']").ClassList);

        // A prefix match is a whole path segment: /iam/users does not make /iam/users-like links current, "/" only matches itself.
        navigation.NavigateTo("/iam/users");
        nav.WaitForAssertion(() => Assert.Equal(["/iam/users"], Current(nav)));
    }

    [Fact]
    public void Group_toggle_collapses_and_expands_its_links()
    {
        SignInAsRoot(AccountA);
        var nav = Render<NavMenu>();
        var toggle = nav.WaitForElement("button[aria-label='Toggle IAM']");
        Assert.Equal("nav-group-iam", toggle.GetAttribute("aria-controls"));

        toggle.Click();

        nav.WaitForAssertion(() => Assert.Equal("false", nav.Find("button[aria-label='Toggle IAM']").GetAttribute("aria-expanded")));
        Assert.True(nav.Find("#nav-group-iam").ParentElement!.ParentElement!.ParentElement!.HasAttribute("hidden"));

        nav.Find("button[aria-label='Toggle IAM']").Click();

        nav.WaitForAssertion(() => Assert.Equal("true", nav.Find("button[aria-label='Toggle IAM']").GetAttribute("aria-expanded")));
        Assert.False(nav.Find("#nav-group-iam").ParentElement!.ParentElement!.ParentElement!.HasAttribute("hidden"));
    }

    private static string[] Hrefs(IRenderedComponent<NavMenu> nav) =>
        [.. nav.FindAll("a").Select(a => a.GetAttribute("href")!)];

    private static string[] Current(IRenderedComponent<NavMenu> nav) =>
        [.. nav.FindAll("a[aria-current=page]").Select(a => a.GetAttribute("href")!)];
}
