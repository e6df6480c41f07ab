using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Data.Entities;
using SesConsole.Web.Sending;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Sending;

public sealed class GroupCommitWriterTests(AppFixture app) : IClassFixture<AppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CommitAsync_1000_concurrent_sends_are_all_durable_when_their_tasks_complete()
    {
        var writer = app.Factory.Services.GetRequiredService<GroupCommitWriter>();
        var tag = Guid.NewGuid().ToString("N")[..8];

        await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => Task.Run(() => writer.CommitAsync(
            new UsageEntryEntity { AccountId = "222222222222", MessageId = $"{tag}-{i}", Recipients = 1, At = DateTimeOffset.UtcNow.AddDays(60) }), Ct)));

        await using var db = app.Db();
        Assert.Equal(1000, await db.UsageLedger.CountAsync(u => u.MessageId.StartsWith(tag), Ct));
    }

    [Fact]
    public async Task CommitAsync_a_failing_row_fails_only_its_caller()
    {
        var writer = app.Factory.Services.GetRequiredService<GroupCommitWriter>();
        var tag = Guid.NewGuid().ToString("N")[..8];

        var good = Enumerable.Range(0, 20).Select(i => writer.CommitAsync(
            new UsageEntryEntity { AccountId = "222222222222", MessageId = $"{tag}-{i}", Recipients = 1, At = DateTimeOffset.UtcNow.AddDays(60) })).ToList();
        var bad = writer.CommitAsync(new UsageEntryEntity { AccountId = "000000000404", MessageId = $"{tag}-bad", Recipients = 1, At = DateTimeOffset.UtcNow });

        await Task.WhenAll(good);
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => bad); // the foreign key: no such account
        await using var db = app.Db();
        Assert.Equal(20, await db.UsageLedger.CountAsync(u => u.MessageId.StartsWith(tag), Ct));
    }
}
