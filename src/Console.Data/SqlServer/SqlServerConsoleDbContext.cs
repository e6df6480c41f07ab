using Microsoft.EntityFrameworkCore;
using SesConsole.Data.Entities;

namespace SesConsole.Data.SqlServer;

/// <summary>
/// The production provider. It keeps SQL Server's native <c>datetimeoffset</c>. Names that SES and IAM compare
/// case-sensitively get a binary collation, so lookups and unique indexes behave as on SQLite (whose text comparison is
/// binary): a server's usual case-insensitive default would find <c>Sender@example.com</c> for <c>sender@example.com</c>.
/// </summary>
public sealed class SqlServerConsoleDbContext(DbContextOptions<SqlServerConsoleDbContext> options) : ConsoleDbContext(options)
{
    /// <summary>Ordinal comparison, as SQLite's BINARY collation.</summary>
    public const string CaseSensitiveCollation = "Latin1_General_100_BIN2";

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<SendingIdentityEntity>().Property(i => i.Name).UseCollation(CaseSensitiveCollation); // email addresses
        builder.Entity<IdentityPolicyEntity>().Property(p => p.Name).UseCollation(CaseSensitiveCollation);
        builder.Entity<IamPrincipalEntity>().Property(p => p.Name).UseCollation(CaseSensitiveCollation);
        builder.Entity<IamPolicyEntity>().Property(p => p.Name).UseCollation(CaseSensitiveCollation);
        builder.Entity<ConfigurationSetEntity>().Property(c => c.Name).UseCollation(CaseSensitiveCollation);
    }
}
