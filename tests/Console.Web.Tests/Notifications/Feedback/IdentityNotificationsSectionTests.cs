using Bunit;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Web.Features.Sns;
using SesConsole.Web.Notifications.Feedback;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Notifications.Feedback;

/// <summary>The identity page's Feedback notifications section, rendered with bUnit over a real SQLite database.</summary>
public sealed class IdentityNotificationsSectionTests : ConsoleTestContext
{
    private const string Domain = "section.example";
    private const string Topic = "arn:aws:sns:us-east-1:" + AccountA + ":section-feedback";

    private async Task SeedAsync(bool withTopics)
    {
        var now = DateTimeOffset.UtcNow;
        await using var db = await Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Xunit.TestContext.Current.CancellationToken);
        db.SendingIdentities.Add(new SendingIdentityEntity
        {
            Id = Guid.NewGuid(), AccountId = AccountA, Region = "us-east-1", Type = SendingIdentityType.Domain, Name = Domain,
            VerificationStatus = VerificationStatus.Success, VerificationStatusSince = now, CreatedAt = now,
            BounceTopicArn = withTopics ? Topic : null, ComplaintTopicArn = withTopics ? Topic : null,
        });
        db.SnsTopics.Add(new SnsTopicEntity { Id = Guid.NewGuid(), AccountId = AccountA, Region = "us-east-1", Name = "section-feedback", Arn = Topic, CreatedAt = now });
        await db.SaveChangesAsync(Xunit.TestContext.Current.CancellationToken);
        Service<SnsTopicCache>().Invalidate();
    }

    [Fact]
    public async Task Forwarding_cannot_be_turned_off_without_both_topics_and_the_reason_is_shown()
    {
        await SeedAsync(withTopics: false);
        SignInAsRoot(AccountA);

        var (_, section) = RenderWithProviders<IdentityNotificationsSection>(("IdentityName", Domain), ("Region", "us-east-1"), ("IsRoot", true));

        section.WaitForAssertion(() => Assert.Equal(3, section.FindAll("[data-testid=notification-row]").Count));
        Assert.Contains("can be turned off only while both Bounce and Complaint have a topic", section.Find("[data-testid=forwarding-explanation]").TextContent, StringComparison.Ordinal);
        Assert.NotNull(section.Find("input[data-testid=forwarding]").GetAttribute("disabled"));
        Assert.NotNull(section.Find("[data-testid=test-Bounce]").GetAttribute("disabled"));
        Assert.Contains("No notifications published", section.Find("[data-testid=no-feedback-deliveries]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_topics_forwarding_turns_off_and_a_test_notification_is_published_and_listed()
    {
        await SeedAsync(withTopics: true);
        SignInAsRoot(AccountA);

        var (_, section) = RenderWithProviders<IdentityNotificationsSection>(("IdentityName", Domain), ("Region", "us-east-1"), ("IsRoot", true));
        section.WaitForAssertion(() => Assert.Null(section.Find("input[data-testid=forwarding]").GetAttribute("disabled")));

        await section.InvokeAsync(() => section.Find("input[data-testid=forwarding]").Change(false));
        section.WaitForAssertion(() => Assert.Contains("Forwarding is off", section.Find("[data-testid=forwarding-explanation]").TextContent, StringComparison.Ordinal));
        await section.InvokeAsync(() => section.Find("[data-testid=test-Bounce]").Click());

        section.WaitForAssertion(() => Assert.Single(section.FindAll("[data-testid=feedback-delivery-row]")));
        Assert.Contains("Bounce", section.Find("[data-testid=feedback-delivery-row]").TextContent, StringComparison.Ordinal);
        await using var db = await Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Xunit.TestContext.Current.CancellationToken);
        Assert.False((await db.SendingIdentities.SingleAsync(i => i.Name == Domain, Xunit.TestContext.Current.CancellationToken)).FeedbackForwardingEnabled);
        var message = await db.SnsMessages.SingleAsync(Xunit.TestContext.Current.CancellationToken);
        Assert.Equal((Topic, "ses.amazonaws.com"), (message.TopicArn, message.PublishedBy));
        Assert.Contains($"\"sourceArn\":\"arn:aws:ses:us-east-1:{AccountA}:identity/{Domain}\"", message.Message, StringComparison.Ordinal);
    }
}
