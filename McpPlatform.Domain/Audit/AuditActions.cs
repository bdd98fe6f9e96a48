namespace McpPlatform.Domain.Audit;

/// <summary>The <see cref="AuditEvent.Action"/> of each audited change.</summary>
public static class AuditActions
{
    public const string ServerCreated = "server.created";
    public const string ServerUpdated = "server.updated";
    public const string ServerDeleted = "server.deleted";
    public const string AclChanged = "acl.changed";
    public const string RolePermissionsChanged = "role.permissions_changed";
    public const string CredentialsSet = "credentials.set";
    public const string CredentialsRemoved = "credentials.removed";

    /// <summary>Credentials deleted because no server they belong to exists any more (or an app-level server's
    /// configuration moved them elsewhere).</summary>
    public const string CredentialsPurged = "credentials.purged";
}
