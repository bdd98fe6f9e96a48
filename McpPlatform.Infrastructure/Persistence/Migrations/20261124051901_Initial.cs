using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace McpPlatform.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:pg_trgm", ",,");

            migrationBuilder.CreateTable(
                name: "access_roles",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    description = table.Column<string>(type: "text", nullable: false),
                    resource_type = table.Column<string>(type: "text", nullable: false),
                    perm_bits = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_access_roles", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "audit_log",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    actor_id = table.Column<string>(type: "text", nullable: false),
                    action = table.Column<string>(type: "text", nullable: false),
                    resource_type = table.Column<string>(type: "text", nullable: false),
                    resource_id = table.Column<string>(type: "text", nullable: false),
                    details = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_log", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "credential_variables",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "text", nullable: false),
                    server_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    value = table.Column<byte[]>(type: "bytea", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_credential_variables", x => new { x.user_id, x.server_name, x.name });
                });

            migrationBuilder.CreateTable(
                name: "groups",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    first_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_groups", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "mcp_servers",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    server_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false, collation: "C"),
                    config = table.Column<string>(type: "jsonb", nullable: false),
                    secrets = table.Column<byte[]>(type: "bytea", nullable: true),
                    search_text = table.Column<string>(type: "text", nullable: true, computedColumnSql: "lower(server_name || ' ' || coalesce(config->>'title', '') || ' ' || coalesce(config->>'description', ''))", stored: true),
                    viewer_keys = table.Column<string[]>(type: "text[]", nullable: false),
                    author_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_mcp_servers", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "oauth_client_registrations",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    server_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    issuer = table.Column<string>(type: "text", nullable: false),
                    client_id = table.Column<string>(type: "text", nullable: false),
                    client_secret = table.Column<byte[]>(type: "bytea", nullable: true),
                    metadata = table.Column<string>(type: "jsonb", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_oauth_client_registrations", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "oauth_tokens",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "text", nullable: false),
                    server_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    access_token = table.Column<byte[]>(type: "bytea", nullable: false),
                    refresh_token = table.Column<byte[]>(type: "bytea", nullable: true),
                    token_type = table.Column<string>(type: "text", nullable: true),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    issuer = table.Column<string>(type: "text", nullable: true),
                    scope = table.Column<string>(type: "text", nullable: true),
                    metadata = table.Column<string>(type: "jsonb", nullable: true),
                    version = table.Column<long>(type: "bigint", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_oauth_tokens", x => new { x.user_id, x.server_name });
                });

            migrationBuilder.CreateTable(
                name: "roles",
                columns: table => new
                {
                    name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    mcp_use = table.Column<bool>(type: "boolean", nullable: false),
                    mcp_create = table.Column<bool>(type: "boolean", nullable: false),
                    mcp_share = table.Column<bool>(type: "boolean", nullable: false),
                    mcp_share_public = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_roles", x => x.name);
                });

            migrationBuilder.CreateTable(
                name: "users",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    email = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true),
                    role = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    first_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_users", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "acl_entries",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    principal_type = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    principal_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    resource_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    resource_id = table.Column<Guid>(type: "uuid", nullable: false),
                    resource_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false, collation: "C"),
                    perm_bits = table.Column<int>(type: "integer", nullable: false),
                    access_role_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    granted_by = table.Column<string>(type: "text", nullable: true),
                    granted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_acl_entries", x => x.id);
                    table.ForeignKey(
                        name: "fk_acl_entries_access_roles_access_role_id",
                        column: x => x.access_role_id,
                        principalTable: "access_roles",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_acl_entries_servers_resource_id",
                        column: x => x.resource_id,
                        principalTable: "mcp_servers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "group_members",
                columns: table => new
                {
                    group_id = table.Column<string>(type: "character varying(256)", nullable: false),
                    user_id = table.Column<string>(type: "character varying(256)", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_group_members", x => new { x.group_id, x.user_id });
                    table.ForeignKey(
                        name: "fk_group_members_groups_group_id",
                        column: x => x.group_id,
                        principalTable: "groups",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_group_members_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.InsertData(
                table: "access_roles",
                columns: new[] { "id", "description", "name", "perm_bits", "resource_type" },
                values: new object[,]
                {
                    { "mcpServer_editor", "Can view, use and edit the MCP server", "com_ui_mcp_server_role_editor", 3, "mcpServer" },
                    { "mcpServer_owner", "Full control, including deleting and sharing", "com_ui_mcp_server_role_owner", 15, "mcpServer" },
                    { "mcpServer_viewer", "Can view and use the MCP server", "com_ui_mcp_server_role_viewer", 1, "mcpServer" }
                });

            migrationBuilder.InsertData(
                table: "roles",
                columns: new[] { "name", "mcp_create", "mcp_share", "mcp_share_public", "mcp_use" },
                values: new object[,]
                {
                    { "ADMIN", true, true, true, true },
                    { "USER", true, true, false, true }
                });

            migrationBuilder.CreateIndex(
                name: "ix_acl_entries_access_role_id",
                table: "acl_entries",
                column: "access_role_id");

            migrationBuilder.CreateIndex(
                name: "ix_acl_entries_principal_stream",
                table: "acl_entries",
                columns: new[] { "principal_type", "principal_id", "resource_type", "resource_name" })
                .Annotation("Npgsql:IndexInclude", new[] { "resource_id", "perm_bits" });

            migrationBuilder.CreateIndex(
                name: "ix_acl_entries_resource_id_principal_type_principal_id",
                table: "acl_entries",
                columns: new[] { "resource_id", "principal_type", "principal_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_audit_log_actor_id_id",
                table: "audit_log",
                columns: new[] { "actor_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_log_resource_id_id",
                table: "audit_log",
                columns: new[] { "resource_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_credential_variables_server_name",
                table: "credential_variables",
                column: "server_name");

            migrationBuilder.CreateIndex(
                name: "ix_group_members_user_id",
                table: "group_members",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_mcp_servers_author_id",
                table: "mcp_servers",
                column: "author_id");

            migrationBuilder.CreateIndex(
                name: "ix_mcp_servers_search_text",
                table: "mcp_servers",
                column: "search_text")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_mcp_servers_server_name",
                table: "mcp_servers",
                column: "server_name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_mcp_servers_viewer_keys",
                table: "mcp_servers",
                column: "viewer_keys")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_oauth_client_registrations_server_name_issuer",
                table: "oauth_client_registrations",
                columns: new[] { "server_name", "issuer" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_oauth_tokens_expires_at",
                table: "oauth_tokens",
                column: "expires_at");

            migrationBuilder.CreateIndex(
                name: "ix_oauth_tokens_server_name",
                table: "oauth_tokens",
                column: "server_name");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "acl_entries");

            migrationBuilder.DropTable(
                name: "audit_log");

            migrationBuilder.DropTable(
                name: "credential_variables");

            migrationBuilder.DropTable(
                name: "group_members");

            migrationBuilder.DropTable(
                name: "oauth_client_registrations");

            migrationBuilder.DropTable(
                name: "oauth_tokens");

            migrationBuilder.DropTable(
                name: "roles");

            migrationBuilder.DropTable(
                name: "access_roles");

            migrationBuilder.DropTable(
                name: "mcp_servers");

            migrationBuilder.DropTable(
                name: "groups");

            migrationBuilder.DropTable(
                name: "users");
        }
    }
}
