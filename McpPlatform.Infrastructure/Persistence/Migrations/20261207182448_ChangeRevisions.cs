using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace McpPlatform.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// The registry's and the roles' revisions, moved in the transaction of every change they cover, so that what each
    /// instance keeps in memory is never served after a change was answered (docs/decisions/0041).
    /// </summary>
    public partial class ChangeRevisions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "revisions",
                columns: table => new
                {
                    scope = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    value = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_revisions", x => x.scope);
                });

            migrationBuilder.InsertData(
                table: "revisions",
                columns: new[] { "scope", "value" },
                values: new object[,]
                {
                    { "registry", 1L },
                    { "roles", 1L }
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "revisions");
        }
    }
}
