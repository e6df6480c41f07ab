using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace SesConsole.Data.Sqlite;

/// <summary>
/// Sets SQLite's own busy timeout on every connection the contexts open. SQLite has one writer at a time: without a
/// busy timeout a writer that finds the lock taken gets <c>SQLITE_BUSY</c> at once, and Microsoft.Data.Sqlite then
/// retries after a fixed 150 ms sleep — under load (the group commit, the delivery worker and the local sink all
/// writing) that sleep was most of the API's p99. With it, SQLite waits inside the call and retries within a few
/// milliseconds of the lock being released (docs/send-performance.md#sqlite-busy-timeout). The timeout matches the
/// command timeout, so a lock held longer still fails the same way as before.
/// </summary>
public sealed class SqliteBusyTimeout(TimeSpan timeout) : DbConnectionInterceptor
{
    /// <summary>Microsoft.Data.Sqlite's default command timeout (30 s).</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(30);

    private readonly int _milliseconds = (int)Math.Clamp(timeout.TotalMilliseconds, 0, int.MaxValue);

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private void Apply(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle })
        {
            // A plain setter on the native handle (no statement); pooled handles keep it, setting it again is free.
            SQLitePCL.raw.sqlite3_busy_timeout(handle, _milliseconds);
        }
    }
}
