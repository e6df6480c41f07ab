using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace SesConsole.Data.PostgreSql;

/// <summary>
/// The PostgreSQL provider (docs/database-providers.md#postgresql). Timestamps are <c>timestamptz</c>, which Npgsql
/// refuses to write from a <see cref="DateTimeOffset"/> whose offset is not zero: every <see cref="DateTimeOffset"/> goes
/// through <see cref="UtcConverter"/>, so no value can make a write (or a query parameter) throw; values read back are
/// UTC, the same instants. Names that SES and IAM compare case-sensitively need nothing here: PostgreSQL's collations
/// are deterministic by default, so equality and unique indexes are case-sensitive as on SQLite (case-insensitive
/// lookups use the model's normalized columns).
/// </summary>
public sealed class PostgreSqlConsoleDbContext(DbContextOptions<PostgreSqlConsoleDbContext> options) : ConsoleDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcConverter>();
    }

    /// <summary>Writes the UTC form of the same instant (Npgsql accepts only offset zero for <c>timestamptz</c>).</summary>
    public sealed class UtcConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(v => v.ToUniversalTime(), v => v);
}
