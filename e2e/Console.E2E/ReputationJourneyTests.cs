using System.Text.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MimeKit;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.E2E.Infrastructure;
using SesConsole.E2E.Pages;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Reputation.Inbound;
using SesConsole.Web.Tests.Reputation.Inbound;
using SesConsole.Web.Tests.Shared;
using static Microsoft.Playwright.Assertions;

namespace SesConsole.E2E;

/// <summary>
/// The console with the inbound feedback listener on (an OS-chosen port) and rates that count from two recipients, so that
/// a handful of real sends and bounce reports move an account's reputation.
/// </summary>
public sealed class FeedbackConsoleServer() : ConsoleServer(new Dictionary<string, string>
{
    ["Feedback:Inbound:Enabled"] = "true",
    ["Feedback:Inbound:Port"] = "0",
    ["Reputation:MinimumVolume"] = "2",
});

[CollectionDefinition(Name)]
public sealed class FeedbackServerGroup : ICollectionFixture<FeedbackConsoleServer>
{
    public const string Name = "feedback";
}

/// <summary>
/// Reputation from the wire to the pages (docs/reputation.md#enforcement, docs/reputation.md#dashboards): the delegate
/// (222222222222) sends as the owner's (111111111111) domain over the real API, two of its recipients bounce with real
/// RFC 3464 reports to the VERP return addresses, the delegate is paused automatically and refused (the owner is not),
/// and in Chromium the admin reads it on the accounts table and the account's page and resumes it with a reason, the
/// delegate sees its own state, and the owner sees the delegate's figures on the identity.
/// </summary>
[Collection(FeedbackServerGroup.Name)]
public sealed class ReputationJourneyTests(FeedbackConsoleServer server)
{
    private const string Owner = "111111111111";
    private const string Delegate = "222222222222";
    private const string Domain = "reputation-journey.example";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Caller OwnerRoot = new("e2e-owner", "owner@example.com", Owner, null, $"arn:aws:iam::{Owner}:root", false);
    private static readonly Caller DelegateRoot = new("e2e-delegate", "delegate@example.com", Delegate, null, $"arn:aws:iam::{Delegate}:root", false);

    [Fact]
    public async Task Bounces_pause_the_delegate_and_the_admin_reads_and_resumes_it_while_the_owner_sees_the_delegates_figures()
    {
        var identityArn = await server.AddVerifiedIdentityAsync(Owner, Domain);
        using var owner = await server.ApiClientAsync(OwnerRoot);
        using var agency = await server.ApiClientAsync(DelegateRoot);
        var policy = $$"""
            {"Version":"2012-10-17","Statement":[{"Sid":"AllowAgency","Effect":"Allow","Principal":{"AWS":"{{Delegate}}"},
             "Action":["ses:SendEmail","ses:SendRawEmail"],"Resource":"{{identityArn}}"}]}
            """;
        var put = await owner.V2Async(HttpMethod.Post, $"/v2/email/identities/{Domain}/policies/agency", JsonSerializer.Serialize(new { Policy = policy }));
        Assert.True(put.Status == 200, put.Body);

        // Three real sends; two recipients bounce with a Postfix DSN to the message's own return address.
        string[] recipients = ["gone1@rcpt-journey.example", "gone2@rcpt-journey.example", "reader@rcpt-journey.example"];
        var sent = new List<string>();
        foreach (var recipient in recipients)
        {
            var response = await SendAsync(agency, recipient, identityArn);
            Assert.True(response.Status == 200, response.Body);
            sent.Add(response.Json.GetProperty("MessageId").GetString()!);
        }

        // Receivers bounce what was handed to them: the reports come after the deliveries (which count the volume).
        await WaitForDeliveriesAsync(sent);
        var port = await server.Services.GetRequiredService<InboundFeedbackListener>().Started.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        for (var i = 0; i < 2; i++)
        {
            var returnAddress = await ReturnAddressAsync(sent[i]);
            Assert.StartsWith(sent[i] + "-", returnAddress, StringComparison.Ordinal);
            await ReportAsync(port, FeedbackMime.Postfix(returnAddress, sent[i], recipients[i]), returnAddress);
        }

        // The third recipient's out-of-office reply is kept for inspection and never counted.
        var third = await ReturnAddressAsync(sent[2]);
        await ReportAsync(port, FeedbackMime.Vacation(third), third);

        await WaitForStatusAsync(Delegate, EnforcementStatus.Paused);
        var refused = await SendAsync(agency, "later@rcpt-journey.example", identityArn);
        Assert.Equal((400, "SendingPausedException"), (refused.Status, refused.ErrorType));
        var ownSend = await SendAsync(owner, "reader@rcpt-journey.example", identityArn);
        Assert.True(ownSend.Status == 200, "The delegate's reputation must not pause the owner: " + ownSend.Body);

        // The admin: the accounts table, then the delegate's reputation page with the automatic pause and the DSN details.
        var admin = await server.NewPageAsync(1440, 900);
        await new SignInPage(admin).SignInAsync("admin@example.com", ConsoleServer.Password);
        await admin.WaitForCircuitAsync();
        await admin.GotoInteractiveAsync("/admin/accounts");
        await Expect(admin.GetByTestId($"reputation-{Delegate}")).ToHaveTextAsync("Sending paused");
        await admin.GetByTestId($"reputation-link-{Delegate}").ClickAsync();
        await Expect(admin.GetByTestId("reputation-state")).ToHaveTextAsync("Sending paused");
        await Expect(admin.GetByTestId("reputation-bounce-rate")).ToContainTextAsync("66.67 %");
        var history = admin.GetByTestId("enforcement-history").GetByTestId("history-row");
        await Expect(history).ToHaveCountAsync(1);
        await Expect(history.First).ToContainTextAsync("Healthy → Sending paused");
        var feedback = admin.GetByTestId("feedback-table");
        await Expect(feedback).ToContainTextAsync(recipients[0]);
        await Expect(feedback).ToContainTextAsync(recipients[1]);
        await Expect(feedback).ToContainTextAsync("5.1.1");
        await Expect(feedback).Not.ToContainTextAsync(recipients[2]);
        await ConsoleServer.ScreenshotAsync(admin, "admin-account-reputation");
        var reports = admin.GetByTestId("inbound-reports-table");
        await Expect(reports.GetByTestId("inbound-report-kind")).ToHaveCountAsync(3);
        await Expect(reports.GetByTestId("inbound-report-kind").First).ToHaveTextAsync("Auto-reply");
        await Expect(reports).ToContainTextAsync("Kept, not counted");
        await reports.GetByTestId("inbound-report-view").First.ClickAsync();
        await Expect(admin.GetByTestId("inbound-report-text")).ToContainTextAsync("Auto-Submitted: auto-replied");
        await admin.GetByTestId("inbound-report-close").ClickAsync();

        // The delegate reads its own state.
        var delegatePage = await server.NewPageAsync();
        await new SignInPage(delegatePage).SignInAsync("delegate@example.com", ConsoleServer.Password);
        await delegatePage.WaitForCircuitAsync();
        await delegatePage.GotoInteractiveAsync("/reputation");
        await Expect(delegatePage.GetByTestId("reputation-state")).ToHaveTextAsync("Sending paused");

        // The owner sees which delegate hurt the identity.
        var ownerPage = await server.NewPageAsync();
        await new SignInPage(ownerPage).SignInAsync("owner@example.com", ConsoleServer.Password);
        await ownerPage.WaitForCircuitAsync();
        await ownerPage.GotoInteractiveAsync($"/identities/{Domain}");
        var delegates = ownerPage.GetByTestId("identity-delegates-reputation");
        await Expect(delegates).ToContainTextAsync(Delegate);
        await Expect(delegates).ToContainTextAsync("66.67 %");

        // The admin resumes with a reason; the history keeps both changes and the delegate may send again.
        await admin.GetByTestId("resume-sending").ClickAsync();
        await admin.GetByTestId("enforcement-reason").FillAsync("Bad list removed; the agency confirmed opt-ins.");
        await admin.GetByTestId("enforcement-confirm").ClickAsync();
        await Expect(admin.GetByTestId("reputation-state")).ToHaveTextAsync("Healthy");
        await Expect(history).ToHaveCountAsync(2);
        await Expect(history.First).ToContainTextAsync("Bad list removed");
        await Expect(feedback).ToContainTextAsync(recipients[0]); // what caused the pause stays readable after the resume
        var again = await SendAsync(agency, "reader@rcpt-journey.example", identityArn);
        Assert.True(again.Status == 200, again.Body);
    }


