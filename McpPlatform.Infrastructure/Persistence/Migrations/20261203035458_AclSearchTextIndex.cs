using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace McpPlatform.Infrastructure.Persistence.Migrations
{
    /// <summary>The list's index again, now carrying the search text (see <see cref="AclSearchText"/>), built after
    /// the rewrite of the entries has committed and been vacuumed, so that it holds their current versions only.</summary>
    public partial class AclSearchTextIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Outside a transaction, as VACUUM must be: drops the entries' old versions and marks the pages all-visible,
            // so that search's index-only scans need no heap visits from the first request (not after autovacuum).
            migrationBuilder.Sql("VACUUM (ANALYZE) acl_entries", suppressTransaction: true);

            migrationBuilder.CreateIndex(
                name: "ix_acl_entries_principal_stream",
                table: "acl_entries",
                columns: new[] { "principal_type", "principal_id", "resource_type", "resource_name" })
                .Annotation("Npgsql:IndexInclude", new[] { "resource_id", "perm_bits", "search_text" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_acl_entries_principal_stream",
                table: "acl_entries");

            migrationBuilder.CreateIndex(
                name: "ix_acl_entries_principal_stream",
                table: "acl_entries",
                columns: new[] { "principal_type", "principal_id", "resource_type", "resource_name" })
                .Annotation("Npgsql:IndexInclude", new[] { "resource_id", "perm_bits" });
        }
    }
}
