using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using SesConsole.Data.Entities;

namespace SesConsole.Data;

/// <summary>
/// What one write adds to one reputation bucket (docs/reputation.md#rollups). Writers of events add these beside the
/// events, and <see cref="ReputationRollup"/> adds them to <see cref="ReputationBucketEntity"/> rows in the same transaction.
/// </summary>
public sealed record ReputationDelta(string AccountId, string OwnerAccountId, string SourceArn, DateTimeOffset Hour, bool Test)
{
    public long Sent { get; init; }

    public long Delivered { get; init; }

    public long HardBounces { get; init; }

    public long SoftBounces { get; init; }

    public long Complaints { get; init; }

    public long ComplaintEligible { get; init; }

    public long Suppressed { get; init; }

    /// <summary>The start of the hour <paramref name="at"/> falls in (UTC).</summary>
    public static DateTimeOffset HourOf(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }

    public ReputationDelta Plus(ReputationDelta other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return this with
        {
            Sent = Sent + other.Sent, Delivered = Delivered + other.Delivered, HardBounces = HardBounces + other.HardBounces,
            SoftBounces = SoftBounces + other.SoftBounces, Complaints = Complaints + other.Complaints,
            ComplaintEligible = ComplaintEligible + other.ComplaintEligible, Suppressed = Suppressed + other.Suppressed,
        };
    }
}

/// <summary>
/// Adds <see cref="ReputationDelta"/>s to their buckets (and to the account-level buckets) with one upsert per bucket (<c>INSERT … ON CONFLICT DO UPDATE</c>
/// on SQLite and PostgreSQL, <c>MERGE … WITH (HOLDLOCK)</c> on SQL Server): the counts are incremented in the database,
/// never read and written back, so concurrent writers (two delivery workers, the inbound listener, two nodes) lose nothing.
/// Runs on the caller's connection and transaction, so the counts commit or roll back with the events they count.
/// </summary>
public static class ReputationRollup
{
    private static readonly string[] Keys = [nameof(ReputationBucketEntity.AccountId), nameof(ReputationBucketEntity.Hour), nameof(ReputationBucketEntity.Test),
        nameof(ReputationBucketEntity.OwnerAccountId), nameof(ReputationBucketEntity.SourceArn)];

    private static readonly string[] AccountKeys = [nameof(AccountReputationBucketEntity.AccountId), nameof(AccountReputationBucketEntity.Hour), nameof(AccountReputationBucketEntity.Test)];

    private static readonly string[] Counts = [nameof(ReputationBucketEntity.Sent), nameof(ReputationBucketEntity.Delivered), nameof(ReputationBucketEntity.HardBounces),
        nameof(ReputationBucketEntity.SoftBounces), nameof(ReputationBucketEntity.Complaints), nameof(ReputationBucketEntity.ComplaintEligible),
        nameof(ReputationBucketEntity.Suppressed)];

    /// <summary>
    /// Merges deltas of the same bucket (one upsert each), in key order: concurrent writers then lock the buckets they
    /// share in the same order and cannot deadlock each other (PostgreSQL and SQL Server lock each upserted row).
    /// </summary>
    public static IReadOnlyList<ReputationDelta> Merge(IEnumerable<ReputationDelta> deltas) =>
        deltas is IReadOnlyCollection<ReputationDelta> { Count: <= 1 } few ? [.. few] : MergeMany(deltas);

    private static List<ReputationDelta> MergeMany(IEnumerable<ReputationDelta> deltas) =>
        [.. deltas.GroupBy(d => (d.AccountId, d.OwnerAccountId, d.SourceArn, d.Hour, d.Test)).Select(g => g.Aggregate((a, b) => a.Plus(b)))
            .OrderBy(d => d.AccountId, StringComparer.Ordinal).ThenBy(d => d.Hour).ThenBy(d => d.Test)
            .ThenBy(d => d.OwnerAccountId, StringComparer.Ordinal).ThenBy(d => d.SourceArn, StringComparer.Ordinal)];

    /// <summary>
    /// Adds <paramref name="deltas"/> through <paramref name="db"/>'s connection, in its current transaction (or
    /// <paramref name="transaction"/> when the caller holds one outside EF, as <see cref="RowInserter"/> does): to their
    /// fine-grained buckets and, summed per account, hour and traffic, to the account-level buckets.
    /// </summary>
    public static Task ApplyAsync(ConsoleDbContext db, IEnumerable<ReputationDelta> deltas, DbTransaction? transaction = null, CancellationToken ct = default) =>
        ApplyAsync(db, deltas, transaction, prepared: null, ct);

    /// <summary>
    /// <see cref="ApplyAsync(ConsoleDbContext, IEnumerable{ReputationDelta}, DbTransaction?, CancellationToken)"/> with the
    /// upsert commands kept in <paramref name="prepared"/> from one call to the next (a <see cref="RowInserter.Session"/>'s,
    /// on its one connection; the caller disposes them).
    /// </summary>
    internal static async Task ApplyAsync(ConsoleDbContext db, IEnumerable<ReputationDelta> deltas, DbTransaction? transaction, Dictionary<Type, DbCommand>? prepared, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var merged = Merge(deltas);
        if (merged.Count == 0)
        {
            return;
        }

        var accountLevel = Merge(merged.Select(d => d with { OwnerAccountId = "", SourceArn = "" }));
        var connection = db.Database.GetDbConnection();
        var opened = false;
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(ct);
            opened = true;
        }

