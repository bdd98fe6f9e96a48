using System.Text.Json.Serialization;

namespace McpPlatform.Api.Features.Roles;

/// <summary>A role's permissions by permission type (only <c>MCP_SERVERS</c> here).</summary>
public sealed record RolePermissionsResponse([property: JsonPropertyName("MCP_SERVERS")] McpServersPermissionsResponse McpServers);
