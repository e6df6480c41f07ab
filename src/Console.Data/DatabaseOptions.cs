namespace SesConsole.Data;

/// <summary>Which database provider the console uses.</summary>
public enum DatabaseProvider
{
    /// <summary>The embedded default: a SQLite file in the data directory, created and migrated on start.</summary>
    Sqlite,

    /// <summary>The production provider; needs <see cref="DatabaseOptions.ConnectionString"/>.</summary>
    SqlServer,

    /// <summary>The other server provider (docs/database-providers.md#postgresql); needs <see cref="DatabaseOptions.ConnectionString"/>.</summary>
    PostgreSql,
}

/// <summary>Bound from the <c>Database</c> configuration section.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Required for SQL Server and PostgreSQL. For SQLite it overrides the default <c>Data Source=DATADIR/sesconsole.db</c>.</summary>
    public string? ConnectionString { get; set; }
}
