using SesConsole.Domain.Sending;
using SesConsole.Domain.Sending.Steps;
using static SesConsole.Domain.Tests.Sending.SendWorld;

namespace SesConsole.Domain.Tests.Sending;

/// <summary>Step 6, the identity's default configuration set: it applies to its owner's own sends that name no set, never to a delegate's.</summary>
public sealed class ConfigurationSetDefaultTests
{
    private static SendWorld WorldWithOwnerDefault(string identity = "example.com", string set = "OwnerDefault")
    {
        var world = new SendWorld();
        world.ConfigurationSets.Sets.Add((Owner, Region, set));
        world.ConfigurationSets.Defaults[(Owner, Region)] = new() { [identity] = set };
        return world;
    }

    [Fact]
    public async Task Run_OwnersOwnSendNamingNoSet_GetsTheIdentitysDefault()
    {
        var world = WorldWithOwnerDefault();

        var outcome = await world.Run(Simple(Root(Owner), "sender@example.com", null, "to@example.org"));

        Assert.True(outcome.IsAccepted, outcome.Rejection?.Error.ToString());
        Assert.Equal("OwnerDefault", outcome.Accepted!.ConfigurationSetName);
        Assert.Equal("Configuration set OwnerDefault, the default of identity example.com.", outcome.Trace.Single(t => t.Step == "configuration-set").Summary);
    }

    [Fact]
    public async Task Run_DelegatesSendAsTheOwnersIdentity_NeverGetsTheOwnersDefault()
    {
        var world = WorldWithOwnerDefault();

        var outcome = await world.Run(Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org"));

        Assert.True(outcome.IsAccepted, outcome.Rejection?.Error.ToString());
        Assert.Null(outcome.Accepted!.ConfigurationSetName);
        Assert.Contains("applies only to its owner's sends", Assert.Single(outcome.Trace.Single(t => t.Step == "configuration-set").Details!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_DelegateWithADefaultOfItsOwnOnTheOwnersIdentityName_StillNone()
    {
        var world = WorldWithOwnerDefault();
        world.ConfigurationSets.Sets.Add((DelegateAccount, Region, "DelegateSet"));
        world.ConfigurationSets.Defaults[(DelegateAccount, Region)] = new() { ["example.com"] = "DelegateSet" };

        var outcome = await world.Run(Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org"));

        Assert.Null(outcome.Accepted!.ConfigurationSetName);
    }

    [Fact]
    public async Task Run_OwnerNamesASet_TheNamedSetWinsOverTheDefault()
    {
        var world = WorldWithOwnerDefault();
        world.ConfigurationSets.Sets.Add((Owner, Region, "Named"));

        var outcome = await world.Run(Simple(Root(Owner), "sender@example.com", null, "to@example.org") with { ConfigurationSetName = "Named" });

        Assert.Equal("Named", outcome.Accepted!.ConfigurationSetName);
    }

    [Fact]
    public async Task Run_DefaultSetNoLongerExists_SentWithoutASet()
    {
        var world = WorldWithOwnerDefault();
        world.ConfigurationSets.Sets.Clear();

        var outcome = await world.Run(Simple(Root(Owner), "sender@example.com", null, "to@example.org"));

        Assert.True(outcome.IsAccepted, outcome.Rejection?.Error.ToString());
        Assert.Null(outcome.Accepted!.ConfigurationSetName);
    }

    [Fact]
    public async Task Run_DelegatesOwnIdentityWithADefault_ItsOwnSendGetsIt()
    {
        var world = new SendWorld();
        world.ConfigurationSets.Sets.Add((DelegateAccount, Region, "Mine"));
        world.ConfigurationSets.Defaults[(DelegateAccount, Region)] = new() { ["delegate.example.net"] = "Mine" };

        var outcome = await world.Run(Simple(Alice, "me@delegate.example.net", null, "to@example.org"));

        Assert.True(outcome.IsAccepted, outcome.Rejection?.Error.ToString());
        Assert.Equal("Mine", outcome.Accepted!.ConfigurationSetName);
    }

    [Fact]
    public void DefaultFor_AddressIdentityBeforeItsDomain_DomainWhenTheAddressHasNone()
    {
        SendingIdentity[] identities =
        [
            Identity($"arn:aws:ses:{Region}:{Owner}:identity/example.com", []),
            Identity($"arn:aws:ses:{Region}:{Owner}:identity/sender@example.com", []),
            Identity($"arn:aws:ses:{Region}:{Owner}:identity/other@example.com", []),
        ];
        var defaults = new Dictionary<string, string> { ["example.com"] = "DomainSet", ["sender@example.com"] = "AddressSet" };

        Assert.Equal(("sender@example.com", "AddressSet"), ConfigurationSetStep.DefaultFor("sender@example.com", identities, defaults));
        Assert.Equal(("example.com", "DomainSet"), ConfigurationSetStep.DefaultFor("other@example.com", identities, defaults));
        Assert.Null(ConfigurationSetStep.DefaultFor("x@elsewhere.example", identities, defaults));
        Assert.Null(ConfigurationSetStep.DefaultFor("sender@example.com", identities, new Dictionary<string, string>()));
    }

    [Fact]
    public void EventTypes_ThreeSpellings_RoundTrip()
    {
        Assert.Equal("Rendering Failure", ConfigurationSetEventTypes.FromV2("RENDERING_FAILURE")!.Json);
        Assert.Equal("RENDERING_FAILURE", ConfigurationSetEventTypes.FromV1("renderingFailure")!.V2);
        Assert.Null(ConfigurationSetEventTypes.FromV1("deliveryDelay"));
        Assert.Null(ConfigurationSetEventTypes.FromV2("send"));
        Assert.Equal("Send,Bounce,Rendering Failure", ConfigurationSetEventTypes.Join(
            [ConfigurationSetEventTypes.FromV2("RENDERING_FAILURE")!, ConfigurationSetEventTypes.FromV2("BOUNCE")!, ConfigurationSetEventTypes.FromV2("SEND")!, ConfigurationSetEventTypes.FromV2("BOUNCE")!]));
        Assert.Equal(["SEND", "BOUNCE", "RENDERING_FAILURE"], ConfigurationSetEventTypes.Split("Send,Bounce,Rendering Failure").Select(t => t.V2));
    }
}
