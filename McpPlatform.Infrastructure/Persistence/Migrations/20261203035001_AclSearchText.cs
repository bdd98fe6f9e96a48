using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace McpPlatform.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// Each ACL entry carries its server's search text, so that search reads the servers shared with the caller from
    /// the caller's index ranges (one per principal, as the list does) instead of fetching each such server's row
    /// through the viewer-keys index. This adds the column and the triggers that keep the copy: an entry takes its
    /// server's text when inserted, and a server whose text changes rewrites its entries'. It holds its table lock for
    /// milliseconds only; <see cref="AclSearchTextIndex"/> fills the existing entries and indexes the text without
    /// blocking the previous release's instances, which keep serving meanwhile. The viewer-keys index, which search no
    /// longer reads, stays for this release: the previous release's search reads it during a rolling update.
    /// </summary>
    public partial class AclSearchText : Migration
    {
        private const string CopyTriggers = """
            CREATE FUNCTION acl_entries_take_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                NEW.search_text := (SELECT s.search_text FROM mcp_servers s WHERE s.id = NEW.resource_id);
                RETURN NEW;
            END $$;
            CREATE TRIGGER acl_entries_take_search_text BEFORE INSERT OR UPDATE OF resource_id ON acl_entries
                FOR EACH ROW EXECUTE FUNCTION acl_entries_take_search_text();

            CREATE FUNCTION mcp_servers_spread_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE acl_entries SET search_text = NEW.search_text WHERE resource_id = NEW.id;
                RETURN NULL;
            END $$;
            CREATE TRIGGER mcp_servers_spread_search_text AFTER UPDATE ON mcp_servers
                FOR EACH ROW WHEN (OLD.search_text IS DISTINCT FROM NEW.search_text)
                EXECUTE FUNCTION mcp_servers_spread_search_text();
            """;

        private const string DropCopyTriggers = """
            DROP TRIGGER mcp_servers_spread_search_text ON mcp_servers;
            DROP FUNCTION mcp_servers_spread_search_text();
            DROP TRIGGER acl_entries_take_search_text ON acl_entries;
            DROP FUNCTION acl_entries_take_search_text();
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "search_text",
                table: "acl_entries",
                type: "text",
                nullable: true);

            migrationBuilder.Sql(CopyTriggers);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(DropCopyTriggers);

            migrationBuilder.DropColumn(
                name: "search_text",
                table: "acl_entries");
        }
    }
}
