using Microsoft.EntityFrameworkCore;
using SesConsole.Data.Entities;
using SesConsole.Data.PostgreSql;
using SesConsole.Tests.Shared;

namespace SesConsole.Data.Tests.PostgreSql;

/// <summary><see cref="ReputationRollup"/> on a real PostgreSQL server, as <see cref="ReputationRollupTests"/> on SQLite: the upsert adds up, across connections, and rolls back with its rows.</summary>
[Collection(PostgresTestGroup.Name)]
public sealed class PostgreSqlReputationRollupTests(PostgresCluster cluster) : IAsyncLifetime
{
    private const string Delegate = "222222222222";
    private const string Owner = "111111111111";
    private const string Arn = "arn:aws:ses:us-east-1:111111111111:identity/example.com";
    private static readonly DateTimeOffset Hour = new(2026, 12, 2, 14, 0, 0, TimeSpan.Zero);
    private PostgreSqlDatabase _database = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _database = await PostgreSqlDatabase.CreateAsync(cluster, "rollup", Hour, Delegate);

    [Fact]
    public async Task Deltas_of_one_bucket_add_up_in_one_row_and_other_keys_get_their_own()
    {
        await using (var db = Open())
        {
            await ReputationRollup.ApplyAsync(db,
            [
                Delta() with { Sent = 1, Delivered = 1, ComplaintEligible = 1 },
                Delta() with { Sent = 1, HardBounces = 1 },
                Delta(test: true) with { Sent = 1, Delivered = 1 },
            ], ct: Ct);
            // The same hour given at another offset is the same bucket.
            await ReputationRollup.ApplyAsync(db, [Delta(hour: Hour.ToOffset(TimeSpan.FromHours(2))) with { Complaints = 1 }, Delta(hour: Hour.AddHours(1)) with { Suppressed = 2 }], ct: Ct);
        }

        await using var read = Open();
        var rows = await read.ReputationBuckets.AsNoTracking().ToListAsync(Ct);
        Assert.Equal(3, rows.Count);
        var real = rows.Single(r => r.Hour == Hour && !r.Test);
        Assert.Equal((2L, 1L, 1L, 1L, 1L, 0L), (real.Sent, real.Delivered, real.HardBounces, real.Complaints, real.ComplaintEligible, real.Suppressed));
        Assert.Equal(Owner, real.OwnerAccountId);
        Assert.Equal(1, rows.Single(r => r.Test).Delivered);
        Assert.Equal(2, rows.Single(r => r.Hour == Hour.AddHours(1)).Suppressed);

        var accountLevel = await read.AccountReputationBuckets.AsNoTracking().ToListAsync(Ct);
        Assert.Equal(3, accountLevel.Count);
        var hour = accountLevel.Single(r => r.Hour == Hour && !r.Test);
        Assert.Equal((2L, 1L, 1L, 1L, 1L), (hour.Sent, hour.Delivered, hour.HardBounces, hour.Complaints, hour.ComplaintEligible));
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero), hour.Day);
    }

    [Fact]
    public async Task Concurrent_writers_on_separate_connections_lose_no_increment_and_do_not_deadlock()
    {
        // Each transaction touches two buckets, listed in opposite orders by half the writers.
        var other = Delta() with { SourceArn = "arn:aws:ses:us-east-1:333333333333:identity/other.example", OwnerAccountId = "333333333333" };
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                await using var db = Open();
                await using var transaction = await db.Database.BeginTransactionAsync(Ct);
                ReputationDelta[] deltas = w % 2 == 0 ? [Delta() with { Sent = 1 }, other with { Sent = 1 }] : [other with { Sent = 1 }, Delta() with { Sent = 1 }];
                await ReputationRollup.ApplyAsync(db, deltas, ct: Ct);
                await transaction.CommitAsync(Ct);
            }
        }, Ct)));

        await using var read = Open();
        Assert.Equal([200L, 200L], await read.ReputationBuckets.AsNoTracking().Select(b => b.Sent).ToListAsync(Ct));
        Assert.Equal(400, (await read.AccountReputationBuckets.AsNoTracking().SingleAsync(Ct)).Sent);
    }

    [Fact]
    public async Task A_rolled_back_transaction_takes_its_counts_with_it_and_RowInserter_applies_deltas_with_its_rows()
    {
        await using (var db = Open())
        {
            await using var transaction = await db.Database.BeginTransactionAsync(Ct);
            await ReputationRollup.ApplyAsync(db, [Delta() with { HardBounces = 5 }], ct: Ct);
            await transaction.RollbackAsync(Ct);
        }

        await using (var db = Open())
        {
            var usage = new UsageEntryEntity { AccountId = Delegate, MessageId = "m-1", Recipients = 1, At = Hour };
            await RowInserter.InsertAsync(db, [usage, Delta() with { Sent = 3 }], Ct);
            var orphan = new UsageEntryEntity { AccountId = "000000000404", MessageId = "m-2", Recipients = 1, At = Hour }; // no such account: the batch fails
            await Assert.ThrowsAnyAsync<Exception>(() => RowInserter.InsertAsync(db, [Delta() with { Sent = 100 }, orphan], Ct));
        }

        await using var read = Open();
        var row = await read.ReputationBuckets.AsNoTracking().SingleAsync(Ct);
        Assert.Equal((3L, 0L), (row.Sent, row.HardBounces));
        Assert.Equal(3, (await read.AccountReputationBuckets.AsNoTracking().SingleAsync(Ct)).Sent);
        Assert.Equal(1, await read.UsageLedger.CountAsync(Ct));
    }

    private static ReputationDelta Delta(bool test = false, DateTimeOffset? hour = null) => new(Delegate, Owner, Arn, hour ?? Hour, test);

    private PostgreSqlConsoleDbContext Open() => _database.Open();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
