using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SesConsole.Data.Migrations.SqlServer
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
                    AccountId = table.Column<string>(type: "varchar(12)", unicode: false, maxLength: 12, nullable: false),
                    Hour = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    Test = table.Column<bool>(type: "bit", nullable: false),
                    Day = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    Sent = table.Column<long>(type: "bigint", nullable: false),
                    Delivered = table.Column<long>(type: "bigint", nullable: false),
                    HardBounces = table.Column<long>(type: "bigint", nullable: false),
                    SoftBounces = table.Column<long>(type: "bigint", nullable: false),
                    Complaints = table.Column<long>(type: "bigint", nullable: false),
                    ComplaintEligible = table.Column<long>(type: "bigint", nullable: false),
                    Suppressed = table.Column<long>(type: "bigint", nullable: false)
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
