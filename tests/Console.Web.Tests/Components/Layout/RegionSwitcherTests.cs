using Bunit;
using Microsoft.AspNetCore.Components;
using SesConsole.Web.Components.Layout;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Components.Layout;

/// <summary>
/// The app bar's region switcher is a native select, not a MudSelect (docs/send-performance.md#memory): a control named
/// "Region" listing the installation's regions with the circuit's current one selected; choosing one switches the
/// circuit's region, <c>?region=</c> selects one, and a switch made elsewhere shows.
/// </summary>
public sealed class RegionSwitcherTests : ConsoleTestContext
{
    [Fact]
    public void Lists_the_regions_with_the_current_one_selected_under_the_name_Region()
    {
        var switcher = Render<RegionSwitcher>();

        var select = switcher.Find("select[aria-label=Region]");
        Assert.Equal(["us-east-1", "eu-west-1"], select.QuerySelectorAll("option").Select(o => o.GetAttribute("value")));
        Assert.Equal("us-east-1", select.GetAttribute("value"));
    }

    [Fact]
    public void Choosing_a_region_switches_the_circuit_to_it()
    {
        var region = Service<RegionContext>();
        var changes = 0;
        region.Changed += () => changes++;
        var switcher = Render<RegionSwitcher>();

        switcher.Find("select[aria-label=Region]").Change("eu-west-1");

        Assert.Equal("eu-west-1", region.Current);
        Assert.Equal(1, changes);
        Assert.Equal("eu-west-1", switcher.Find("select[aria-label=Region]").GetAttribute("value"));
    }

    [Fact]
    public void A_region_the_installation_does_not_serve_is_ignored()
    {
        var region = Service<RegionContext>();
        var switcher = Render<RegionSwitcher>();

        switcher.Find("select[aria-label=Region]").Change("ap-nowhere-9");

        Assert.Equal("us-east-1", region.Current);
        Assert.Equal("us-east-1", switcher.Find("select[aria-label=Region]").GetAttribute("value"));
    }

    [Fact]
    public void Region_in_the_query_string_selects_it()
    {
        Service<NavigationManager>().NavigateTo("/identities?region=eu-west-1");

        var switcher = Render<RegionSwitcher>();

        Assert.Equal("eu-west-1", Service<RegionContext>().Current);
        Assert.Equal("eu-west-1", switcher.Find("select[aria-label=Region]").GetAttribute("value"));
    }

    [Fact]
    public void A_switch_made_elsewhere_shows_in_the_control()
    {
        var region = Service<RegionContext>();
        var switcher = Render<RegionSwitcher>();

        switcher.InvokeAsync(() => region.Set("eu-west-1"));

        switcher.WaitForAssertion(() => Assert.Equal("eu-west-1", switcher.Find("select[aria-label=Region]").GetAttribute("value")));
    }
}
