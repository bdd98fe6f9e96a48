namespace McpPlatform.Domain.Identity;

/// <summary>A system role's <c>MCP_SERVERS</c> permissions (LibreChat's role permission type).</summary>
public sealed record McpServerPermissions(bool Use, bool Create, bool Share, bool SharePublic)
{
    /// <summary>USER may share by default, unlike LibreChat; ADMIN has everything.</summary>
    public static McpServerPermissions DefaultFor(string role) =>
        SystemRoles.Normalize(role) == SystemRoles.Admin
            ? new McpServerPermissions(true, true, true, true)
            : new McpServerPermissions(true, true, true, false);

    public bool Allows(McpPermission required) => required switch
    {
        McpPermission.Use => Use,
        McpPermission.Create => Create,
        McpPermission.Share => Share,
        McpPermission.SharePublic => SharePublic,
        _ => false,
    };
}
