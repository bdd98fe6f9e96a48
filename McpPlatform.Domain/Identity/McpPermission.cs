namespace McpPlatform.Domain.Identity;

/// <summary>One of a system role's <c>MCP_SERVERS</c> permissions.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "LibreChat's name for these role permissions (PermissionTypes.MCP_SERVERS), which the API's wire shapes follow.")]
public enum McpPermission
{
    Use,
    Create,
    Share,
    SharePublic,
}
