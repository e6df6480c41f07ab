using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SesConsole.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CompactAttemptsAndRetention : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SendEvents_OwnerAccountId_At",
                table: "SendEvents");

            // The old statement-by-statement trace is not kept (docs/storage-and-retention.md#attempts): dropped, not renamed.
            migrationBuilder.DropColumn(
                name: "Trace",
                table: "SendAttempts");

            migrationBuilder.AddColumn<string>(
                name: "Mail",
                table: "SendAttempts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Decision",
                table: "SendAttempts",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Explanation",
                table: "SendAttempts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "SendActivityBuckets",
                columns: table => new
                {
                    AccountId = table.Column<string>(type: "TEXT", unicode: false, maxLength: 12, nullable: false),
                    OwnerAccountId = table.Column<string>(type: "TEXT", unicode: false, maxLength: 12, nullable: false),
                    Start = table.Column<long>(type: "INTEGER", nullable: false),
                    Accepted = table.Column<long>(type: "INTEGER", nullable: false),
                    Rejected = table.Column<long>(type: "INTEGER", nullable: false),
                    Recipients = table.Column<long>(type: "INTEGER", nullable: false),
                    Bounces = table.Column<long>(type: "INTEGER", nullable: false),
                    Complaints = table.Column<long>(type: "INTEGER", nullable: false),
                    Rejects = table.Column<long>(type: "INTEGER", nullable: false),
                    ReputationDeliveries = table.Column<long>(type: "INTEGER", nullable: false),
                    ReputationBounces = table.Column<long>(type: "INTEGER", nullable: false),
                    ReputationComplaints = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SendActivityBuckets", x => new { x.AccountId, x.OwnerAccountId, x.Start });
                });

            migrationBuilder.CreateIndex(
                name: "IX_SendActivityBuckets_OwnerAccountId_Start",
                table: "SendActivityBuckets",
                columns: new[] { "OwnerAccountId", "Start" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SendActivityBuckets");

            migrationBuilder.DropColumn(
                name: "Decision",
                table: "SendAttempts");

            migrationBuilder.DropColumn(
                name: "Explanation",
                table: "SendAttempts");

            migrationBuilder.DropColumn(
                name: "Mail",
                table: "SendAttempts");

            migrationBuilder.AddColumn<string>(
                name: "Trace",
                table: "SendAttempts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_SendEvents_OwnerAccountId_At",
                table: "SendEvents",
                columns: new[] { "OwnerAccountId", "At" });
        }
    }
}
