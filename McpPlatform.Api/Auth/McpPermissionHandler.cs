using McpPlatform.Domain.Identity;
using Microsoft.AspNetCore.Authorization;

namespace McpPlatform.Api.Auth;

/// <summary>Grants a <see cref="McpPermissionRequirement"/> when the caller's role holds every permission it names.
/// Behind the authorization middleware the resource is the request.</summary>
public sealed class McpPermissionHandler(RoleService roles) : AuthorizationHandler<McpPermissionRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, McpPermissionRequirement requirement)
    {
        if (context.Resource is HttpContext http && http.FindCaller() is { } caller
            && await roles.HasAsync(caller, requirement.Permissions, http.RequestAborted))
        {
            context.Succeed(requirement);
        }
    }
}
