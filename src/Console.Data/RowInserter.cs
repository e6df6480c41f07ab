using System.Data.Common;
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
/// keys are left to the database. Only for entities without owned types, shadow or computed properties.
/// </summary>
public static class RowInserter
{
    /// <summary>Writes <paramref name="rows"/> (new entities of mapped types) and commits, or writes none of them.</summary>
    public static async Task InsertAsync(ConsoleDbContext db, IReadOnlyList<object> rows, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(rows);
        var sql = db.GetService<ISqlGenerationHelper>();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = db.Database.GetDbConnection();
            await using var transaction = await connection.BeginTransactionAsync(ct);
            var commands = new Dictionary<Type, Insert>();
            try
            {
                foreach (var row in rows)
                {
                    if (!commands.TryGetValue(row.GetType(), out var insert))
                    {
                        insert = Insert.Create(db.Model, sql, connection, transaction, row.GetType());
                        commands.Add(row.GetType(), insert);
                    }

                    await insert.ExecuteAsync(row, ct);
                }

                await transaction.CommitAsync(ct);
            }
            finally
            {
                foreach (var insert in commands.Values)
                {
                    await insert.Command.DisposeAsync();
                }
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private sealed class Insert(DbCommand command, (IProperty Property, DbParameter Parameter, Func<object?, object?> ToProvider)[] columns)
    {
        public DbCommand Command { get; } = command;

        public static Insert Create(IModel model, ISqlGenerationHelper sql, DbConnection connection, DbTransaction transaction, Type type)
        {
            var entityType = model.FindEntityType(type) ?? throw new InvalidOperationException($"{type.Name} is not a mapped entity.");
            var table = entityType.GetTableName() ?? throw new InvalidOperationException($"{type.Name} is not mapped to a table.");
            var store = StoreObjectIdentifier.Table(table, entityType.GetSchema());
            if (entityType.GetNavigations().Any(n => n.TargetEntityType.IsOwned()) || entityType.GetProperties().Any(p => p.IsShadowProperty() || p.GetComputedColumnSql(store) is not null))
            {
                throw new NotSupportedException($"{type.Name} has owned, shadow or computed properties; save it with SaveChanges.");
            }

            var command = connection.CreateCommand();
            command.Transaction = transaction;
            var columns = new List<(IProperty, DbParameter, Func<object?, object?>)>();
            foreach (var property in entityType.GetProperties())
            {
                if (property.IsPrimaryKey() && property.ValueGenerated.HasFlag(ValueGenerated.OnAdd) && (property.ClrType == typeof(long) || property.ClrType == typeof(int)))
                {
                    continue; // an identity column: the database numbers it
                }

                var mapping = property.GetRelationalTypeMapping();
                var converter = mapping.Converter; // the property's converter, conventions' included
                var parameter = mapping.CreateParameter(command, sql.GenerateParameterName("p" + columns.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)), value: null, property.IsNullable);
                command.Parameters.Add(parameter);
                columns.Add((property, parameter, converter is null ? static v => v : converter.ConvertToProvider));
            }

            command.CommandText = $"INSERT INTO {sql.DelimitIdentifier(table, entityType.GetSchema())} ({string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.Item1.GetColumnName(store)!)))}) " +
                                  $"VALUES ({string.Join(", ", columns.Select(c => c.Item2.ParameterName))})";
            command.Prepare();
            return new Insert(command, [.. columns]);
        }

        public async Task ExecuteAsync(object row, CancellationToken ct)
        {
            foreach (var (property, parameter, toProvider) in columns)
            {
                var value = property.GetGetter().GetClrValueUsingContainingEntity(row);
                if (property.IsPrimaryKey() && value is Guid id && id == Guid.Empty)
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
