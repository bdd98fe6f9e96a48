using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace McpPlatform.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// Fills the search text of the entries that existed before <see cref="AclSearchText"/> and builds the list's index
    /// again, carrying the text. Each step runs outside a migration transaction, so that none holds a lock for long:
    /// the fill takes only row locks (reads go on; a share change to an entry waits for it), VACUUM removes the old
    /// versions and marks the pages all-visible (search's index-only scans then need no heap visits), and the index is
    /// built concurrently, under a temporary name, before it replaces the old one. Every step can run again after an
    /// interruption.
    /// </summary>
    public partial class AclSearchTextIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                UPDATE acl_entries a SET search_text = s.search_text FROM mcp_servers s
                WHERE s.id = a.resource_id AND a.search_text IS DISTINCT FROM s.search_text
                """, suppressTransaction: true);
            migrationBuilder.Sql("VACUUM (ANALYZE) acl_entries", suppressTransaction: true);
            migrationBuilder.Sql("DROP INDEX CONCURRENTLY IF EXISTS ix_acl_entries_principal_stream_next", suppressTransaction: true);
            migrationBuilder.Sql("""
                CREATE INDEX CONCURRENTLY ix_acl_entries_principal_stream_next ON acl_entries
                    (principal_type, principal_id, resource_type, resource_name) INCLUDE (resource_id, perm_bits, search_text)
                """, suppressTransaction: true);
            migrationBuilder.Sql("DROP INDEX CONCURRENTLY IF EXISTS ix_acl_entries_principal_stream", suppressTransaction: true);
            migrationBuilder.Sql("ALTER INDEX ix_acl_entries_principal_stream_next RENAME TO ix_acl_entries_principal_stream", suppressTransaction: true);
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
