using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace McpPlatform.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// The registry's change log: each registry change's revision, the one before it and the scopes it touched, so that
    /// instances drop only what a change can affect (docs/decisions/0042).
    /// </summary>
    public partial class RegistryChangeLog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "registry_changes",
                columns: table => new
                {
                    revision = table.Column<long>(type: "bigint", nullable: false),
                    previous = table.Column<long>(type: "bigint", nullable: false),
                    scopes = table.Column<string[]>(type: "text[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_registry_changes", x => x.revision);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "registry_changes");
        }
    }
}
