namespace McpPlatform.Api.Features.Sharing;

/// <summary>A principal in a share update: <c>type</c> <c>user</c>, <c>group</c> or <c>role</c>, its <c>id</c>, and
/// the access role to grant (ignored when removing).</summary>
public sealed record PrincipalRef(string Type, string? Id, string? AccessRoleId);
