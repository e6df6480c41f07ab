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
        InsertAsync(db, rows, prepared: null, upserts: null, ct);

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
        private readonly Dictionary<Type, DbCommand> _upserts = [];

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
        public Task InsertAsync(IReadOnlyList<object> rows, CancellationToken ct = default) => RowInserter.InsertAsync(_db, rows, _commands, _upserts, ct);

        public async ValueTask DisposeAsync()
        {
            foreach (var insert in _commands.Values)
            {
                await insert.DisposeAsync();
            }

            foreach (var upsert in _upserts.Values)
            {
                await upsert.DisposeAsync();
            }

            _commands.Clear();
            _upserts.Clear();
            await _db.Database.CloseConnectionAsync();
            await _db.DisposeAsync();
        }
    }

    private static async Task InsertAsync(ConsoleDbContext db, IReadOnlyList<object> rows, Dictionary<Type, Insert>? prepared, Dictionary<Type, DbCommand>? upserts, CancellationToken ct)
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
                        insert.Use(transaction); // a session's statement, prepared in an earlier transaction
                    }

                    await insert.ExecuteAsync(row, ct);
                }

                await ReputationRollup.ApplyAsync(db, deltas, transaction, upserts, ct);

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
                        await insert.DisposeAsync();
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

    /// <summary>
    /// How <see cref="Insert"/> binds one column on SQLite's native statement: as Microsoft.Data.Sqlite's binder would bind
    /// the provider value (after the column's converter) with the parameter EF's type mapping makes.
    /// </summary>
    private enum NativeKind
    {
        /// <summary>A provider type only Microsoft.Data.Sqlite's binder knows: the entity type's rows go through the command.</summary>
        Unsupported,
        Text,
        Blob,
        Integer,
        Boolean,
        Real,
        GuidText,
        GuidBlob,
    }

    /// <summary>
    /// One entity type's INSERT on one connection. On SQLite the statement is also prepared on the native handle and run
    /// with values bound by position (<c>sqlite3_bind_*</c>, <c>sqlite3_step</c>, <c>sqlite3_reset</c>): Microsoft.Data.Sqlite
    /// looks every parameter up by name, and makes a data reader, for every execution, which was a visible part of the
    /// group commit's CPU (docs/send-performance.md#evening-2026-12-03-1800-utc-the-group-commits-statements-and-the-traces-sentences).
    /// An entity type with a column whose provider type the native path does not know uses the command.
    /// </summary>
    private sealed class Insert : IAsyncDisposable
    {
        private readonly DbCommand _command;
        private readonly (IProperty Property, IClrPropertyGetter Getter, bool IsKey, DbParameter Parameter, Func<object?, object?> ToProvider, NativeKind Kind)[] _columns;
        private readonly SQLitePCL.sqlite3? _handle;
        private readonly SQLitePCL.sqlite3_stmt? _statement;

        private Insert(DbCommand command, (IProperty, IClrPropertyGetter, bool, DbParameter, Func<object?, object?>, NativeKind)[] columns, SqliteConnection? sqlite)
        {
            _command = command;
            _columns = columns;
            if (sqlite?.Handle is { } handle && columns.All(c => c.Item6 != NativeKind.Unsupported))
            {
                var rc = SQLitePCL.raw.sqlite3_prepare_v2(handle, command.CommandText, out var statement);
                if (rc != SQLitePCL.raw.SQLITE_OK)
                {
                    statement.Dispose();
                    SqliteException.ThrowExceptionForRC(rc, handle);
                }

                (_handle, _statement) = (handle, statement);
            }
        }

        public static Insert Create(IModel model, ISqlGenerationHelper sql, DbConnection connection, DbTransaction? transaction, Type type)
        {
            // The statement and its columns depend only on the model and the type: worked out once (reading the model's
            // metadata for every batch was a noticeable part of the group commit's CPU), the command is made per batch.
            var plan = Plans.GetOrAdd((model, type), static (key, sql) => Plan.Create(key.Model, sql, key.Type), sql);
            var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = plan.Sql;
            var columns = new (IProperty, IClrPropertyGetter, bool, DbParameter, Func<object?, object?>, NativeKind)[plan.Columns.Length];
            for (var i = 0; i < columns.Length; i++)
            {
                var (property, mapping, name, toProvider) = plan.Columns[i];
                var parameter = mapping.CreateParameter(command, name, value: null, property.IsNullable);
                command.Parameters.Add(parameter);
                columns[i] = (property, property.GetGetter(), property.IsPrimaryKey(), parameter, toProvider, KindOf(mapping, parameter));
            }

            var sqlite = connection as SqliteConnection;
            if (sqlite is null)
            {
                command.Prepare();
            }

            return new Insert(command, columns, sqlite);
        }

        /// <summary>The native binding of a column.</summary>
        private static NativeKind KindOf(RelationalTypeMapping mapping, DbParameter parameter)
        {
            var type = Nullable.GetUnderlyingType(mapping.Converter?.ProviderClrType ?? mapping.ClrType) ?? mapping.Converter?.ProviderClrType ?? mapping.ClrType;
            return type switch
            {
                _ when type == typeof(string) => NativeKind.Text,
                _ when type == typeof(byte[]) => NativeKind.Blob,
                _ when type == typeof(bool) => NativeKind.Boolean,
                _ when type == typeof(long) || type == typeof(int) || type == typeof(short) || type == typeof(byte) || type == typeof(sbyte) || type == typeof(ushort) || type == typeof(uint) => NativeKind.Integer,
                _ when type == typeof(double) || type == typeof(float) => NativeKind.Real,
                _ when type == typeof(Guid) => parameter is SqliteParameter { SqliteType: SqliteType.Blob } ? NativeKind.GuidBlob : NativeKind.GuidText,
                _ => NativeKind.Unsupported,
            };
        }

        /// <summary>Runs the command in <paramref name="transaction"/> from now on (a session's statement, made in an earlier one).</summary>
        public void Use(DbTransaction? transaction) => _command.Transaction = transaction;

        public async Task ExecuteAsync(object row, CancellationToken ct)
        {
            if (_statement is { } statement)
            {
                ExecuteNative(statement, row);
                return;
            }

            foreach (var (property, getter, isKey, parameter, toProvider, _) in _columns)
            {
                var stored = ProviderValue(row, property, getter, isKey, toProvider);
                parameter.Value = stored ?? DBNull.Value;
                if (parameter.Size > 0 && (stored is string text && text.Length > parameter.Size || stored is byte[] data && data.Length > parameter.Size))
                {
                    parameter.Size = -1; // never let a driver truncate quietly: the database refuses what does not fit
                }
            }

            await _command.ExecuteNonQueryAsync(ct);
        }

        private static object? ProviderValue(object row, IProperty property, IClrPropertyGetter getter, bool isKey, Func<object?, object?> toProvider)
        {
            var value = getter.GetClrValueUsingContainingEntity(row);
            if (isKey && value is Guid id && id == Guid.Empty)
            {
                throw new InvalidOperationException($"{row.GetType().Name}.{property.Name} is not set.");
            }

            return value is null ? null : toProvider(value);
        }

        private void ExecuteNative(SQLitePCL.sqlite3_stmt statement, object row)
        {
            // Every column is bound below (nulls too), and the statement is reset after each step, failed or not.
            for (var i = 0; i < _columns.Length; i++)
            {
                var (property, getter, isKey, _, toProvider, kind) = _columns[i];
                var value = ProviderValue(row, property, getter, isKey, toProvider);
                var rc = value is null or DBNull ? SQLitePCL.raw.sqlite3_bind_null(statement, i + 1) : kind switch
                {
                    NativeKind.Text => SQLitePCL.raw.sqlite3_bind_text(statement, i + 1, (string)value),
                    NativeKind.Blob => ((byte[])value).Length == 0
                        ? SQLitePCL.raw.sqlite3_bind_zeroblob(statement, i + 1, 0)
                        : SQLitePCL.raw.sqlite3_bind_blob(statement, i + 1, (byte[])value),
                    NativeKind.Boolean => SQLitePCL.raw.sqlite3_bind_int64(statement, i + 1, (bool)value ? 1 : 0),
                    NativeKind.Integer => SQLitePCL.raw.sqlite3_bind_int64(statement, i + 1, Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)),
                    NativeKind.Real => SQLitePCL.raw.sqlite3_bind_double(statement, i + 1, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)),
                    NativeKind.GuidText => SQLitePCL.raw.sqlite3_bind_text(statement, i + 1, ((Guid)value).ToString().ToUpperInvariant()),
                    _ => SQLitePCL.raw.sqlite3_bind_blob(statement, i + 1, ((Guid)value).ToByteArray()),
                };
                Check(rc);
            }

            var step = SQLitePCL.raw.sqlite3_step(statement);
            if (step != SQLitePCL.raw.SQLITE_DONE)
            {
                SQLitePCL.raw.sqlite3_reset(statement);
                Check(step);
            }

            SQLitePCL.raw.sqlite3_reset(statement);
        }

        private void Check(int rc)
        {
            if (rc is not (SQLitePCL.raw.SQLITE_OK or SQLitePCL.raw.SQLITE_DONE))
            {
                SqliteException.ThrowExceptionForRC(rc, _handle);
            }
        }

        public async ValueTask DisposeAsync()
        {
            _statement?.Dispose();
            await _command.DisposeAsync();
        }
    }
}
