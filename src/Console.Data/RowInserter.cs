using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace SesConsole.Data;

/// <summary>
/// Inserts new rows of plain tables in one transaction with one prepared INSERT per table, reused row after row — for
/// the send path's group commit, where EF's change tracking and batch building cost more than the writes themselves.
/// Everything provider-specific comes from the EF model: table and column names, identifier quoting, parameter names,
/// value converters (SQLite's <see cref="DateTimeOffset"/> as a number) and parameter types; store-generated integer
/// keys are left to the database. Only for entities without owned types, shadow or computed properties. On SQLite the
/// transaction is begun and committed on the native handle (see <see cref="BeginImmediateAsync"/>).
/// </summary>
public static class RowInserter
{
    /// <summary>
    /// Writes <paramref name="rows"/> (new entities of mapped types) and commits, or writes none of them. Reputation deltas
    /// among them are not rows: they are added to their buckets in the same transaction (<see cref="ReputationRollup"/>).
    /// </summary>
    public static Task InsertAsync(ConsoleDbContext db, IReadOnlyList<object> rows, CancellationToken ct = default) =>
        InsertAsync(db, rows, prepared: null, ct);

    /// <summary>
    /// A writer's open connection with its prepared INSERTs, kept from one transaction to the next (the group commit's
    /// writer holds one: opening the connection and preparing each statement for every batch was a visible part of its
    /// CPU and garbage, docs/send-performance.md#where-the-time-went). Not thread-safe: one writer at a time. After a
    /// failed <see cref="InsertAsync(IReadOnlyList{object}, CancellationToken)"/> dispose it and open a new one.
    /// </summary>
    public sealed class Session : IAsyncDisposable
    {
        private readonly ConsoleDbContext _db;
        private readonly Dictionary<Type, Insert> _commands = [];

        private Session(ConsoleDbContext db) => _db = db;

        /// <summary>Opens <paramref name="db"/>'s connection for the session; the session owns <paramref name="db"/> from then on.</summary>
        public static async Task<Session> OpenAsync(ConsoleDbContext db, CancellationToken ct = default)
        {
            ArgumentNullException.ThrowIfNull(db);
            try
            {
                await db.Database.OpenConnectionAsync(ct);
            }
            catch
            {
                await db.DisposeAsync(); // the session never took it
                throw;
            }

            return new Session(db);
        }

        /// <summary><see cref="RowInserter.InsertAsync(ConsoleDbContext, IReadOnlyList{object}, CancellationToken)"/> on the session's connection and statements.</summary>
        public Task InsertAsync(IReadOnlyList<object> rows, CancellationToken ct = default) => RowInserter.InsertAsync(_db, rows, _commands, ct);

        public async ValueTask DisposeAsync()
        {
            foreach (var insert in _commands.Values)
            {
                await insert.Command.DisposeAsync();
            }

            _commands.Clear();
            await _db.Database.CloseConnectionAsync();
            await _db.DisposeAsync();
        }
    }

