using Microsoft.EntityFrameworkCore;
using SesConsole.Data.Entities;
using SesConsole.Data.PostgreSql;
using SesConsole.Tests.Shared;

namespace SesConsole.Data.Tests.PostgreSql;

/// <summary>A fresh, migrated database in the test project's PostgreSQL cluster, with one account.</summary>
public sealed class PostgreSqlDatabase(string connectionString)
{
    public const string AccountId = "123456789012";

    public string ConnectionString { get; } = connectionString;

    /// <summary>Creates the database (a unique name from <paramref name="prefix"/>), applies every migration and adds the account <paramref name="accountId"/>.</summary>
    public static async Task<PostgreSqlDatabase> CreateAsync(PostgresCluster cluster, string prefix, DateTimeOffset accountCreatedAt, string accountId = AccountId)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var database = new PostgreSqlDatabase(await cluster.CreateDatabaseAsync($"{prefix}_{Guid.NewGuid():N}"));
        await using var db = database.Open();
        await db.Database.MigrateAsync(TestContext.Current.CancellationToken);
        db.Accounts.Add(new AccountEntity { Id = accountId, DisplayName = "A", HomeRegions = "us-east-1", CreatedAt = accountCreatedAt });
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return database;
    }

    public PostgreSqlConsoleDbContext Open() => new(new DbContextOptionsBuilder<PostgreSqlConsoleDbContext>().UseNpgsql(ConnectionString).Options);
}
