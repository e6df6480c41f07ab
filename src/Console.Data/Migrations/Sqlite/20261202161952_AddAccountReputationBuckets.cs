using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SesConsole.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddAccountReputationBuckets : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AccountReputationBuckets",
                columns: table => new
                {
                    AccountId = table.Column<string>(type: "TEXT", unicode: false, maxLength: 12, nullable: false),
                    Hour = table.Column<long>(type: "INTEGER", nullable: false),
                    Test = table.Column<bool>(type: "INTEGER", nullable: false),
                    Day = table.Column<long>(type: "INTEGER", nullable: false),
                    Sent = table.Column<long>(type: "INTEGER", nullable: false),
                    Delivered = table.Column<long>(type: "INTEGER", nullable: false),
                    HardBounces = table.Column<long>(type: "INTEGER", nullable: false),
                    SoftBounces = table.Column<long>(type: "INTEGER", nullable: false),
                    Complaints = table.Column<long>(type: "INTEGER", nullable: false),
                    ComplaintEligible = table.Column<long>(type: "INTEGER", nullable: false),
                    Suppressed = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AccountReputationBuckets", x => new { x.AccountId, x.Hour, x.Test });
                });

            migrationBuilder.CreateIndex(
                name: "IX_AccountReputationBuckets_Day_AccountId",
                table: "AccountReputationBuckets",
                columns: new[] { "Day", "AccountId" });

            migrationBuilder.CreateIndex(
                name: "IX_AccountReputationBuckets_Hour",
                table: "AccountReputationBuckets",
                column: "Hour");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AccountReputationBuckets");
        }
    }
}
