using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace McpPlatform.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// Credentials keyed by the server's id and bound to where they are sent (see docs/decisions/0001). The stored
    /// credentials were keyed by server name and bound to nothing: whether each still points where its owner saw it
    /// going cannot be told (an editor may have moved a server's URL since its users entered their variables), and
    /// their ciphertexts are bound to the name. They are invalidated once, each server's count audited; users
    /// authorize and enter their variables again.
    /// </summary>
    public partial class CredentialsBoundToServerId : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                INSERT INTO audit_log (at, actor_id, action, resource_type, resource_id, details)
                SELECT now(), 'system', 'credentials.invalidated', 'mcpServer', coalesce(s.id::text, c.server_name),
                       jsonb_build_object('serverName', c.server_name, 'reason', 'upgrade: credentials are now bound to where they are sent',
                                          'tokensDeleted', sum(c.tokens)::text, 'registrationsDeleted', sum(c.registrations)::text,
                                          'variablesDeleted', sum(c.variables)::text)
                FROM (SELECT server_name, 1 AS tokens, 0 AS registrations, 0 AS variables FROM oauth_tokens
                      UNION ALL SELECT server_name, 0, 1, 0 FROM oauth_client_registrations
                      UNION ALL SELECT server_name, 0, 0, 1 FROM credential_variables) c
                LEFT JOIN mcp_servers s ON s.server_name = c.server_name
                GROUP BY c.server_name, s.id;
                DELETE FROM oauth_tokens;
                DELETE FROM oauth_client_registrations;
                DELETE FROM credential_variables;
                """);

            migrationBuilder.DropPrimaryKey(
                name: "pk_oauth_tokens",
                table: "oauth_tokens");

            migrationBuilder.DropIndex(
                name: "ix_oauth_tokens_server_name",
                table: "oauth_tokens");

            migrationBuilder.DropIndex(
                name: "ix_oauth_client_registrations_server_name_issuer",
                table: "oauth_client_registrations");

            migrationBuilder.DropPrimaryKey(
                name: "pk_credential_variables",
                table: "credential_variables");

            migrationBuilder.DropIndex(
                name: "ix_credential_variables_server_name",
                table: "credential_variables");

            migrationBuilder.DropColumn(
                name: "server_name",
                table: "oauth_tokens");

            migrationBuilder.DropColumn(
                name: "server_name",
                table: "oauth_client_registrations");

            migrationBuilder.DropColumn(
                name: "server_name",
                table: "credential_variables");

            migrationBuilder.AddColumn<Guid>(
                name: "server_id",
                table: "oauth_tokens",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<string>(
                name: "binding",
                table: "oauth_tokens",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "binding",
                table: "oauth_client_registrations",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<Guid>(
                name: "server_id",
                table: "oauth_client_registrations",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<Guid>(
                name: "server_id",
                table: "credential_variables",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<string>(
                name: "binding",
                table: "credential_variables",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddPrimaryKey(
                name: "pk_oauth_tokens",
                table: "oauth_tokens",
                columns: new[] { "user_id", "server_id" });

            migrationBuilder.AddPrimaryKey(
                name: "pk_credential_variables",
                table: "credential_variables",
                columns: new[] { "user_id", "server_id", "name" });

            migrationBuilder.CreateIndex(
                name: "ix_oauth_tokens_server_id",
                table: "oauth_tokens",
                column: "server_id");

            migrationBuilder.CreateIndex(
                name: "ix_oauth_client_registrations_server_id_issuer",
                table: "oauth_client_registrations",
                columns: new[] { "server_id", "issuer" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_credential_variables_server_id",
                table: "credential_variables",
                column: "server_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_oauth_tokens",
                table: "oauth_tokens");

            migrationBuilder.DropIndex(
                name: "ix_oauth_tokens_server_id",
                table: "oauth_tokens");

            migrationBuilder.DropIndex(
                name: "ix_oauth_client_registrations_server_id_issuer",
                table: "oauth_client_registrations");

            migrationBuilder.DropPrimaryKey(
                name: "pk_credential_variables",
                table: "credential_variables");

            migrationBuilder.DropIndex(
                name: "ix_credential_variables_server_id",
                table: "credential_variables");

            migrationBuilder.DropColumn(
                name: "server_id",
                table: "oauth_tokens");

            migrationBuilder.DropColumn(
                name: "binding",
                table: "oauth_tokens");

            migrationBuilder.DropColumn(
                name: "binding",
                table: "oauth_client_registrations");

            migrationBuilder.DropColumn(
                name: "server_id",
                table: "oauth_client_registrations");

            migrationBuilder.DropColumn(
                name: "server_id",
                table: "credential_variables");

            migrationBuilder.DropColumn(
                name: "binding",
                table: "credential_variables");

            migrationBuilder.AddColumn<string>(
                name: "server_name",
                table: "oauth_tokens",
                type: "character varying(256)",
                maxLength: 256,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "server_name",
                table: "oauth_client_registrations",
                type: "character varying(256)",
                maxLength: 256,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "server_name",
                table: "credential_variables",
                type: "character varying(256)",
                maxLength: 256,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddPrimaryKey(
                name: "pk_oauth_tokens",
                table: "oauth_tokens",
                columns: new[] { "user_id", "server_name" });

            migrationBuilder.AddPrimaryKey(
                name: "pk_credential_variables",
                table: "credential_variables",
                columns: new[] { "user_id", "server_name", "name" });

            migrationBuilder.CreateIndex(
                name: "ix_oauth_tokens_server_name",
                table: "oauth_tokens",
                column: "server_name");

            migrationBuilder.CreateIndex(
                name: "ix_oauth_client_registrations_server_name_issuer",
                table: "oauth_client_registrations",
                columns: new[] { "server_name", "issuer" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_credential_variables_server_name",
                table: "credential_variables",
                column: "server_name");
        }
    }
}
