using Microsoft.EntityFrameworkCore;
using SesConsole.Data.Entities;
using SesConsole.Data.Sqlite;

namespace SesConsole.Data.Tests;

/// <summary><see cref="ReputationRollup"/> over a real SQLite file: counts add up, across contexts, and roll back with the rows they count.</summary>
public sealed class ReputationRollupTests : IAsyncLifetime
{
    private const string Delegate = "222222222222";
    private const string Owner = "111111111111";
    private const string Arn = "arn:aws:ses:us-east-1:111111111111:identity/example.com";
    private static readonly DateTimeOffset Hour = new(2026, 12, 2, 14, 0, 0, TimeSpan.Zero);
    private readonly string _file = Path.Combine(Directory.CreateTempSubdirectory("sesconsole-rollup-").FullName, "rollup.db");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await using var db = Open();
        await db.Database.MigrateAsync(Ct);
        db.Accounts.Add(new AccountEntity { Id = Delegate, DisplayName = "Delegate", HomeRegions = "us-east-1", CreatedAt = Hour });
        await db.SaveChangesAsync(Ct);
    }

    [Fact]
    public void HourOf_is_the_utc_hour_start()
    {
        Assert.Equal(Hour, ReputationDelta.HourOf(new DateTimeOffset(2026, 12, 2, 16, 59, 59, TimeSpan.FromHours(2))));
    }

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
            await ReputationRollup.ApplyAsync(db, [Delta() with { Complaints = 1 }, Delta(hour: Hour.AddHours(1)) with { Suppressed = 2 }], ct: Ct);
        }

        await using var read = Open();
        var rows = await read.ReputationBuckets.AsNoTracking().ToListAsync(Ct);
        Assert.Equal(3, rows.Count);
        var real = rows.Single(r => r.Hour == Hour && !r.Test);
        Assert.Equal((2L, 1L, 1L, 1L, 1L, 0L), (real.Sent, real.Delivered, real.HardBounces, real.Complaints, real.ComplaintEligible, real.Suppressed));
        Assert.Equal(Owner, real.OwnerAccountId);
        Assert.Equal(1, rows.Single(r => r.Test).Delivered);
        Assert.Equal(2, rows.Single(r => r.Hour == Hour.AddHours(1)).Suppressed);
    }

    [Fact]
    public async Task Concurrent_writers_on_separate_connections_lose_no_increment()
    {
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                await using var db = Open();
                await using var transaction = await db.Database.BeginTransactionAsync(Ct);
                await ReputationRollup.ApplyAsync(db, [Delta() with { Sent = 1 }], ct: Ct);
                await transaction.CommitAsync(Ct);
            }
        }, Ct)));

        await using var read = Open();
        Assert.Equal(200, (await read.ReputationBuckets.AsNoTracking().SingleAsync(Ct)).Sent);
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
        Assert.Equal(1, await read.UsageLedger.CountAsync(Ct));
    }

    private static ReputationDelta Delta(bool test = false, DateTimeOffset? hour = null) => new(Delegate, Owner, Arn, hour ?? Hour, test);

    private SqliteConsoleDbContext Open() =>
        new(new DbContextOptionsBuilder<SqliteConsoleDbContext>().UseSqlite($"Data Source={_file};Default Timeout=30").Options);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
