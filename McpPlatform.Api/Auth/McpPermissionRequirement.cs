using McpPlatform.Domain.Identity;
using Microsoft.AspNetCore.Authorization;

namespace McpPlatform.Api.Auth;

/// <summary>The role permissions a route needs (all of them).</summary>
public sealed class McpPermissionRequirement(params McpPermission[] permissions) : IAuthorizationRequirement
{
    public IReadOnlyList<McpPermission> Permissions { get; } = permissions;
}
