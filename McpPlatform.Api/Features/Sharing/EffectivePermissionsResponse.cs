namespace McpPlatform.Api.Features.Sharing;

/// <summary>Your permission bits on a server (1 view, 2 edit, 4 delete, 8 share; 0 for none).</summary>
public sealed record EffectivePermissionsResponse(int PermissionBits);
