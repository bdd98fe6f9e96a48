namespace McpPlatform.Api.Features.Sharing;

/// <summary>An access role a server can be shared with (viewer, editor, owner) and its permission bits.</summary>
public sealed record AccessRoleResponse(string AccessRoleId, string Name, string Description, int PermBits, string ResourceType);
