using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace McpPlatform.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class PublicSearchIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_mcp_servers_search_text",
                table: "mcp_servers");

            migrationBuilder.CreateIndex(
                name: "ix_mcp_servers_public_name",
                table: "mcp_servers",
                column: "server_name",
                filter: "viewer_keys @> '{public:*}'::text[]")
                .Annotation("Npgsql:IndexInclude", new[] { "id", "search_text" });

            migrationBuilder.CreateIndex(
                name: "ix_mcp_servers_public_search_text",
                table: "mcp_servers",
                column: "search_text",
                filter: "viewer_keys @> '{public:*}'::text[]")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_mcp_servers_public_name",
                table: "mcp_servers");

            migrationBuilder.DropIndex(
                name: "ix_mcp_servers_public_search_text",
                table: "mcp_servers");

            migrationBuilder.CreateIndex(
                name: "ix_mcp_servers_search_text",
                table: "mcp_servers",
                column: "search_text")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });
        }
    }
}
