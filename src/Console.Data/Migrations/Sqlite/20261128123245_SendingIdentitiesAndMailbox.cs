using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SesConsole.Data.Migrations.Sqlite
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AccountId = table.Column<string>(type: "TEXT", unicode: false, maxLength: 12, nullable: true),
                    MessageId = table.Column<string>(type: "TEXT", maxLength: 998, nullable: false),
                    EnvelopeFrom = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    Recipients = table.Column<string>(type: "TEXT", nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 998, nullable: false),
                    Mime = table.Column<byte[]>(type: "BLOB", nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false)
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AccountId = table.Column<string>(type: "TEXT", unicode: false, maxLength: 12, nullable: false),
                    Region = table.Column<string>(type: "TEXT", unicode: false, maxLength: 32, nullable: false),
                    Type = table.Column<int>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    VerificationStatus = table.Column<int>(type: "INTEGER", nullable: false),
                    VerificationStatusSince = table.Column<long>(type: "INTEGER", nullable: false),
                    VerifiedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastCheckedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    VerificationToken = table.Column<string>(type: "TEXT", unicode: false, maxLength: 64, nullable: true),
                    EmailLinkNonceHash = table.Column<string>(type: "TEXT", unicode: false, maxLength: 64, nullable: true),
                    DkimOrigin = table.Column<int>(type: "INTEGER", nullable: true),
                    DkimStatus = table.Column<int>(type: "INTEGER", nullable: false),
                    DkimStatusSince = table.Column<long>(type: "INTEGER", nullable: true),
                    DkimSigningEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    DkimKeyLength = table.Column<int>(type: "INTEGER", nullable: false),
                    MailFromDomain = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    MailFromStatus = table.Column<int>(type: "INTEGER", nullable: false),
                    MailFromStatusSince = table.Column<long>(type: "INTEGER", nullable: true),
                    MailFromBehavior = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    IdentityId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Selector = table.Column<string>(type: "TEXT", unicode: false, maxLength: 63, nullable: false),
                    ProtectedPrivateKey = table.Column<string>(type: "TEXT", nullable: false),
                    PublicKey = table.Column<string>(type: "TEXT", unicode: false, nullable: false),
                    KeyLength = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    IdentityId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", unicode: false, maxLength: 64, nullable: false),
                    Document = table.Column<string>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
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