    private static async Task InsertAsync(ConsoleDbContext db, IReadOnlyList<object> rows, Dictionary<Type, Insert>? prepared, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(rows);
        var sql = db.GetService<ISqlGenerationHelper>();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = db.Database.GetDbConnection();
            var sqlite = connection as SqliteConnection;
            await using var transaction = sqlite is null ? await connection.BeginTransactionAsync(ct) : null;
            if (sqlite is not null)
            {
                await BeginImmediateAsync(sqlite, ct);
            }

            var commands = prepared ?? [];
            var committed = false;
            try
            {
                var deltas = new List<ReputationDelta>();
                foreach (var row in rows)
                {
                    if (row is ReputationDelta delta)
                    {
                        deltas.Add(delta);
                        continue;
                    }

                    if (!commands.TryGetValue(row.GetType(), out var insert))
                    {
                        insert = Insert.Create(db.Model, sql, connection, transaction, row.GetType());
                        commands.Add(row.GetType(), insert);
                    }
                    else
                    {
                        insert.Command.Transaction = transaction; // a session's statement, prepared in an earlier transaction
                    }

                    await insert.ExecuteAsync(row, ct);
                }

                await ReputationRollup.ApplyAsync(db, deltas, transaction, ct);

                if (transaction is not null)
                {
                    await transaction.CommitAsync(ct);
                }
                else
                {
                    Exec(sqlite!, "COMMIT");
                }

                committed = true;
            }
            finally
            {
                if (prepared is null)
                {
                    foreach (var insert in commands.Values)
                    {
                        await insert.Command.DisposeAsync();
                    }
                }

                if (!committed && sqlite is not null && SQLitePCL.raw.sqlite3_get_autocommit(sqlite.Handle) == 0)
                {
                    Exec(sqlite, "ROLLBACK");
                }
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>How long <see cref="BeginImmediateAsync"/> waits for SQLite's write lock before giving up (the command timeout).</summary>
    private static readonly TimeSpan WriteLockTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Takes SQLite's write lock (<c>BEGIN IMMEDIATE</c>) by asking again every millisecond without blocking a thread.
    /// Microsoft.Data.Sqlite would sleep 150 ms after each refusal, and SQLite's own busy handler backs off to 25–100 ms
    /// between tries; while the delivery worker writes, either made the group commit — and so every API caller waiting on
    /// it — lose the lock to the worker again and again (docs/send-performance.md#sqlite-busy-timeout).
    /// </summary>
    private static async Task BeginImmediateAsync(SqliteConnection connection, CancellationToken ct)
    {
        var handle = connection.Handle!;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        SQLitePCL.raw.sqlite3_busy_timeout(handle, 0);
        try
        {
            while (true)
            {
                var rc = SQLitePCL.raw.sqlite3_exec(handle, "BEGIN IMMEDIATE");
                if (rc == SQLitePCL.raw.SQLITE_OK)
                {
                    return;
                }

                if (rc != SQLitePCL.raw.SQLITE_BUSY || System.Diagnostics.Stopwatch.GetElapsedTime(started) > WriteLockTimeout)
                {
                    SqliteException.ThrowExceptionForRC(rc, handle);
                }

                await Task.Delay(1, ct);
            }
        }
        finally
        {
            SQLitePCL.raw.sqlite3_busy_timeout(handle, (int)WriteLockTimeout.TotalMilliseconds);
        }
    }

    private static void Exec(SqliteConnection connection, string statement)
    {
        var rc = SQLitePCL.raw.sqlite3_exec(connection.Handle!, statement);
        if (rc != SQLitePCL.raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, connection.Handle);
        }
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(IModel Model, Type Type), Plan> Plans = new();

    /// <summary>The INSERT of one entity type: its SQL and, per column, the property, its type mapping, the parameter name and the converter.</summary>
    private sealed record Plan(string Sql, (IProperty Property, RelationalTypeMapping Mapping, string ParameterName, Func<object?, object?> ToProvider)[] Columns)
    {
        public static Plan Create(IModel model, ISqlGenerationHelper sql, Type type)
        {
            var entityType = model.FindEntityType(type) ?? throw new InvalidOperationException($"{type.Name} is not a mapped entity.");
            var table = entityType.GetTableName() ?? throw new InvalidOperationException($"{type.Name} is not mapped to a table.");
            var store = StoreObjectIdentifier.Table(table, entityType.GetSchema());
            if (entityType.GetNavigations().Any(n => n.TargetEntityType.IsOwned()) || entityType.GetProperties().Any(p => p.IsShadowProperty() || p.GetComputedColumnSql(store) is not null))
            {
                throw new NotSupportedException($"{type.Name} has owned, shadow or computed properties; save it with SaveChanges.");
            }

            var columns = new List<(IProperty, RelationalTypeMapping, string, Func<object?, object?>)>();
            foreach (var property in entityType.GetProperties())
            {
                if (property.IsPrimaryKey() && property.ValueGenerated.HasFlag(ValueGenerated.OnAdd) && (property.ClrType == typeof(long) || property.ClrType == typeof(int)))
                {
                    continue; // an identity column: the database numbers it
                }

                var mapping = property.GetRelationalTypeMapping();
                var converter = mapping.Converter; // the property's converter, conventions' included
                var name = sql.GenerateParameterName("p" + columns.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                columns.Add((property, mapping, name, converter is null ? static v => v : converter.ConvertToProvider));
            }

            var text = $"INSERT INTO {sql.DelimitIdentifier(table, entityType.GetSchema())} ({string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.Item1.GetColumnName(store)!)))}) " +
                       $"VALUES ({string.Join(", ", columns.Select(c => c.Item3))})";
            return new Plan(text, [.. columns]);
        }
    }

    private sealed class Insert(DbCommand command, (IProperty Property, IClrPropertyGetter Getter, bool IsKey, DbParameter Parameter, Func<object?, object?> ToProvider)[] columns)
    {
        public DbCommand Command { get; } = command;

        public static Insert Create(IModel model, ISqlGenerationHelper sql, DbConnection connection, DbTransaction? transaction, Type type)
        {
            // The statement and its columns depend only on the model and the type: worked out once (reading the model's
            // metadata for every batch was a noticeable part of the group commit's CPU), the command is made per batch.
            var plan = Plans.GetOrAdd((model, type), static (key, sql) => Plan.Create(key.Model, sql, key.Type), sql);
            var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = plan.Sql;
            var columns = new (IProperty, IClrPropertyGetter, bool, DbParameter, Func<object?, object?>)[plan.Columns.Length];
            for (var i = 0; i < columns.Length; i++)
            {
                var (property, mapping, name, toProvider) = plan.Columns[i];
                var parameter = mapping.CreateParameter(command, name, value: null, property.IsNullable);
                command.Parameters.Add(parameter);
                columns[i] = (property, property.GetGetter(), property.IsPrimaryKey(), parameter, toProvider);
            }

            command.Prepare();
            return new Insert(command, columns);
        }

        public async Task ExecuteAsync(object row, CancellationToken ct)
        {
            foreach (var (property, getter, isKey, parameter, toProvider) in columns)
            {
                var value = getter.GetClrValueUsingContainingEntity(row);
                if (isKey && value is Guid id && id == Guid.Empty)
                {
                    throw new InvalidOperationException($"{row.GetType().Name}.{property.Name} is not set.");
                }

                var stored = value is null ? null : toProvider(value);
                parameter.Value = stored ?? DBNull.Value;
                if (parameter.Size > 0 && (stored is string text && text.Length > parameter.Size || stored is byte[] data && data.Length > parameter.Size))
                {
                    parameter.Size = -1; // never let a driver truncate quietly: the database refuses what does not fit
                }
            }

            await Command.ExecuteNonQueryAsync(ct);
        }
    }
}
