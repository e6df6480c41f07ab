using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data.Entities;
using SesConsole.Data.Sqlite;
using SesConsole.Data.SqlServer;

namespace SesConsole.Data.Tests;

/// <summary><see cref="RowInserter"/> over a real SQLite file: what it writes, EF reads back exactly; a failure writes nothing.</summary>
public sealed class RowInserterTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 9, 30, 15, 123, TimeSpan.FromHours(2));
    private readonly string _directory = Directory.CreateTempSubdirectory("sesconsole-rows-").FullName;
    private SqliteConsoleDbContext _db = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _db = new SqliteConsoleDbContext(new DbContextOptionsBuilder<SqliteConsoleDbContext>().UseSqlite($"Data Source={Path.Combine(_directory, "rows.db")}").Options);
        await _db.Database.MigrateAsync(Ct);
        _db.Accounts.Add(new AccountEntity { Id = "123456789012", DisplayName = "A", HomeRegions = "us-east-1", CreatedAt = T0 });
        await _db.SaveChangesAsync(Ct);
        _db.ChangeTracker.Clear();
    }

    [Fact]
    public async Task InsertAsync_writes_every_column_as_EF_would_converters_nulls_enums_bytes_and_identity_keys_included()
    {
        var outbox = new OutboxMessageEntity
        {
            Id = Guid.NewGuid(), MessageId = "m-1", AccountId = "123456789012", SourceArn = "arn:aws:ses:us-east-1:123456789012:identity/example.com",
            EnvelopeFrom = "bounce@example.com", Recipients = "a@example.net,b@example.net", Mime = [1, 2, 3, 0, 255], Status = OutboxStatus.Delivered,
            Attempts = 3, NextAttemptAt = T0.AddMinutes(5), CreatedAt = T0, DeliveredAt = null, LastError = "451 try later",
        };
        var usage = new[]
        {
            new UsageEntryEntity { AccountId = "123456789012", MessageId = "m-1", Recipients = 2, At = T0 },
            new UsageEntryEntity { AccountId = "123456789012", MessageId = "m-2", Recipients = 7, At = T0.AddSeconds(1) },
        };

        await RowInserter.InsertAsync(_db, [outbox, usage[0], usage[1]], Ct);

        var read = await _db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == outbox.Id, Ct);
        Assert.Equivalent(outbox, read, strict: true);
        Assert.Equal(T0.Offset, read.CreatedAt.Offset); // the SQLite DateTimeOffset converter ran
        var ledger = await _db.UsageLedger.AsNoTracking().OrderBy(u => u.At).ToListAsync(Ct); // ordering by a converted column works
        Assert.Equal(["m-1", "m-2"], ledger.Select(u => u.MessageId));
        Assert.Equal([2, 7], ledger.Select(u => u.Recipients));
        Assert.Equal(2, ledger.Select(u => u.Id).Distinct().Count()); // the database numbered them
        Assert.Equal(1, await _db.OutboxMessages.CountAsync(m => m.NextAttemptAt < T0.AddMinutes(6) && m.Status == OutboxStatus.Delivered, Ct));
    }

    [Fact]
    public async Task Every_column_is_stored_exactly_as_SaveChanges_stores_it()
    {
        // The native binding (docs/send-performance.md) must store what Microsoft.Data.Sqlite would: the same SQLite type
        // and value in every column (GUIDs as upper-case text, converted times, booleans, enums, bytes, nulls).
        static (OutboxMessageEntity, SendAttemptEntity, SendEventEntity, UsageEntryEntity) Rows(string tag) =>
        (
            new OutboxMessageEntity
            {
                Id = Guid.NewGuid(), MessageId = "m-" + tag, AccountId = "123456789012", SourceArn = "arn:aws:ses:us-east-1:123456789012:identity/example.com",
                EnvelopeFrom = "bounce@example.com", Recipients = "ü@example.net", Mime = [1, 2, 3, 0, 255], Status = OutboxStatus.GaveUp,
                ConfigurationSetName = "set", FeedbackAddress = null, Attempts = 3, NextAttemptAt = T0.AddMinutes(5), CreatedAt = T0, DeliveredAt = T0.AddTicks(7), LastError = "451 später",
            },
            new SendAttemptEntity
            {
                Id = Guid.NewGuid(), AccountId = "123456789012", CallerArn = "arn:aws:iam::123456789012:user/u", IdentityArn = null, OwnerAccountId = "123456789012",
                Api = "SendEmail", Accepted = true, Step = null, ErrorCode = "", MessageId = "m-" + tag, FromAddress = "a@example.com", RecipientCount = 2,
                Decision = "d", Explanation = null, Mail = "{}", ReplayContext = "{\"s\":0}", ConfigurationSetName = "set", FeedbackAddress = "f@example.com",
                MailFromDomain = null, At = T0,
            },
            new SendEventEntity
            {
                Id = Guid.NewGuid(), MessageId = "m-" + tag, AccountId = "123456789012", OwnerAccountId = null, SourceArn = "arn", Type = "Delivery",
                Recipient = "r@example.net", Json = "{\"x\":1}", CountsTowardReputation = true, At = T0.AddSeconds(-1),
            },
            new UsageEntryEntity { AccountId = "123456789012", MessageId = "m-" + tag, Region = "eu-west-1", Recipients = 2, At = T0 });

        var (outbox, attempt, sent, usage) = Rows("ef");
        _db.AddRange(outbox, attempt, sent, usage);
        await _db.SaveChangesAsync(Ct);
        var (outbox2, attempt2, sent2, usage2) = Rows("rows");
        await using (var session = await RowInserter.Session.OpenAsync(new SqliteConsoleDbContext(new DbContextOptionsBuilder<SqliteConsoleDbContext>()
            .UseSqlite($"Data Source={Path.Combine(_directory, "rows.db")}").Options), Ct))
        {
            await session.InsertAsync([outbox2, attempt2, sent2, usage2], Ct);
        }

        foreach (var (table, efKey, rowsKey) in new[]
        {
            ("OutboxMessages", outbox.Id.ToString().ToUpperInvariant(), outbox2.Id.ToString().ToUpperInvariant()),
            ("SendAttempts", attempt.Id.ToString().ToUpperInvariant(), attempt2.Id.ToString().ToUpperInvariant()),
            ("SendEvents", sent.Id.ToString().ToUpperInvariant(), sent2.Id.ToString().ToUpperInvariant()),
        })
        {
            Assert.Equal(Stored(table, "Id", efKey, "ef"), Stored(table, "Id", rowsKey, "rows"));
        }

        Assert.Equal(Stored("UsageLedger", "MessageId", "m-ef", "ef"), Stored("UsageLedger", "MessageId", "m-rows", "rows"));
    }

    /// <summary>Every column of one row as SQLite's <c>typeof</c> and <c>quote</c> give it, with the row's own tag and key blanked.</summary>
    private List<string> Stored(string table, string keyColumn, string key, string tag)
    {
        var connection = (SqliteConnection)_db.Database.GetDbConnection();
        connection.Open();
        using var columns = connection.CreateCommand();
        columns.CommandText = $"SELECT name FROM pragma_table_info('{table}')";
        var names = new List<string>();
        using (var reader = columns.ExecuteReader())
        {
            while (reader.Read())
            {
                names.Add(reader.GetString(0));
            }
        }

        using var select = connection.CreateCommand();
        select.CommandText = $"SELECT {string.Join(", ", names.Select(n => $"typeof(\"{n}\") || ':' || quote(\"{n}\")"))} FROM \"{table}\" WHERE \"{keyColumn}\" = $key";
        select.Parameters.AddWithValue("$key", key);
        using var row = select.ExecuteReader();
        Assert.True(row.Read(), $"{table} {key}");
        return [.. names.Select((n, i) => n is "Id" or "MessageId" ? $"{n}=(key)" : $"{n}={row.GetString(i).Replace(tag, "(tag)", StringComparison.Ordinal)}")];
    }

    [Fact]
    public async Task InsertAsync_writes_nothing_when_one_row_fails()
    {
        var good = new UsageEntryEntity { AccountId = "123456789012", MessageId = "kept?", Recipients = 1, At = T0 };
        var orphan = new UsageEntryEntity { AccountId = "000000000404", MessageId = "orphan", Recipients = 1, At = T0 }; // no such account

        await Assert.ThrowsAsync<SqliteException>(() => RowInserter.InsertAsync(_db, [good, orphan], Ct));

        Assert.Equal(0, await _db.UsageLedger.CountAsync(Ct));
    }

    [Fact]
    public async Task A_session_writes_batch_after_batch_on_its_statements_and_a_failed_batch_writes_nothing()
    {
        var options = new DbContextOptionsBuilder<SqliteConsoleDbContext>().UseSqlite($"Data Source={Path.Combine(_directory, "rows.db")}").Options;
        await using (var session = await RowInserter.Session.OpenAsync(new SqliteConsoleDbContext(options), Ct))
        {
            await session.InsertAsync([new UsageEntryEntity { AccountId = "123456789012", MessageId = "b1", Recipients = 1, At = T0 }], Ct);
            await session.InsertAsync(
            [
                new UsageEntryEntity { AccountId = "123456789012", MessageId = "b2", Recipients = 2, At = T0.AddSeconds(1) },
                new UsageEntryEntity { AccountId = "123456789012", MessageId = "b3", Recipients = 3, At = T0.AddSeconds(2) },
            ], Ct);
            Assert.Equal(["b1", "b2", "b3"], await _db.UsageLedger.AsNoTracking().OrderBy(u => u.At).Select(u => u.MessageId).ToListAsync(Ct)); // committed, visible to another connection
        }

        await using (var session = await RowInserter.Session.OpenAsync(new SqliteConsoleDbContext(options), Ct))
        {
            var orphan = new UsageEntryEntity { AccountId = "000000000404", MessageId = "orphan", Recipients = 1, At = T0 };
            await Assert.ThrowsAsync<SqliteException>(() => session.InsertAsync([new UsageEntryEntity { AccountId = "123456789012", MessageId = "b4", Recipients = 4, At = T0 }, orphan], Ct));
        }

        Assert.Equal(3, await _db.UsageLedger.CountAsync(Ct)); // b4 rolled back with the orphan
    }

    [Fact]
    public async Task InsertAsync_refuses_a_row_whose_key_was_never_set()
    {
        var row = new SendEventEntity { MessageId = "m", AccountId = "123456789012", SourceArn = "arn", Type = "Send", Json = "{}", At = T0 };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => RowInserter.InsertAsync(_db, [row], Ct));

        Assert.Contains("SendEventEntity.Id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_SqlServer_model_maps_the_group_commit_tables_without_shadow_or_computed_columns()
    {
        // What RowInserter relies on, checked on the production provider's model (no server needed to read it).
        using var db = new SqlServerConsoleDbContext(new DbContextOptionsBuilder<SqlServerConsoleDbContext>().UseSqlServer("Server=(local);Database=Unused").Options);
        foreach (var type in new[] { typeof(OutboxMessageEntity), typeof(SendAttemptEntity), typeof(SendEventEntity), typeof(UsageEntryEntity) })
        {
            var entity = db.Model.FindEntityType(type)!;
            Assert.DoesNotContain(entity.GetProperties(), p => p.IsShadowProperty());
            Assert.NotNull(entity.GetTableName());
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _db.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
