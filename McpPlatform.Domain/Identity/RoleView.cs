namespace McpPlatform.Domain.Identity;

/// <summary>A system role with its <c>MCP_SERVERS</c> permissions, as the role routes show it.</summary>
public sealed record RoleView(string Name, McpServerPermissions McpServers);
