using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace SesConsole.Data.Sqlite;

/// <summary>
/// Lets SQLite itself wait for the write lock (<c>sqlite3_busy_timeout</c>, docs/send-pipeline.md#delivery) on every
/// connection the contexts open. Without it a writer that finds another one in the database gets SQLITE_BUSY at once, and
/// Microsoft.Data.Sqlite retries after sleeping 150 ms — a whole sleep for a lock that is usually free again within a
/// millisecond. With the send path's group commit, the delivery worker's claims and its recorded deliveries all writing,
/// those sleeps were most of the delivery worker's time.
/// </summary>
public sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    /// <summary>How long SQLite keeps retrying (in its own short steps) before it reports the database busy.</summary>
    public const int Milliseconds = 30_000;

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle })
        {
            SQLitePCL.raw.sqlite3_busy_timeout(handle, Milliseconds);
        }
    }
}
