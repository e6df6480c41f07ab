using System.Text;
using SesConsole.Data.Entities;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Reputation.Inbound;

/// <summary>
/// Feedback end to end with real parts only: delegate B sends as owner A's identity through the HTTP API; the delivery
/// worker hands the mail to the SMTP relay transport, whose relay is a real SMTP server in the test; the test reads the
/// VERP envelope sender the relay received and sends a real multipart/report DSN and an ARF report back to the inbound
/// listener with MailKit; then the events, B's suppression list and B's GetSendStatistics show them, and A's figures
/// have not moved.
/// </summary>
public sealed class FeedbackEndToEndTests(InboundFeedbackWorld world) : IClassFixture<InboundFeedbackWorld>
{
    private const string A = InboundFeedbackWorld.A;
    private const string B = InboundFeedbackWorld.B;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<ReceivedMail> RelayedAsync(string messageId)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        while (true)
        {
            if (world.Relay.Messages.FirstOrDefault(m => Encoding.UTF8.GetString(m.Data).Contains(messageId, StringComparison.Ordinal)) is { } mail)
            {
                return mail;
            }

            await Task.Delay(50, timeout.Token);
        }
    }

    [Fact]
    public async Task A_dsn_and_an_arf_report_to_the_relayed_return_address_count_for_the_delegate_and_not_the_owner()
    {
        const string domain = "e2e-feedback.example";
        const string gone = "gone@e2e-feedback.example.net";
        const string annoyed = "annoyed@e2e-feedback.example.net";
        await world.OwnerDomainAsync(domain);
        var ownerBefore = await InboundFeedbackWorld.StatisticsAsync(world.ClientA);
        var delegateBefore = await InboundFeedbackWorld.StatisticsAsync(world.ClientB);

        var messageId = await world.SendAsBAsync(domain, gone, annoyed);
        var relayed = await RelayedAsync(messageId);
        var returnAddress = relayed.From;

        Assert.StartsWith(messageId + "-", returnAddress, StringComparison.Ordinal);
        Assert.Equal([gone, annoyed], relayed.To);
        await world.SendReportAsync(FeedbackMime.Postfix(returnAddress, messageId, gone), returnAddress);
        await world.SendReportAsync(FeedbackMime.Arf(returnAddress, messageId, annoyed), returnAddress);

        Assert.Single(await world.EventsAsync(messageId, "Bounce"));
        Assert.Single(await world.EventsAsync(messageId, "Complaint"));
        Assert.Equal([InboundFeedbackKind.Bounce, InboundFeedbackKind.Complaint], (await world.InboundAsync(messageId)).Select(f => f.Kind));
        Assert.Equal(("BOUNCE", "COMPLAINT"), (await world.SuppressedAsync(B, gone), await world.SuppressedAsync(B, annoyed)));
        Assert.Equal(((string?)null, (string?)null), (await world.SuppressedAsync(A, gone), await world.SuppressedAsync(A, annoyed)));
        var delegateAfter = await InboundFeedbackWorld.StatisticsAsync(world.ClientB);
        Assert.Equal((delegateBefore.Bounces + 1, delegateBefore.Complaints + 1, delegateBefore.DeliveryAttempts + 2), delegateAfter);
        Assert.Equal(ownerBefore, await InboundFeedbackWorld.StatisticsAsync(world.ClientA));
        Assert.Equal((1, 0, 1), await world.BucketsAsync(B, domain));
        Assert.Equal((0, 0, 0), await world.BucketsAsync(A, domain));

        // The next send to the bounced address is suppressed on B's list, at acceptance.
        var again = await world.SendAsBAsync(domain, gone);
        var suppressed = Assert.Single(await world.EventsAsync(again, "Bounce"));
        Assert.Contains("OnAccountSuppressionList", suppressed.Json, StringComparison.Ordinal);
    }
}
