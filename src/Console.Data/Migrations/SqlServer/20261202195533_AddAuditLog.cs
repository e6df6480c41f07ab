using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SesConsole.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class AddAuditLog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AuditEntries",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    AccountId = table.Column<string>(type: "varchar(12)", unicode: false, maxLength: 12, nullable: false),
                    Region = table.Column<string>(type: "varchar(32)", unicode: false, maxLength: 32, nullable: true),
                    Kind = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: false),
                    Target = table.Column<string>(type: "nvarchar(400)", maxLength: 400, nullable: false),
                    ActorArn = table.Column<string>(type: "nvarchar(400)", maxLength: 400, nullable: false),
                    ActorAccountId = table.Column<string>(type: "varchar(12)", unicode: false, maxLength: 12, nullable: true),
                    Via = table.Column<string>(type: "varchar(16)", unicode: false, maxLength: 16, nullable: false),
                    Credential = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: true),
                    SourceIp = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: true),
                    Summary = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: false),
                    Before = table.Column<string>(type: "nvarchar(max)", nullable: true),
                    After = table.Column<string>(type: "nvarchar(max)", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditEntries", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_AccountId_ActorArn_At",
                table: "AuditEntries",
                columns: new[] { "AccountId", "ActorArn", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_AccountId_At",
                table: "AuditEntries",
                columns: new[] { "AccountId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_AccountId_Kind_At",
                table: "AuditEntries",
                columns: new[] { "AccountId", "Kind", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_AccountId_Target_At",
                table: "AuditEntries",
                columns: new[] { "AccountId", "Target", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_At",
                table: "AuditEntries",
                column: "At");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AuditEntries");
        }
    }
}
