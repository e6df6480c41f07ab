using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Data.PostgreSql;
using SesConsole.Data.Sqlite;
using SesConsole.Data.SqlServer;

namespace SesConsole.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>
    /// Registers the context factory of the configured provider, exposed as <see cref="IDbContextFactory{ConsoleDbContext}"/>
    /// for feature services (one context per operation), plus a scoped <see cref="ConsoleDbContext"/> for the Identity stores.
    /// Contexts are pooled (the send path opens several per message) and carry every <see cref="IInterceptor"/> registered
    /// in the container (the web layer's cache invalidation); SQLite connections get a busy timeout (<see cref="SqliteBusyTimeout"/>).
    /// </summary>
    /// <param name="dataDirectory">Absolute directory for the SQLite file when no connection string is given.</param>
    public static IServiceCollection AddConsoleData(this IServiceCollection services, DatabaseOptions options, string dataDirectory)
    {
        switch (options.Provider)
        {
            case DatabaseProvider.Sqlite:
                var sqlite = string.IsNullOrWhiteSpace(options.ConnectionString)
                    ? $"Data Source={Path.Combine(dataDirectory, "sesconsole.db")}"
                    : options.ConnectionString;
                services.AddPooledDbContextFactory<SqliteConsoleDbContext>((sp, o) =>
                    o.UseSqlite(sqlite).AddInterceptors([.. sp.GetServices<IInterceptor>(), new SqliteBusyTimeout(SqliteBusyTimeout.Default)]));
                services.AddSingleton<IDbContextFactory<ConsoleDbContext>, Adapter<SqliteConsoleDbContext>>();
                break;
            case DatabaseProvider.SqlServer:
                if (string.IsNullOrWhiteSpace(options.ConnectionString))
                {
                    throw new InvalidOperationException("Database:Provider is SqlServer but Database:ConnectionString is empty.");
                }

                services.AddPooledDbContextFactory<SqlServerConsoleDbContext>((sp, o) => o.UseSqlServer(options.ConnectionString).AddInterceptors(sp.GetServices<IInterceptor>()));
                services.AddSingleton<IDbContextFactory<ConsoleDbContext>, Adapter<SqlServerConsoleDbContext>>();
                break;
            case DatabaseProvider.PostgreSql:
                if (string.IsNullOrWhiteSpace(options.ConnectionString))
                {
                    throw new InvalidOperationException("Database:Provider is PostgreSql but Database:ConnectionString is empty.");
                }

                services.AddPooledDbContextFactory<PostgreSqlConsoleDbContext>((sp, o) => o.UseNpgsql(options.ConnectionString).AddInterceptors(sp.GetServices<IInterceptor>()));
                services.AddSingleton<IDbContextFactory<ConsoleDbContext>, Adapter<PostgreSqlConsoleDbContext>>();
                break;
            default:
                throw new InvalidOperationException($"Unknown database provider '{options.Provider}'.");
        }

        services.AddScoped<ConsoleDbContext>(sp => sp.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContext());
        return services;
    }

    private sealed class Adapter<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<ConsoleDbContext>
        where TContext : ConsoleDbContext
    {
        public ConsoleDbContext CreateDbContext() => inner.CreateDbContext();
    }
}
