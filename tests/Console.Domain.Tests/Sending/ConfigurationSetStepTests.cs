using SesConsole.Domain.Sending;
using static SesConsole.Domain.Tests.Sending.SendWorld;

namespace SesConsole.Domain.Tests.Sending;

/// <summary>Step 6: a configuration set named by a send must be one of the sending (delegate) account's own.</summary>
public sealed class ConfigurationSetStepTests
{
    [Fact]
    public async Task Run_NoConfigurationSet_Accepted()
    {
        var outcome = await new SendWorld().Run(Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org"));

        Assert.True(outcome.IsAccepted, outcome.Rejection?.Error.ToString());
        Assert.Null(outcome.Accepted!.ConfigurationSetName);
        Assert.Equal("No configuration set.", outcome.Trace.Single(t => t.Step == "configuration-set").Summary);
    }

    [Fact]
    public async Task Run_DelegateNamesItsOwnSet_AcceptedAndCarriedToThePlan()
    {
        var world = new SendWorld();
        world.ConfigurationSets.Sets.Add((DelegateAccount, Region, "Tracking"));

        var outcome = await world.Run(Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org") with { ConfigurationSetName = "Tracking" });

        Assert.True(outcome.IsAccepted, outcome.Rejection?.Error.ToString());
        Assert.Equal("Tracking", outcome.Accepted!.ConfigurationSetName);
    }

    [Fact]
    public async Task Run_DelegateNamesTheOwnersSet_ConfigurationSetDoesNotExistInEveryDialect_NothingReserved()
    {
        var world = new SendWorld();
        world.ConfigurationSets.Sets.Add((Owner, Region, "OwnersSet"));

        var outcome = await world.Run(Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org") with { ConfigurationSetName = "OwnersSet" });

        Assert.Equal("configuration-set", outcome.Rejection!.Step);
        Assert.Equal(new WireError("ConfigurationSetDoesNotExist", 400, "Configuration set OwnersSet does not exist."), outcome.Rejection.V1);
        Assert.Equal(new WireError("NotFoundException", 404, "Configuration set OwnersSet does not exist."), outcome.Rejection.V2);
        Assert.Equal("554 Configuration Set does not exist: Configuration set OwnersSet does not exist.", outcome.Rejection.Smtp.Message);
        Assert.Equal(0, world.Quota.Reserved);
    }

    [Theory]
    [InlineData("tracking")] // names are case-sensitive
    [InlineData("Tracking ")]
    public async Task Run_NameDiffersFromTheSet_Refused(string name)
    {
        var world = new SendWorld();
        world.ConfigurationSets.Sets.Add((DelegateAccount, Region, "Tracking"));

        var outcome = await world.Run(Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org") with { ConfigurationSetName = name });

        Assert.Equal(SendErrorKind.ConfigurationSetDoesNotExist, outcome.Rejection!.Error.Kind);
    }

    [Fact]
    public async Task Run_SetInAnotherRegion_Refused()
    {
        var world = new SendWorld();
        world.ConfigurationSets.Sets.Add((DelegateAccount, "eu-west-1", "Tracking"));

        var outcome = await world.Run(Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org") with { ConfigurationSetName = "Tracking" });

        Assert.Equal(SendErrorKind.ConfigurationSetDoesNotExist, outcome.Rejection!.Error.Kind);
    }

    [Theory]
    [InlineData(SendApi.V1SendRawEmail)]
    [InlineData(SendApi.V2Raw)]
    [InlineData(SendApi.Smtp)]
    public async Task Run_RawSendWithHeader_HeaderNamesTheSet(SendApi api)
    {
        var world = new SendWorld();
        world.ConfigurationSets.Sets.Add((DelegateAccount, Region, "FromHeader"));
        var request = Raw(Alice, $"From: sender@example.com\nTo: to@example.org\nX-SES-CONFIGURATION-SET: FromHeader\nX-SES-SOURCE-ARN: {OwnerDomainArn}", api);

        var outcome = await world.Run(request);

        Assert.True(outcome.IsAccepted, outcome.Rejection?.Error.ToString());
        Assert.Equal("FromHeader", outcome.Accepted!.ConfigurationSetName);
        Assert.Contains("X-SES-CONFIGURATION-SET", outcome.Accepted.HeadersToRemove);
    }

    [Fact]
    public async Task Run_RawSendWithUnknownHeaderSet_Refused()
    {
        var world = new SendWorld();
        var request = Raw(Alice, $"From: sender@example.com\nTo: to@example.org\nX-SES-CONFIGURATION-SET: Nope\nX-SES-SOURCE-ARN: {OwnerDomainArn}", SendApi.Smtp);

        var outcome = await world.Run(request);

        Assert.Equal("554 Configuration Set does not exist: Configuration set Nope does not exist.", outcome.Rejection!.Smtp.Message);
    }

    [Fact]
    public async Task Run_ParameterAndHeader_TheParameterWins()
    {
        var world = new SendWorld();
        world.ConfigurationSets.Sets.Add((DelegateAccount, Region, "Parameter"));
        var request = Raw(Alice, $"From: sender@example.com\nTo: to@example.org\nX-SES-CONFIGURATION-SET: Nope\nX-SES-SOURCE-ARN: {OwnerDomainArn}")
            with { ConfigurationSetName = "Parameter" };

        var outcome = await world.Run(request);

        Assert.True(outcome.IsAccepted, outcome.Rejection?.Error.ToString());
        Assert.Equal("Parameter", outcome.Accepted!.ConfigurationSetName);
    }

    [Fact]
    public async Task Run_SimpleSendIgnoresNoHeaders_DefaultPortKnowsNoSets()
    {
        var ports = new SendWorld().Ports with { ConfigurationSets = NoConfigurationSets.Instance };
        var outcome = await new SendPipeline(ports).RunAsync(
            Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org") with { ConfigurationSetName = "Any" }, TestContext.Current.CancellationToken);

        Assert.Equal(SendErrorKind.ConfigurationSetDoesNotExist, outcome.Rejection!.Error.Kind);
    }
}
