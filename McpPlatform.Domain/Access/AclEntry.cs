using McpPlatform.Domain.Identity;

namespace McpPlatform.Domain.Access;

/// <summary>One grant on one server: a principal holds an access role's bits.</summary>
public sealed record AclGrant(PrincipalKey Principal, string AccessRoleId, PermissionBits Bits, string? GrantedBy, DateTimeOffset GrantedAt);

/// <summary>A requested change to a server's grants, already validated.</summary>
public sealed record AclChangeSet(IReadOnlyList<(PrincipalKey Principal, AccessRole Role)> Upserts, IReadOnlyList<PrincipalKey> Removals);

public enum AclApplyOutcome
{
    Applied,
    ResourceMissing,
    WouldRemoveLastOwner,
}

public interface IAclRepository
{
    Task<IReadOnlyList<AclGrant>> ListForServerAsync(Guid serverId, CancellationToken ct);

    /// <summary>Applies the change set atomically; refuses (and changes nothing) when no owner entry would remain.</summary>
    Task<AclApplyOutcome> ApplyAsync(Guid serverId, AclChangeSet changes, string grantedBy, CancellationToken ct);

    /// <summary>The OR of the caller's matching bits for every server they can VIEW, by server id.</summary>
    Task<IReadOnlyDictionary<Guid, PermissionBits>> EffectiveForAllAsync(IReadOnlyList<PrincipalKey> principals, CancellationToken ct);
}
