namespace McpPlatform.Domain.Audit;

/// <summary>One audited change: who did what to which resource, and when.</summary>
public sealed record AuditEvent(string ActorId, string Action, string ResourceType, string ResourceId, IReadOnlyDictionary<string, string?>? Details = null);

public sealed record AuditRecord(long Id, DateTimeOffset At, string ActorId, string Action, string ResourceType, string ResourceId, IReadOnlyDictionary<string, string?>? Details);

public interface IAuditLog
{
    Task WriteAsync(AuditEvent auditEvent, CancellationToken ct);

    /// <summary>Newest first; <paramref name="beforeId"/> is the keyset cursor.</summary>
    Task<IReadOnlyList<AuditRecord>> ReadAsync(string? resourceId, string? actorId, long? beforeId, int limit, CancellationToken ct);
}

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
