using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SesConsole.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class AttemptFeedbackFields : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ConfigurationSetName",
                table: "SendAttempts",
                type: "character varying(64)",
                unicode: false,
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "FeedbackAddress",
                table: "SendAttempts",
                type: "character varying(320)",
                maxLength: 320,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MailFromDomain",
                table: "SendAttempts",
                type: "character varying(253)",
                unicode: false,
                maxLength: 253,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ConfigurationSetName",
                table: "SendAttempts");

            migrationBuilder.DropColumn(
                name: "FeedbackAddress",
                table: "SendAttempts");

            migrationBuilder.DropColumn(
                name: "MailFromDomain",
                table: "SendAttempts");
        }
    }
}
