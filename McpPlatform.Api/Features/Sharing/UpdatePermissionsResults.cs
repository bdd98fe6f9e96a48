namespace McpPlatform.Api.Features.Sharing;

/// <summary>The shares of a server after an update.</summary>
public sealed record UpdatePermissionsResults(IReadOnlyList<PrincipalResponse> Principals, bool Public, string? PublicAccessRoleId);
