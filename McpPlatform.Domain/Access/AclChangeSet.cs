using McpPlatform.Domain.Identity;

namespace McpPlatform.Domain.Access;

/// <summary>A requested change to a server's grants, already validated.</summary>
public sealed record AclChangeSet(IReadOnlyList<(PrincipalKey Principal, AccessRole Role)> Upserts, IReadOnlyList<PrincipalKey> Removals);
