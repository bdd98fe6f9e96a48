using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace McpPlatform.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// Btree indexes carry a server's search text only when it is at most 1,500 bytes (<c>ServerRow.IndexedSearchTextMaxBytes</c>,
    /// docs/decisions/0043): a 1,000-character CJK description made an index entry too large to store, so such a server
    /// could not be created, shared or made public. The ACL entries' copy becomes null for a longer text (the triggers
    /// now copy only what fits; search reads the server's row then), and the public name index holds only the public
    /// servers whose text fits, beside a small index of those whose text does not. No table is rewritten: the copies
    /// of the few entries past the bound are cleared, and the two indexes over public servers are built concurrently,
    /// the new name index under a temporary name before it replaces the old one. Every step can run again after an
    /// interruption.
    /// </summary>
    public partial class SearchTextFitsIndexes : Migration
    {
        private const string BoundedCopyTriggers = """
            CREATE OR REPLACE FUNCTION acl_entries_take_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                NEW.search_text := (SELECT s.search_text FROM mcp_servers s
                                    WHERE s.id = NEW.resource_id AND octet_length(s.search_text) <= 1500);
                RETURN NEW;
            END $$;

            CREATE OR REPLACE FUNCTION mcp_servers_spread_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE acl_entries SET search_text = CASE WHEN octet_length(NEW.search_text) <= 1500 THEN NEW.search_text END
                WHERE resource_id = NEW.id;
                RETURN NULL;
            END $$;
            """;

        private const string FullCopyTriggers = """
            CREATE OR REPLACE FUNCTION acl_entries_take_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                NEW.search_text := (SELECT s.search_text FROM mcp_servers s WHERE s.id = NEW.resource_id);
                RETURN NEW;
            END $$;

            CREATE OR REPLACE FUNCTION mcp_servers_spread_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE acl_entries SET search_text = NEW.search_text WHERE resource_id = NEW.id;
                RETURN NULL;
            END $$;
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(BoundedCopyTriggers);
            migrationBuilder.Sql("UPDATE acl_entries SET search_text = NULL WHERE octet_length(search_text) > 1500", suppressTransaction: true);
            migrationBuilder.Sql("DROP INDEX CONCURRENTLY IF EXISTS ix_mcp_servers_public_name_next", suppressTransaction: true);
            migrationBuilder.Sql("""
                CREATE INDEX CONCURRENTLY ix_mcp_servers_public_name_next ON mcp_servers (server_name) INCLUDE (id, search_text)
                    WHERE viewer_keys @> '{public:*}'::text[] AND octet_length(search_text) <= 1500
                """, suppressTransaction: true);
            migrationBuilder.Sql("DROP INDEX CONCURRENTLY IF EXISTS ix_mcp_servers_public_name", suppressTransaction: true);
            migrationBuilder.Sql("ALTER INDEX ix_mcp_servers_public_name_next RENAME TO ix_mcp_servers_public_name", suppressTransaction: true);
            migrationBuilder.Sql("DROP INDEX CONCURRENTLY IF EXISTS ix_mcp_servers_public_long_name", suppressTransaction: true);
            migrationBuilder.Sql("""
                CREATE INDEX CONCURRENTLY ix_mcp_servers_public_long_name ON mcp_servers (server_name)
                    WHERE viewer_keys @> '{public:*}'::text[] AND octet_length(search_text) > 1500
                """, suppressTransaction: true);
        }

        /// <summary>Copies every text again and indexes every public server's: this fails, as creating such a server
        /// did, while a server's text is too long for an index entry (shorten it first).</summary>
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(FullCopyTriggers);
            migrationBuilder.Sql("""
                UPDATE acl_entries a SET search_text = s.search_text FROM mcp_servers s
                WHERE s.id = a.resource_id AND a.search_text IS NULL
                """, suppressTransaction: true);
            migrationBuilder.Sql("DROP INDEX CONCURRENTLY IF EXISTS ix_mcp_servers_public_name_next", suppressTransaction: true);
            migrationBuilder.Sql("""
                CREATE INDEX CONCURRENTLY ix_mcp_servers_public_name_next ON mcp_servers (server_name) INCLUDE (id, search_text)
                    WHERE viewer_keys @> '{public:*}'::text[]
                """, suppressTransaction: true);
            migrationBuilder.Sql("DROP INDEX CONCURRENTLY IF EXISTS ix_mcp_servers_public_name", suppressTransaction: true);
            migrationBuilder.Sql("ALTER INDEX ix_mcp_servers_public_name_next RENAME TO ix_mcp_servers_public_name", suppressTransaction: true);
            migrationBuilder.Sql("DROP INDEX CONCURRENTLY IF EXISTS ix_mcp_servers_public_long_name", suppressTransaction: true);
        }
    }
}
