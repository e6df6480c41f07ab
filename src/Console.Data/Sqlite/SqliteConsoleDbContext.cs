using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace SesConsole.Data.Sqlite;

/// <summary>The embedded default. SQLite cannot order or compare <see cref="DateTimeOffset"/> stored as text, so
/// timestamps are stored as a sortable 64-bit number (EF docs, "SQLite provider limitations").</summary>
public sealed class SqliteConsoleDbContext(DbContextOptions<SqliteConsoleDbContext> options) : ConsoleDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}
