using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SesConsole.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SendingOutboxEventsQuotas : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Max24HourSend",
                table: "Accounts",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<double>(
                name: "MaxSendRate",
                table: "Accounts",
                type: "REAL",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.CreateTable(
                name: "OutboxMessages",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    MessageId = table.Column<string>(type: "TEXT", unicode: false, maxLength: 128, nullable: false),
                    AccountId = table.Column<string>(type: "TEXT", unicode: false, maxLength: 12, nullable: false),
                    SourceArn = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    EnvelopeFrom = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    Recipients = table.Column<string>(type: "TEXT", nullable: false),
                    Mime = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    NextAttemptAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DeliveredAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OutboxMessages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OutboxMessages_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SendAttempts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AccountId = table.Column<string>(type: "TEXT", unicode: false, maxLength: 12, nullable: false),
                    CallerArn = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    IdentityArn = table.Column<string>(type: "TEXT", maxLength: 400, nullable: true),
                    OwnerAccountId = table.Column<string>(type: "TEXT", unicode: false, maxLength: 12, nullable: true),
                    Api = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Accepted = table.Column<bool>(type: "INTEGER", nullable: false),
                    Step = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ErrorCode = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    ErrorMessage = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    MessageId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    FromAddress = table.Column<string>(type: "TEXT", maxLength: 320, nullable: true),
                    RecipientCount = table.Column<int>(type: "INTEGER", nullable: false),
                    Trace = table.Column<string>(type: "TEXT", nullable: true),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SendAttempts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SendEvents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    MessageId = table.Column<string>(type: "TEXT", unicode: false, maxLength: 128, nullable: false),
                    AccountId = table.Column<string>(type: "TEXT", unicode: false, maxLength: 12, nullable: false),
                    OwnerAccountId = table.Column<string>(type: "TEXT", unicode: false, maxLength: 12, nullable: true),
                    SourceArn = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    Type = table.Column<string>(type: "TEXT", unicode: false, maxLength: 32, nullable: false),
                    Recipient = table.Column<string>(type: "TEXT", maxLength: 320, nullable: true),
                    Json = table.Column<string>(type: "TEXT", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SendEvents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SuppressedDestinations",
                columns: table => new
                {
                    AccountId = table.Column<string>(type: "TEXT", unicode: false, maxLength: 12, nullable: false),
                    Address = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", unicode: false, maxLength: 16, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SuppressedDestinations", x => new { x.AccountId, x.Address });
                    table.ForeignKey(
                        name: "FK_SuppressedDestinations_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "UsageLedger",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AccountId = table.Column<string>(type: "TEXT", unicode: false, maxLength: 12, nullable: false),
                    MessageId = table.Column<string>(type: "TEXT", unicode: false, maxLength: 128, nullable: false),
                    Recipients = table.Column<int>(type: "INTEGER", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UsageLedger", x => x.Id);
                    table.ForeignKey(
                        name: "FK_UsageLedger_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_OutboxMessages_AccountId",
                table: "OutboxMessages",
                column: "AccountId");

            migrationBuilder.CreateIndex(
                name: "IX_OutboxMessages_MessageId",
                table: "OutboxMessages",
                column: "MessageId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_OutboxMessages_Status_NextAttemptAt",
                table: "OutboxMessages",
                columns: new[] { "Status", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SendAttempts_AccountId_At",
                table: "SendAttempts",
                columns: new[] { "AccountId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_SendAttempts_OwnerAccountId_At",
                table: "SendAttempts",
                columns: new[] { "OwnerAccountId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_SendEvents_AccountId_Type_At",
                table: "SendEvents",
                columns: new[] { "AccountId", "Type", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_SendEvents_MessageId_At",
                table: "SendEvents",
                columns: new[] { "MessageId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_SendEvents_OwnerAccountId_At",
                table: "SendEvents",
                columns: new[] { "OwnerAccountId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_UsageLedger_AccountId_At",
                table: "UsageLedger",
                columns: new[] { "AccountId", "At" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "OutboxMessages");

            migrationBuilder.DropTable(
                name: "SendAttempts");

            migrationBuilder.DropTable(
                name: "SendEvents");

            migrationBuilder.DropTable(
                name: "SuppressedDestinations");

            migrationBuilder.DropTable(
                name: "UsageLedger");

            migrationBuilder.DropColumn(
                name: "Max24HourSend",
                table: "Accounts");

            migrationBuilder.DropColumn(
                name: "MaxSendRate",
                table: "Accounts");
        }
    }
}