        try
        {
            transaction ??= db.Database.CurrentTransaction?.GetDbTransaction();
            await UpsertAsync(db, connection, transaction, prepared, typeof(ReputationBucketEntity), Keys, [], merged,
                d => [d.AccountId, d.Hour, d.Test, d.OwnerAccountId, d.SourceArn], ct);
            await UpsertAsync(db, connection, transaction, prepared, typeof(AccountReputationBucketEntity), AccountKeys, [nameof(AccountReputationBucketEntity.Day)], accountLevel,
                d => [d.AccountId, d.Hour, d.Test, new DateTimeOffset(d.Hour.UtcDateTime.Date, TimeSpan.Zero)], ct);
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    /// <summary>One upsert statement and its columns' converters, worked out once per model, table and provider (building the SQL from the model's metadata for every batch was ≈ 40 % of the group commit's CPU in a profile, docs/send-performance.md#where-the-time-went).</summary>
    private sealed record UpsertPlan(string Sql, string[] Parameters, Func<object?, object?>[] ToProvider);

    /// <summary>By model (each provider's context type has its own) and table.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(IModel Model, Type Table), UpsertPlan> Plans = new();

    private static UpsertPlan Plan(ConsoleDbContext db, Type table, string[] keys, string[] fixedColumns)
    {
        if (Plans.TryGetValue((db.Model, table), out var plan))
        {
            return plan;
        }

        return Plans.GetOrAdd((db.Model, table), static (key, state) =>
        {
            var (db, keys, fixedColumns) = state;
            var sql = db.GetService<ISqlGenerationHelper>();
            var sqlServer = db.Database.IsSqlServer();
            var entity = key.Model.FindEntityType(key.Table)!;
            // Names from the model, quoted by the provider: PostgreSQL folds unquoted names to lower case, EF's are PascalCase.
            var store = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            var name = sql.DelimitIdentifier(store.Name, store.Schema);
            var columns = keys.Concat(fixedColumns).Concat(Counts).ToArray();
            string Column(string c) => sql.DelimitIdentifier(entity.FindProperty(c)!.GetColumnName(store)!);
            var parameters = columns.Select((c, i) => sql.GenerateParameterName($"p{i}")).ToArray();
            var text = sqlServer
                ? $"MERGE {name} WITH (HOLDLOCK) AS t USING (SELECT {string.Join(", ", columns.Select((c, i) => $"{parameters[i]} AS {Column(c)}"))}) AS s " +
                  $"ON {string.Join(" AND ", keys.Select(k => $"t.{Column(k)} = s.{Column(k)}"))} " +
                  $"WHEN MATCHED THEN UPDATE SET {string.Join(", ", Counts.Select(c => $"t.{Column(c)} = t.{Column(c)} + s.{Column(c)}"))} " +
                  $"WHEN NOT MATCHED THEN INSERT ({string.Join(", ", columns.Select(Column))}) VALUES ({string.Join(", ", columns.Select(c => $"s.{Column(c)}"))});"
                : $"INSERT INTO {name} ({string.Join(", ", columns.Select(Column))}) VALUES ({string.Join(", ", parameters)}) " +
                  $"ON CONFLICT ({string.Join(", ", keys.Select(Column))}) DO UPDATE SET {string.Join(", ", Counts.Select(c => $"{Column(c)} = {name}.{Column(c)} + excluded.{Column(c)}"))}";
            var converters = columns.Select(c => entity.FindProperty(c)!.GetTypeMapping().Converter)
                .Select(converter => converter is null ? static v => v : (Func<object?, object?>)converter.ConvertToProvider).ToArray();
            return new UpsertPlan(text, parameters, converters);
        }, (db, keys, fixedColumns));
    }

    /// <param name="fixedColumns">Columns after the keys that are set on insert and never change (they follow from the key).</param>
    private static async Task UpsertAsync(ConsoleDbContext db, DbConnection connection, DbTransaction? transaction, Dictionary<Type, DbCommand>? prepared,
        Type table, string[] keys, string[] fixedColumns, IReadOnlyList<ReputationDelta> deltas, Func<ReputationDelta, object[]> keyValues, CancellationToken ct)
    {
        var plan = Plan(db, table, keys, fixedColumns);
        DbCommand? command = null;
        var owned = prepared is null || !prepared.TryGetValue(table, out command);
        if (command is null)
        {
            command = connection.CreateCommand();
            command.CommandText = plan.Sql;
            foreach (var parameterName in plan.Parameters)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = parameterName;
                command.Parameters.Add(parameter);
            }

            if (prepared is not null)
            {
                prepared[table] = command;
                owned = false;
            }
        }

        try
        {
            command.Transaction = transaction;
            foreach (var delta in deltas)
            {
                object[] values = [.. keyValues(delta), delta.Sent, delta.Delivered, delta.HardBounces, delta.SoftBounces, delta.Complaints, delta.ComplaintEligible, delta.Suppressed];
                for (var i = 0; i < values.Length; i++)
                {
                    command.Parameters[i].Value = plan.ToProvider[i](values[i]);
                }

                await command.ExecuteNonQueryAsync(ct);
            }
        }
        finally
        {
            if (owned)
            {
                await command.DisposeAsync();
            }
        }
    }
}
