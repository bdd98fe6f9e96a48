using McpPlatform.Domain.Sharing;

namespace McpPlatform.Api.Features.Sharing;

/// <summary>Body of <c>PUT /api/permissions/mcpServer/{dbId}</c>.</summary>
public sealed record UpdatePermissionsRequest(IReadOnlyList<PrincipalRef>? Updated, IReadOnlyList<PrincipalRef>? Removed, bool? Public, string? PublicAccessRoleId)
{
    public ShareUpdate ToDomain() => new(
        [.. (Updated ?? []).Select(p => new ShareRequest(p.Type, p.Id ?? string.Empty, p.AccessRoleId))],
        [.. (Removed ?? []).Select(p => new ShareRequest(p.Type, p.Id ?? string.Empty, p.AccessRoleId))],
        Public,
        PublicAccessRoleId);
}
