namespace McpPlatform.Domain.Identity;

/// <summary>One of a system role's <c>MCP_SERVERS</c> permissions.</summary>
public enum McpPermission
{
    Use,
    Create,
    Share,
    SharePublic,
}
