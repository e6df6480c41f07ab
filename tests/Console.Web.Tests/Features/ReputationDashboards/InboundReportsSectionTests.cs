using System.Text;
using Bunit;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Web.Features.Reputation;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.ReputationDashboards;

/// <summary>The kept inbound reports on an account's reputation page (bUnit over real SQLite): listed, readable, the account's own only.</summary>
public sealed class InboundReportsSectionTests : ConsoleTestContext
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private async Task<Guid> ReportAsync(string account, InboundFeedbackKind kind, bool recorded, string summary, string mime, DateTimeOffset? at = null)
    {
        var entity = new InboundFeedbackEntity
        {
            Id = Guid.CreateVersion7(), ReceivedAt = at ?? DateTimeOffset.UtcNow.AddMinutes(-5), EnvelopeFrom = "", EnvelopeTo = $"msg-{account}-x@bounces.example",
            RemoteIp = "192.0.2.7", MessageId = $"msg-{account}", AccountId = account, Kind = kind, Recorded = recorded, Summary = summary,
            Mime = Encoding.UTF8.GetBytes(mime),
        };
        await using var db = await Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct);
        db.InboundFeedback.Add(entity);
        await db.SaveChangesAsync(Ct);
        return entity.Id;
    }

    [Fact]
    public async Task Lists_the_accounts_own_reports_counted_and_kept_and_shows_one_as_received()
    {
        await ReportAsync(AccountB, InboundFeedbackKind.Bounce, true, "5.1.1 for gone@receiver.example", "Subject: Undelivered Mail\r\n\r\nbounce body");
        await ReportAsync(AccountB, InboundFeedbackKind.AutoReply, false, "An auto-reply (RFC 3834): not counted.", "Subject: Out of office\r\nAuto-Submitted: auto-replied\r\n\r\nBack Monday");
        await ReportAsync(AccountB, InboundFeedbackKind.Bounce, true, "An old one", "old", DateTimeOffset.UtcNow.AddDays(-20));
        await ReportAsync(AccountA, InboundFeedbackKind.Complaint, true, "A's complaint", "Subject: A's report");
        SignInAsRoot(AccountB);

        var (root, section) = RenderWithProviders<InboundReportsSection>(("AccountId", AccountB));

        section.WaitForAssertion(() => Assert.Equal(2, section.FindAll("[data-testid=inbound-report-kind]").Count));
        Assert.Equal(["Auto-reply", "Bounce"], section.FindAll("[data-testid=inbound-report-kind]").Select(k => k.TextContent.Trim()));
        Assert.Contains("Kept, not counted", section.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("A's complaint", section.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("An old one", section.Markup, StringComparison.Ordinal);

        await section.InvokeAsync(() => section.FindAll("[data-testid=inbound-report-view]")[0].Click());
        root.WaitForAssertion(() => Assert.Contains("Back Monday", root.Find("[data-testid=inbound-report-text]").TextContent, StringComparison.Ordinal));
        Assert.Contains("Auto-Submitted: auto-replied", root.Find("[data-testid=inbound-report-text]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_account_neither_lists_nor_reads_them_and_an_empty_account_is_told_where_they_come_from()
    {
        var id = await ReportAsync(AccountA, InboundFeedbackKind.Complaint, true, "A's complaint", "Subject: A's report");
        SignInAsRoot(AccountB);

        var other = Render<InboundReportsSection>(p => p.Add(s => s.AccountId, AccountA));
        var own = Render<InboundReportsSection>(p => p.Add(s => s.AccountId, AccountB));

        other.WaitForAssertion(() => Assert.Contains($"Account {AccountA} is not your account.", other.Markup, StringComparison.Ordinal));
        Assert.DoesNotContain("A's complaint", other.Markup, StringComparison.Ordinal);
        own.WaitForAssertion(() => Assert.Contains("Feedback:Inbound:Enabled", own.Find("[data-testid=inbound-reports-empty]").TextContent, StringComparison.Ordinal));
        var read = await Service<ReputationDashboardService>().GetInboundReportTextAsync(new("b", "b@example.com", AccountB, null, $"arn:aws:iam::{AccountB}:root", false), id, Ct);
        Assert.False(read.IsSuccess);
        var admin = await Service<ReputationDashboardService>().GetInboundReportTextAsync(new("admin", "admin@example.com", null, null, null, true), id, Ct);
        Assert.Contains("A's report", admin.Value, StringComparison.Ordinal);
    }
}
