using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SesConsole.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class AddRoleTrustPolicy : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "MaxSessionDurationSeconds",
                table: "IamPrincipals",
                type: "int",
                nullable: false,
                defaultValue: 3600);

            migrationBuilder.AddColumn<string>(
                name: "TrustPolicy",
                table: "IamPrincipals",
                type: "nvarchar(max)",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "MaxSessionDurationSeconds",
                table: "IamPrincipals");

            migrationBuilder.DropColumn(
                name: "TrustPolicy",
                table: "IamPrincipals");
        }
    }
}
