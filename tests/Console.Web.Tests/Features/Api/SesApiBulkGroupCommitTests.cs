using Microsoft.EntityFrameworkCore;
using SesConsole.Web.Sending;
using static SesConsole.Web.Tests.Features.Api.TemplatedSendWorld;

namespace SesConsole.Web.Tests.Features.Api;

/// <summary>
/// A bulk call's accepted messages are made durable in one group commit (docs/templates.md#bulk-sending): 50 destinations
/// (to the mailbox simulator, so nothing reaches the outbox and the delivery worker commits nothing) cost exactly one
/// <see cref="GroupCommitWriter"/> transaction, v1 and v2.
/// </summary>
public sealed class SesApiBulkGroupCommitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_50_destination_bulk_is_one_group_commit(bool v1)
    {
        // A console of its own: no other test's mail is being delivered (the delivery worker commits through the same writer).
        await using var api = new SesApiServer();
        await api.InitializeAsync();
        var domain = $"fifty-{(v1 ? "v1" : "v2")}.example";
        await AccountsAsync(api);
        await DomainAsync(api, domain, "ses:SendBulkTemplatedEmail", "ses:SendBulkEmail");
        var template = $"fifty-{(v1 ? "v1" : "v2")}";
        await TemplateAsync(api, DelegateAccount, template, "Hi {{name}}", "Hello {{name}}");
        var entries = Enumerable.Range(0, 50).Select(i => (Simulator, (string?)$$"""{"name":"n{{i}}"}""")).ToArray();
        var writer = api.Service<GroupCommitWriter>();

        var before = writer.Transactions;
        var bulk = v1 ? await V1BulkAsync(api, domain, template, "{}", entries) : await V2BulkAsync(api, domain, template, "{}", entries);
        var transactions = writer.Transactions - before;

        Assert.True(bulk.Status == 200, bulk.Body);
        var results = Entries(bulk, v1);
        Assert.Equal(50, results.Count);
        Assert.All(results, r => Assert.Equal(v1 ? "Success" : "SUCCESS", r.Status));
        Assert.Equal(50, results.Select(r => r.MessageId).Distinct().Count());
        Assert.Equal(1, transactions);
        await using var db = await DbAsync(api);
        var ids = results.Select(r => r.MessageId).ToList();
        Assert.Equal(50, await db.SendAttempts.CountAsync(a => a.Accepted && ids.Contains(a.MessageId), Ct));
        Assert.Equal(50, await db.UsageLedger.CountAsync(u => ids.Contains(u.MessageId), Ct));
    }
}
