using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SesConsole.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class SendingIdentitiesAndMailbox : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "MailboxMessages",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    AccountId = table.Column<string>(type: "varchar(12)", unicode: false, maxLength: 12, nullable: true),
                    MessageId = table.Column<string>(type: "nvarchar(998)", maxLength: 998, nullable: false),
                    EnvelopeFrom = table.Column<string>(type: "nvarchar(320)", maxLength: 320, nullable: false),
                    Recipients = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    Subject = table.Column<string>(type: "nvarchar(998)", maxLength: 998, nullable: false),
                    Mime = table.Column<byte[]>(type: "varbinary(max)", nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MailboxMessages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_MailboxMessages_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SendingIdentities",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    AccountId = table.Column<string>(type: "varchar(12)", unicode: false, maxLength: 12, nullable: false),
                    Region = table.Column<string>(type: "varchar(32)", unicode: false, maxLength: 32, nullable: false),
                    Type = table.Column<int>(type: "int", nullable: false),
                    Name = table.Column<string>(type: "nvarchar(320)", maxLength: 320, nullable: false),
                    VerificationStatus = table.Column<int>(type: "int", nullable: false),
                    VerificationStatusSince = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    VerifiedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    LastCheckedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    VerificationToken = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: true),
                    EmailLinkNonceHash = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: true),
                    DkimOrigin = table.Column<int>(type: "int", nullable: true),
                    DkimStatus = table.Column<int>(type: "int", nullable: false),
                    DkimStatusSince = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    DkimSigningEnabled = table.Column<bool>(type: "bit", nullable: false),
                    DkimKeyLength = table.Column<int>(type: "int", nullable: false),
                    MailFromDomain = table.Column<string>(type: "nvarchar(255)", maxLength: 255, nullable: true),
                    MailFromStatus = table.Column<int>(type: "int", nullable: false),
                    MailFromStatusSince = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    MailFromBehavior = table.Column<int>(type: "int", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    Version = table.Column<Guid>(type: "uniqueidentifier", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SendingIdentities", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SendingIdentities_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DkimKeys",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    IdentityId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Selector = table.Column<string>(type: "varchar(63)", unicode: false, maxLength: 63, nullable: false),
                    ProtectedPrivateKey = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    PublicKey = table.Column<string>(type: "varchar(max)", unicode: false, nullable: false),
                    KeyLength = table.Column<int>(type: "int", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DkimKeys", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DkimKeys_SendingIdentities_IdentityId",
                        column: x => x.IdentityId,
                        principalTable: "SendingIdentities",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "IdentityPolicies",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    IdentityId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Name = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: false),
                    Document = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    UpdatedBy = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IdentityPolicies", x => x.Id);
                    table.ForeignKey(
                        name: "FK_IdentityPolicies_SendingIdentities_IdentityId",
                        column: x => x.IdentityId,
                        principalTable: "SendingIdentities",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DkimKeys_IdentityId_Selector",
                table: "DkimKeys",
                columns: new[] { "IdentityId", "Selector" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_IdentityPolicies_IdentityId_Name",
                table: "IdentityPolicies",
                columns: new[] { "IdentityId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_MailboxMessages_AccountId_ReceivedAt",
                table: "MailboxMessages",
                columns: new[] { "AccountId", "ReceivedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SendingIdentities_AccountId_Region_Name",
                table: "SendingIdentities",
                columns: new[] { "AccountId", "Region", "Name" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DkimKeys");

            migrationBuilder.DropTable(
                name: "IdentityPolicies");

            migrationBuilder.DropTable(
                name: "MailboxMessages");

            migrationBuilder.DropTable(
                name: "SendingIdentities");
        }
    }
}
