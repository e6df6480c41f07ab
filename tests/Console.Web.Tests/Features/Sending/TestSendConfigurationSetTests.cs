using Bunit;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Web.Features.Sending;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Sending;

/// <summary>bUnit: the test-send page goes through the same configuration-set check as the API and SMTP.</summary>
public sealed class TestSendConfigurationSetTests : ConsoleTestContext
{
    private const string Identity = "sets@owner-a.example";
    private const string Arn = $"arn:aws:ses:us-east-1:{AccountA}:identity/{Identity}";

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("nope", "Stopped")]
    [InlineData("page-set", "Passed")]
    public async Task Raw_message_naming_a_configuration_set_is_checked_at_its_step(string set, string status)
    {
        await using (var db = await Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct))
        {
            var now = DateTimeOffset.UtcNow;
            db.SendingIdentities.Add(new SendingIdentityEntity
            {
                Id = Guid.NewGuid(), AccountId = AccountA, Region = "us-east-1", Name = Identity, Type = SendingIdentityType.EmailAddress,
                VerificationStatus = VerificationStatus.Success, VerificationStatusSince = now, VerifiedAt = now, CreatedAt = now,
            });
            db.ConfigurationSets.Add(new ConfigurationSetEntity { Id = Guid.NewGuid(), AccountId = AccountA, Region = "us-east-1", Name = "page-set", CreatedAt = now });
            await db.SaveChangesAsync(Ct);
        }

        SignInAsRoot(AccountA);
        var (root, _) = RenderWithProviders<TestSendPage>();
        root.WaitForElement("input[data-testid=send-from]");
        root.Find("[data-testid=send-api]").Closest(".mud-input-control")!.MouseDown();
        root.WaitForElements(".mud-popover-open .mud-list-item").Single(e => e.TextContent.Contains("SendRawEmail", StringComparison.Ordinal)).Click();
        root.WaitForElement("input[data-testid=send-raw-mode]").Change(true);
        root.WaitForElement("textarea[data-testid=send-raw-mime]").Input(
            $"X-SES-SOURCE-ARN: {Arn}\nX-SES-CONFIGURATION-SET: {set}\nFrom: {Identity}\nTo: success@simulator.amazonses.com\nSubject: s\n\nbody\n");

        root.Find("[data-testid=send-dry-run]").Click();

        root.WaitForAssertion(() => Assert.Equal(status, root.Find("[data-testid=send-step-configuration-set]").GetAttribute("data-status")));
        if (status == "Stopped")
        {
            Assert.Contains("ConfigurationSetDoesNotExist (HTTP 400): Configuration set nope does not exist.", root.Find("[data-testid=send-result]").TextContent, StringComparison.Ordinal);
        }
    }
}