    private static Task<SesApiResponse> SendAsync(SesApiTestClient client, string to, string identityArn) =>
        client.V2Async(HttpMethod.Post, "/v2/email/outbound-emails", JsonSerializer.Serialize(new
        {
            FromEmailAddress = $"news@{Domain}",
            FromEmailAddressIdentityArn = identityArn,
            Destination = new { ToAddresses = new[] { to } },
            Content = new { Simple = new { Subject = new { Data = "Spring offers" }, Body = new { Text = new { Data = "Hello" } } } },
        }));

    private async Task<string> ReturnAddressAsync(string messageId)
    {
        await using var db = await server.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct);
        return await db.OutboxMessages.AsNoTracking().Where(m => m.MessageId == messageId).Select(m => m.EnvelopeFrom).SingleAsync(Ct);
    }

    private static async Task ReportAsync(int port, string mime, string returnAddress)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None, Ct);
        using var message = MimeMessage.Load(new MemoryStream(FeedbackMime.Bytes(mime)));
        await client.SendAsync(message, new MailboxAddress("", "mailer-daemon@mx.example.net"), [MailboxAddress.Parse(returnAddress)], Ct);
        await client.DisconnectAsync(true, Ct);
    }

    private async Task WaitForDeliveriesAsync(List<string> messageIds)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        var factory = server.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>();
        while (true)
        {
            await using (var db = await factory.CreateDbContextAsync(timeout.Token))
            {
                if (await db.SendEvents.AsNoTracking().CountAsync(e => messageIds.Contains(e.MessageId) && e.Type == "Delivery", timeout.Token) == messageIds.Count)
                {
                    return;
                }
            }

            await Task.Delay(100, timeout.Token);
        }
    }

    private async Task WaitForStatusAsync(string account, EnforcementStatus status)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        var factory = server.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>();
        while (true)
        {
            await using (var db = await factory.CreateDbContextAsync(timeout.Token))
            {
                if (await db.Accounts.AsNoTracking().Where(a => a.Id == account).Select(a => a.EnforcementStatus).SingleAsync(timeout.Token) == status)
                {
                    return;
                }
            }

            await Task.Delay(100, timeout.Token);
        }
    }
}
