using Microsoft.EntityFrameworkCore;
using static SesConsole.Web.Tests.Features.Api.TemplatedSendWorld;

namespace SesConsole.Web.Tests.Features.Api;

/// <summary>
/// Per-entry statuses of a bulk send (docs/templates.md#bulk-sending), v1 and v2, each on its own console (the daily quota
/// is the delegate's): with a daily quota of two recipients, a deliverable destination is <c>Success</c>, a destination on
/// the delegate's suppression list is <c>Success</c> too and then bounces <c>OnAccountSuppressionList</c> (it counts
/// toward the quota), and the third is refused alone with <c>AccountDailyQuotaExceeded</c>.
/// </summary>
public sealed class SesApiBulkEntryStatusTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Suppressed_entry_succeeds_then_bounces_and_the_entry_over_the_daily_quota_is_refused_alone(bool v1)
    {
        await using var api = new SesApiServer();
        await api.InitializeAsync();
        const string domain = "statuses.example";
        await AccountsAsync(api, max24HourSend: 2);
        await DomainAsync(api, domain, "ses:SendBulkTemplatedEmail", "ses:SendBulkEmail");
        await TemplateAsync(api, DelegateAccount, "statuses", "Hi {{name}}", "Hello {{name}}");
        await SuppressAsync(api, "gone@customer.example");

        (string, string?)[] entries = [("reader@customer.example", """{"name":"Ann"}"""), ("gone@customer.example", null), ("third@customer.example", """{"name":"Cid"}""")];
        var bulk = v1
            ? await V1BulkAsync(api, domain, "statuses", """{"name":"friend"}""", entries)
            : await V2BulkAsync(api, domain, "statuses", """{"name":"friend"}""", entries);

        Assert.True(bulk.Status == 200, bulk.Body);
        var results = Entries(bulk, v1);
        Assert.Equal(v1 ? ["Success", "Success", "AccountDailyQuotaExceeded"] : ["SUCCESS", "SUCCESS", "ACCOUNT_DAILY_QUOTA_EXCEEDED"], results.Select(r => r.Status));
        Assert.NotNull(results[0].MessageId);
        Assert.NotNull(results[1].MessageId);
        Assert.Null(results[2].MessageId);
        Assert.Equal("Daily message quota exceeded.", results[2].Error);

        var suppressed = results[1].MessageId!;
        await using var db = await DbAsync(api);
        var bounce = Assert.Single(await db.SendEvents.Where(e => e.MessageId == suppressed && e.Type == "Bounce").ToListAsync(Ct));
        Assert.Contains("OnAccountSuppressionList", bounce.Json, StringComparison.Ordinal);
        Assert.Equal(DelegateAccount, bounce.AccountId);
        Assert.False(await db.OutboxMessages.AnyAsync(o => o.MessageId == suppressed, Ct)); // no mail to a suppressed address
        Assert.True(await db.OutboxMessages.AnyAsync(o => o.MessageId == results[0].MessageId, Ct));
        var refused = await db.SendAttempts.SingleAsync(a => !a.Accepted && a.AccountId == DelegateAccount, Ct);
        Assert.Equal("Throttling", refused.ErrorCode);
        Assert.Equal(2, await db.UsageLedger.CountAsync(u => u.AccountId == DelegateAccount, Ct));
    }
}
