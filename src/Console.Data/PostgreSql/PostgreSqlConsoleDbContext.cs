using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace SesConsole.Data.PostgreSql;

/// <summary>
/// The PostgreSQL provider (docs/database-providers.md#postgresql). Timestamps are <c>timestamptz</c>, which Npgsql
/// refuses to write from a <see cref="DateTimeOffset"/> whose offset is not zero, and which keeps microseconds where .NET
/// keeps 100 ns ticks: every <see cref="DateTimeOffset"/> goes through <see cref="UtcConverter"/>, so no value can make a
/// write or a query parameter throw, and a value written and later compared with <c>==</c> (a claim that checks the
/// lease it read) is the same stored value on both sides. Values read back are UTC: the same instants, offset zero.
/// Names that SES and IAM compare case-sensitively need nothing here: PostgreSQL's collations are deterministic unless
/// declared otherwise, so equality and unique indexes are case-sensitive as on SQLite (case-insensitive lookups use the
/// model's normalized columns).
/// </summary>
public sealed class PostgreSqlConsoleDbContext(DbContextOptions<PostgreSqlConsoleDbContext> options) : ConsoleDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcConverter>();
    }

    /// <summary>
    /// Writes the UTC form of the same instant (Npgsql accepts only offset zero for <c>timestamptz</c>), cut to whole
    /// microseconds (what the column stores), so a parameter compares equal to the value stored from it.
    /// </summary>
    public sealed class UtcConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(v => ToStored(v), v => v)
    {
        /// <summary>The value PostgreSQL stores for <paramref name="value"/>: UTC, whole microseconds.</summary>
        public static DateTimeOffset ToStored(DateTimeOffset value) =>
            new(value.UtcTicks - value.UtcTicks % TimeSpan.TicksPerMicrosecond, TimeSpan.Zero);
    }
}
