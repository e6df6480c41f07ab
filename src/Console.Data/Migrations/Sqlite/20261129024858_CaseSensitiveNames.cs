using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SesConsole.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CaseSensitiveNames : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Nothing to do: SQLite already compares text with BINARY. SQL Server's migration of the same name gives the
            // case-sensitive names a binary collation; both providers keep one history.
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
        }
    }
}
