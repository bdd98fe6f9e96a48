namespace McpPlatform.Domain.Access;

/// <summary>Per-server ACL permission bits (LibreChat's values).</summary>
[Flags]
public enum PermissionBits
{
    None = 0,
    View = 1,
    Edit = 2,
    Delete = 4,
    Share = 8,
    All = View | Edit | Delete | Share,
}

/// <summary>A named bundle of bits that a share grants (LibreChat's access roles for <c>mcpServer</c>).</summary>
public sealed record AccessRole(string Id, string Name, string Description, PermissionBits Bits)
{
    public const string ResourceType = "mcpServer";
}

public static class AccessRoles
{
    public const string ViewerId = "mcpServer_viewer";
    public const string EditorId = "mcpServer_editor";
    public const string OwnerId = "mcpServer_owner";

    public static AccessRole Viewer { get; } = new(ViewerId, "com_ui_mcp_server_role_viewer", "Can view and use the MCP server", PermissionBits.View);

    public static AccessRole Editor { get; } = new(EditorId, "com_ui_mcp_server_role_editor", "Can view, use and edit the MCP server", PermissionBits.View | PermissionBits.Edit);

    public static AccessRole Owner { get; } = new(OwnerId, "com_ui_mcp_server_role_owner", "Full control, including deleting and sharing", PermissionBits.All);

    public static IReadOnlyList<AccessRole> All { get; } = [Viewer, Editor, Owner];

    public static AccessRole? Find(string? id) => All.FirstOrDefault(r => r.Id == id);
}

/// <summary>The one place that decides what a caller may do to one server.</summary>
public static class AccessPolicy
{
    /// <summary>★ Admins pass every single-server check, reads included; everyone else needs every required bit
    /// in the OR of the entries that match them.</summary>
    public static bool Allows(bool isAdmin, PermissionBits effective, PermissionBits required) =>
        isAdmin || (effective & required) == required;
}
