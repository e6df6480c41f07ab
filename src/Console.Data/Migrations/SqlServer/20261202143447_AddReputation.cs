using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SesConsole.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class AddReputation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "EnforcementStatus",
                table: "Accounts",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ReputationSince",
                table: "Accounts",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "EnforcementChanges",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    AccountId = table.Column<string>(type: "varchar(12)", unicode: false, maxLength: 12, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    From = table.Column<int>(type: "int", nullable: false),
                    To = table.Column<int>(type: "int", nullable: false),
                    Cause = table.Column<string>(type: "varchar(16)", unicode: false, maxLength: 16, nullable: false),
                    Reason = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true),
                    ChangedBy = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: true),
                    Volume = table.Column<long>(type: "bigint", nullable: false),
                    Bounces = table.Column<long>(type: "bigint", nullable: false),
                    Complaints = table.Column<long>(type: "bigint", nullable: false),
                    BounceRate = table.Column<double>(type: "float", nullable: false),
                    ComplaintRate = table.Column<double>(type: "float", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EnforcementChanges", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EnforcementChanges_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "InboundFeedback",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    EnvelopeFrom = table.Column<string>(type: "nvarchar(320)", maxLength: 320, nullable: false),
                    EnvelopeTo = table.Column<string>(type: "nvarchar(320)", maxLength: 320, nullable: false),
                    RemoteIp = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: true),
                    MessageId = table.Column<string>(type: "varchar(128)", unicode: false, maxLength: 128, nullable: false),
                    AccountId = table.Column<string>(type: "varchar(12)", unicode: false, maxLength: 12, nullable: false),
                    SourceArn = table.Column<string>(type: "varchar(400)", unicode: false, maxLength: 400, nullable: true),
                    Kind = table.Column<int>(type: "int", nullable: false),
                    Recorded = table.Column<bool>(type: "bit", nullable: false),
                    Summary = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: false),
                    Mime = table.Column<byte[]>(type: "varbinary(max)", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InboundFeedback", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "InstallationSecrets",
                columns: table => new
                {
                    Name = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: false),
                    ProtectedValue = table.Column<string>(type: "varchar(4000)", unicode: false, maxLength: 4000, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InstallationSecrets", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "ReputationBuckets",
                columns: table => new
                {
                    AccountId = table.Column<string>(type: "varchar(12)", unicode: false, maxLength: 12, nullable: false),
                    OwnerAccountId = table.Column<string>(type: "varchar(12)", unicode: false, maxLength: 12, nullable: false),
                    SourceArn = table.Column<string>(type: "varchar(400)", unicode: false, maxLength: 400, nullable: false),
                    Hour = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    Test = table.Column<bool>(type: "bit", nullable: false),
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
                    table.PrimaryKey("PK_ReputationBuckets", x => new { x.AccountId, x.Hour, x.Test, x.OwnerAccountId, x.SourceArn });
                });

            migrationBuilder.CreateIndex(
                name: "IX_EnforcementChanges_AccountId_At",
                table: "EnforcementChanges",
                columns: new[] { "AccountId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_InboundFeedback_AccountId_ReceivedAt",
                table: "InboundFeedback",
                columns: new[] { "AccountId", "ReceivedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_InboundFeedback_MessageId",
                table: "InboundFeedback",
                column: "MessageId");

            migrationBuilder.CreateIndex(
                name: "IX_InboundFeedback_ReceivedAt",
                table: "InboundFeedback",
                column: "ReceivedAt");

            migrationBuilder.CreateIndex(
                name: "IX_ReputationBuckets_Hour",
                table: "ReputationBuckets",
                column: "Hour");

            migrationBuilder.CreateIndex(
                name: "IX_ReputationBuckets_OwnerAccountId_Hour",
                table: "ReputationBuckets",
                columns: new[] { "OwnerAccountId", "Hour" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "EnforcementChanges");

            migrationBuilder.DropTable(
                name: "InboundFeedback");

            migrationBuilder.DropTable(
                name: "InstallationSecrets");

            migrationBuilder.DropTable(
                name: "ReputationBuckets");

            migrationBuilder.DropColumn(
                name: "EnforcementStatus",
                table: "Accounts");

            migrationBuilder.DropColumn(
                name: "ReputationSince",
                table: "Accounts");
        }
    }
}
