using Microsoft.EntityFrameworkCore;
using Npgsql;
using SesConsole.Data.Entities;
using SesConsole.Tests.Shared;

namespace SesConsole.Data.Tests.PostgreSql;

/// <summary><see cref="RowInserter"/> on a real PostgreSQL server, as <see cref="RowInserterTests"/> on SQLite: what it writes, EF reads back; a failure writes nothing.</summary>
[Collection(PostgresTestGroup.Name)]
public sealed class PostgreSqlRowInserterTests(PostgresCluster cluster) : IAsyncLifetime
{
    private const string Account = PostgreSqlDatabase.AccountId;
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 9, 30, 15, 123, TimeSpan.FromHours(2));
    private PostgreSqlDatabase _database = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _database = await PostgreSqlDatabase.CreateAsync(cluster, "rows", T0);

    [Fact]
    public async Task InsertAsync_writes_every_column_as_EF_would_utc_timestamps_nulls_enums_bytes_and_identity_keys_included()
    {
        await using var db = _database.Open();
        var outbox = new OutboxMessageEntity
        {
            Id = Guid.NewGuid(), MessageId = "m-1", AccountId = Account, SourceArn = "arn:aws:ses:us-east-1:123456789012:identity/example.com",
            EnvelopeFrom = "bounce@example.com", Recipients = "a@example.net,b@example.net", Mime = [1, 2, 3, 0, 255], Status = OutboxStatus.Delivered,
            Attempts = 3, NextAttemptAt = T0.AddMinutes(5), CreatedAt = T0, DeliveredAt = null, LastError = "451 try later",
        };
        var usage = new[]
        {
            new UsageEntryEntity { AccountId = Account, MessageId = "m-1", Recipients = 2, At = T0 },
            new UsageEntryEntity { AccountId = Account, MessageId = "m-2", Recipients = 7, At = T0.AddSeconds(1) },
        };

        await RowInserter.InsertAsync(db, [outbox, usage[0], usage[1]], Ct); // T0 has an offset: Npgsql alone would refuse it

        var read = await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == outbox.Id, Ct);
        Assert.Equivalent(outbox, read, strict: true); // DateTimeOffset compares instants
        Assert.Equal(T0, read.CreatedAt);
        Assert.Equal(TimeSpan.Zero, read.CreatedAt.Offset); // the UTC converter ran
        var ledger = await db.UsageLedger.AsNoTracking().OrderBy(u => u.At).ToListAsync(Ct);
        Assert.Equal(["m-1", "m-2"], ledger.Select(u => u.MessageId));
        Assert.Equal([2, 7], ledger.Select(u => u.Recipients));
        Assert.Equal(2, ledger.Select(u => u.Id).Distinct().Count()); // the database numbered them
        Assert.Equal(1, await db.OutboxMessages.CountAsync(m => m.NextAttemptAt < T0.AddMinutes(6) && m.Status == OutboxStatus.Delivered, Ct));
    }

    [Fact]
    public async Task InsertAsync_writes_nothing_when_one_row_fails()
    {
        await using var db = _database.Open();
        var good = new UsageEntryEntity { AccountId = Account, MessageId = "kept?", Recipients = 1, At = T0 };
        var orphan = new UsageEntryEntity { AccountId = "000000000404", MessageId = "orphan", Recipients = 1, At = T0 }; // no such account

        var error = await Assert.ThrowsAsync<PostgresException>(() => RowInserter.InsertAsync(db, [good, orphan], Ct));

        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, error.SqlState);
        Assert.Equal(0, await db.UsageLedger.CountAsync(Ct));
    }

    [Fact]
    public async Task InsertAsync_refuses_a_value_longer_than_its_column_instead_of_cutting_it()
    {
        await using var db = _database.Open();
        var row = new UsageEntryEntity { AccountId = Account, MessageId = new string('m', 5000), Recipients = 1, At = T0 };

        var error = await Assert.ThrowsAsync<PostgresException>(() => RowInserter.InsertAsync(db, [row], Ct));

        Assert.Equal(PostgresErrorCodes.StringDataRightTruncation, error.SqlState);
        Assert.Equal(0, await db.UsageLedger.CountAsync(Ct));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
