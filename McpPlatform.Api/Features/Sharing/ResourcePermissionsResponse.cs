namespace McpPlatform.Api.Features.Sharing;

/// <summary>Who a server is shared with, and whether (and as what) it is public.</summary>
public sealed record ResourcePermissionsResponse(string ResourceType, string ResourceId, IReadOnlyList<PrincipalResponse> Principals, bool Public, string? PublicAccessRoleId);
