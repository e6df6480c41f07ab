using SesConsole.Web.Features.ConfigurationSets;

namespace SesConsole.Web.Tests.Features.Smtp;

/// <summary>
/// <c>X-SES-CONFIGURATION-SET</c> over SMTP: a set the sending (delegate) account does not have is refused with SES's
/// 554 reply; the delegate's own set is accepted; the owner's set does not count for the delegate.
/// </summary>
public sealed partial class SmtpRealClientTests
{
    private SmtpJob JobWithSet(string set)
    {
        var job = Job("brand.example");
        return job with { Headers = new Dictionary<string, string>(job.Headers) { ["X-SES-CONFIGURATION-SET"] = set } };
    }

    [Theory]
    [InlineData("swaks")]
    [InlineData("nodemailer")]
    public async Task A_configuration_set_the_delegate_does_not_have_gets_554_and_its_own_is_accepted(string client)
    {
        var sets = world.App.Get<ConfigurationSetsService>();
        await sets.CreateAsync(world.App.OwnerA, "us-east-1", "smtp-owners", Ct);
        await sets.CreateAsync(world.App.OwnerB, "us-east-1", "smtp-delegates", Ct);

        var unknown = await SendAsync(client, JobWithSet("smtp-nope"));
        var owners = await SendAsync(client, JobWithSet("smtp-owners"));
        var own = await SendAsync(client, JobWithSet("smtp-delegates"));

        Assert.False(unknown.Accepted, unknown.Transcript);
        Assert.Contains("554 Configuration Set does not exist: Configuration set smtp-nope does not exist.", unknown.Transcript, StringComparison.Ordinal);
        Assert.False(owners.Accepted, owners.Transcript);
        Assert.Contains("Configuration set smtp-owners does not exist.", owners.Transcript, StringComparison.Ordinal);
        Assert.True(own.Accepted, own.Transcript);
    }
}
