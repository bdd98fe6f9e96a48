namespace McpPlatform.Domain.Access;

/// <summary>LibreChat's access roles for <c>mcpServer</c>: viewer, editor, owner.</summary>
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
