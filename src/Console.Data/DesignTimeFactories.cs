using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using SesConsole.Data.PostgreSql;
using SesConsole.Data.Sqlite;
using SesConsole.Data.SqlServer;

namespace SesConsole.Data;

/// <summary>Lets <c>dotnet ef</c> build the SQLite context without starting the web host.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteConsoleDbContext>
{
    public SqliteConsoleDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteConsoleDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

/// <summary>Lets <c>dotnet ef</c> build the SQL Server context; the connection string is never opened.</summary>
internal sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerConsoleDbContext>
{
    public SqlServerConsoleDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlServerConsoleDbContext>()
            .UseSqlServer("Server=(local);Database=SesConsole;Trusted_Connection=True;TrustServerCertificate=True").Options);
}

/// <summary>Lets <c>dotnet ef</c> build the PostgreSQL context; the connection string is never opened.</summary>
internal sealed class PostgreSqlDesignTimeFactory : IDesignTimeDbContextFactory<PostgreSqlConsoleDbContext>
{
    public PostgreSqlConsoleDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgreSqlConsoleDbContext>().UseNpgsql("Host=localhost;Database=sesconsole").Options);
}
