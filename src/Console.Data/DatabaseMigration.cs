using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace SesConsole.Data;

/// <summary>Applies the pending migrations, one node at a time (docs/database-providers.md#migrations).</summary>
public static class DatabaseMigration
{
    // Any fixed number: the key of the session-level advisory lock that serializes migrating nodes on PostgreSQL.
    private const long PostgreSqlLockKey = 0x5E5C0_7E_11;

    /// <summary>
    /// <see cref="RelationalDatabaseFacadeExtensions.MigrateAsync(DatabaseFacade, CancellationToken)"/>, serialized across
    /// nodes. EF Core's own lock is enough on SQLite and SQL Server; on PostgreSQL the Npgsql lock covers one migration's
    /// transaction, so a second node starting at the same moment could apply the next migration again ("relation already
    /// exists"). There a session advisory lock is held around the whole run.
    /// </summary>
    public static async Task MigrateExclusivelyAsync(this DatabaseFacade database, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (database.ProviderName != "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            await database.MigrateAsync(ct);
            return;
        }

        await database.OpenConnectionAsync(ct);
        try
        {
            await database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({PostgreSqlLockKey})", ct);
            try
            {
                await database.MigrateAsync(ct);
            }
            finally
            {
                await database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({PostgreSqlLockKey})", CancellationToken.None);
            }
        }
        finally
        {
            await database.CloseConnectionAsync();
        }
    }
}
