using Microsoft.EntityFrameworkCore;

namespace SesConsole.Data.SqlServer;

/// <summary>The production provider. It keeps SQL Server's native <c>datetimeoffset</c> and needs no extra conventions yet.</summary>
public sealed class SqlServerConsoleDbContext(DbContextOptions<SqlServerConsoleDbContext> options) : ConsoleDbContext(options);
