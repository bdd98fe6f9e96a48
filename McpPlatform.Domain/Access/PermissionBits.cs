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
