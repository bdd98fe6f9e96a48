using McpPlatform.Domain.Audit;
using McpPlatform.Domain.Identity;

namespace McpPlatform.Domain.Access;

/// <summary>The ACL entries of servers, persisted.</summary>
public interface IAclRepository
{
    Task<IReadOnlyList<AclGrant>> ListForServerAsync(Guid serverId, CancellationToken ct);

    /// <summary>Applies the change set and records <paramref name="audit"/> atomically; refuses (and changes and
    /// records nothing) when no owner entry would remain.</summary>
    Task<AclApplyOutcome> ApplyAsync(Guid serverId, AclChangeSet changes, string grantedBy, AuditEvent audit, CancellationToken ct);

    /// <summary>The OR of the caller's matching bits for every server they can VIEW, by server id.</summary>
    Task<IReadOnlyDictionary<Guid, PermissionBits>> EffectiveForAllAsync(IReadOnlyList<PrincipalKey> principals, CancellationToken ct);
}
