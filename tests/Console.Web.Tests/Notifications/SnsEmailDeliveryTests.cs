using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Web.Notifications;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Notifications;

/// <summary>email and email-json subscriptions: their mail goes through the console's transport into the local sink (the Mailbox).</summary>
public sealed class SnsEmailDeliveryTests
{
    private const string PublicBaseUrl = "https://console.test:8443";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_email_subscription_gets_a_confirmation_mail_with_its_link_then_notifications_as_mail()
    {
        await using var app = new ConsoleAppFactory
        {
            Settings = { ["Console:PublicBaseUrl"] = PublicBaseUrl, ["Notifications:DeliveryPollInterval"] = "00:00:00.200" },
        };
        var world = new SnsWorld(app.Services);
        var topic = await world.TopicAsync("news", displayName: "Shop news");
        var email = await world.SubscribeAsync(topic, "email", "reader@customer.example", SnsSubscriptionStatus.PendingConfirmation);
        var emailJson = await world.SubscribeAsync(topic, "email-json", "robot@customer.example");

        await world.PublishAsync(topic, "Please confirm.", type: SnsMessageType.SubscriptionConfirmation, subscription: email);
        await world.SettledAsync(email.Id);
        var confirmation = Assert.Single(await MailAsync(app, "reader@customer.example"));
        Assert.Equal("AWS Notification - Subscription Confirmation", confirmation.Subject);
        Assert.Equal("Shop news", ((MailboxAddress)confirmation.From[0]).Name);
        var link = SnsUrls.SubscribeUrl(PublicBaseUrl, topic.Arn, email.ConfirmationToken!);
        Assert.Contains($"Confirm subscription: {link}", confirmation.TextBody, StringComparison.Ordinal);

        await using (var db = app.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContext())
        {
            await db.SnsSubscriptions.Where(s => s.Id == email.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SnsSubscriptionStatus.Confirmed), Ct);
        }

        var published = await world.PublishAsync(topic, "The sale starts Monday.", subject: "Sale");
        await world.SettledAsync(email.Id, count: 2);
        await world.SettledAsync(emailJson.Id);

        var notification = (await MailAsync(app, "reader@customer.example")).Single(m => m.Subject == "Sale");
        Assert.StartsWith("The sale starts Monday.", notification.TextBody, StringComparison.Ordinal);
        Assert.Contains(SnsUrls.UnsubscribeUrl(PublicBaseUrl, email.Arn), notification.TextBody, StringComparison.Ordinal);
        var jsonMail = Assert.Single(await MailAsync(app, "robot@customer.example"));
        using var json = JsonDocument.Parse(jsonMail.TextBody!);
        Assert.Equal(published.MessageId, json.RootElement.GetProperty("MessageId").GetString());
        Assert.Equal("Notification", json.RootElement.GetProperty("Type").GetString());
        Assert.True(SnsSignatureCheck.Verify(json.RootElement, await SnsHttpDeliveryTests.CertificateAsync(app, json.RootElement)));
        Assert.All(await world.AttemptsAsync(email.Id), a => Assert.True(a.Succeeded));
    }

    private static async Task<List<MimeMessage>> MailAsync(ConsoleAppFactory app, string to)
    {
        await using var db = app.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContext();
        var rows = await db.MailboxMessages.AsNoTracking().Where(m => m.AccountId == SnsWorld.Account && m.Recipients == to).ToListAsync(Ct);
        return [.. rows.Select(r => MimeMessage.Load(new MemoryStream(r.Mime)))];
    }
}
