namespace McpPlatform.Domain.Access;

/// <summary>The one place that decides what a caller may do to one server.</summary>
public static class AccessPolicy
{
    /// <summary>Admins pass every single-server check, reads included; everyone else needs every required bit
    /// in the OR of the entries that match them.</summary>
    public static bool Allows(bool isAdmin, PermissionBits effective, PermissionBits required) =>
        isAdmin || (effective & required) == required;
}
