namespace McpPlatform.Domain.Sharing;

/// <summary>A change to a server's sharing as the SPA sends it: principals granted or changed, removed, and public.</summary>
public sealed record ShareUpdate(IReadOnlyList<ShareRequest> Updated, IReadOnlyList<ShareRequest> Removed, bool? Public, string? PublicAccessRoleId);
