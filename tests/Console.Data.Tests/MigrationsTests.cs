using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Data.PostgreSql;
using SesConsole.Data.Sqlite;
using SesConsole.Data.SqlServer;

namespace SesConsole.Data.Tests;

public sealed class MigrationsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sesconsole-data-").FullName;

    [Fact]
    public void Sqlite_model_has_no_pending_changes()
    {
        using var db = Sqlite(Path.Combine(_directory, "pending.db"));

        Assert.False(db.Database.HasPendingModelChanges(),
            "The SQLite model changed without a migration: run the 'migrations add' command in src/Console.Data/README.md for SqliteConsoleDbContext.");
    }

    [Fact]
    public void SqlServer_model_has_no_pending_changes()
    {
        // The connection string is never opened: comparing the model with the snapshot needs no server.
        var options = new DbContextOptionsBuilder<SqlServerConsoleDbContext>().UseSqlServer("Server=(local);Database=Unused;Trusted_Connection=True").Options;
        using var db = new SqlServerConsoleDbContext(options);

        Assert.False(db.Database.HasPendingModelChanges(),
            "The SQL Server model changed without a migration: run the 'migrations add' command in src/Console.Data/README.md for SqlServerConsoleDbContext.");
    }

    [Fact]
    public void PostgreSql_model_has_no_pending_changes()
    {
        // As for SQL Server, no server is needed to compare the model with the snapshot.
        using var db = new PostgreSqlConsoleDbContext(new DbContextOptionsBuilder<PostgreSqlConsoleDbContext>().UseNpgsql("Host=unused;Database=unused").Options);

        Assert.False(db.Database.HasPendingModelChanges(),
            "The PostgreSQL model changed without a migration: run the 'migrations add' command in src/Console.Data/README.md for PostgreSqlConsoleDbContext.");
    }

    [Fact]
    public void Both_providers_have_the_same_migrations()
    {
        var sqlite = MigrationNames(Sqlite(Path.Combine(_directory, "names.db")));
        var options = new DbContextOptionsBuilder<SqlServerConsoleDbContext>().UseSqlServer("Server=(local);Database=Unused;Trusted_Connection=True").Options;
        var sqlServer = MigrationNames(new SqlServerConsoleDbContext(options));

        Assert.NotEmpty(sqlite);
        Assert.Equal(sqlite, sqlServer);
    }

    [Fact]
    public async Task Migrate_on_an_empty_sqlite_file_creates_every_table()
    {
        var file = Path.Combine(_directory, "fresh.db");
        await using (var db = Sqlite(file))
        {
            await db.Database.MigrateAsync(TestContext.Current.CancellationToken);
        }

        await using var connection = new SqliteConnection($"Data Source={file}");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
        var tables = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken))
        {
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                tables.Add(reader.GetString(0));
            }
        }

        Assert.Contains("Accounts", tables);
        Assert.Contains("IamPrincipals", tables);
        Assert.Contains("IamPolicies", tables);
        Assert.Contains("AccessKeys", tables);
        Assert.Contains("AspNetUsers", tables);
        Assert.Contains("__EFMigrationsHistory", tables);
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task Sqlite_orders_by_timestamp_and_enforces_case_insensitive_principal_names()
    {
        var file = Path.Combine(_directory, "rules.db");
        await using var db = Sqlite(file);
        await db.Database.MigrateAsync(TestContext.Current.CancellationToken);
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        db.Accounts.Add(new AccountEntity { Id = "123456789012", DisplayName = "A", HomeRegions = "us-east-1", CreatedAt = t0 });
        db.IamPrincipals.Add(Principal("b", t0.AddHours(2)));
        db.IamPrincipals.Add(Principal("a", t0.AddHours(1)));
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);

        var ordered = await db.IamPrincipals.OrderBy(p => p.CreatedAt).Select(p => p.Name).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal(["a", "b"], ordered);

        db.IamPrincipals.Add(Principal("A", t0));
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(TestContext.Current.CancellationToken));
        SqliteConnection.ClearAllPools();
    }

    [Theory]
    [InlineData(typeof(SendingIdentityEntity))]
    [InlineData(typeof(IdentityPolicyEntity))]
    [InlineData(typeof(IamPrincipalEntity))]
    [InlineData(typeof(IamPolicyEntity))]
    public void SqlServer_compares_case_sensitive_names_ordinally_as_sqlite_does(Type entity)
    {
        var options = new DbContextOptionsBuilder<SqlServerConsoleDbContext>().UseSqlServer("Server=(local);Database=Unused;Trusted_Connection=True").Options;
        using var sqlServer = new SqlServerConsoleDbContext(options);
        using var sqlite = Sqlite(Path.Combine(_directory, "collation.db"));

        Assert.Equal("Latin1_General_100_BIN2", sqlServer.GetService<IDesignTimeModel>().Model.FindEntityType(entity)!.FindProperty("Name")!.GetCollation());
        Assert.Null(sqlite.GetService<IDesignTimeModel>().Model.FindEntityType(entity)!.FindProperty("Name")!.GetCollation()); // BINARY, SQLite's default
    }

    [Fact]
    public void SqlServer_migration_rebuilds_the_unique_index_around_the_collation_change()
    {
        var options = new DbContextOptionsBuilder<SqlServerConsoleDbContext>().UseSqlServer("Server=(local);Database=Unused;Trusted_Connection=True").Options;
        using var db = new SqlServerConsoleDbContext(options);
        var migrations = db.Database.GetMigrations().ToList();
        var last = migrations.Single(m => m.EndsWith("_CaseSensitiveNames", StringComparison.Ordinal));
        var previous = migrations[migrations.IndexOf(last) - 1];

        var script = db.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>().GenerateScript(previous, last);

        var drop = script.IndexOf("DROP INDEX [IX_SendingIdentities_AccountId_Region_Name]", StringComparison.Ordinal);
        var alter = script.IndexOf("ALTER COLUMN [Name] nvarchar(320) COLLATE Latin1_General_100_BIN2 NOT NULL", StringComparison.Ordinal);
        var create = script.IndexOf("CREATE UNIQUE INDEX [IX_SendingIdentities_AccountId_Region_Name]", StringComparison.Ordinal);
        Assert.True(drop >= 0 && drop < alter && alter < create, script);
    }

    private static IamPrincipalEntity Principal(string name, DateTimeOffset at) => new()
    {
        Id = Guid.NewGuid(), AccountId = "123456789012", Type = IamPrincipalType.User, Name = name, NormalizedName = name.ToUpperInvariant(), CreatedAt = at,
    };

    private static List<string> MigrationNames(ConsoleDbContext db)
    {
        using (db)
        {
            return db.Database.GetMigrations().Select(m => m[(m.IndexOf('_', StringComparison.Ordinal) + 1)..]).ToList();
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static SqliteConsoleDbContext Sqlite(string file) =>
        new(new DbContextOptionsBuilder<SqliteConsoleDbContext>().UseSqlite($"Data Source={file}").Options);
}
