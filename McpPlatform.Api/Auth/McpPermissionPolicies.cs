using McpPlatform.Api.Errors;
using McpPlatform.Domain.Common;
using McpPlatform.Domain.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace McpPlatform.Api.Auth;

/// <summary>The role-permission policies of PRODUCT §2's table (LibreChat's <c>MCP_SERVERS</c> guards).</summary>
public static class McpPolicies
{
    public const string Use = "mcp:use";
    public const string UseAndCreate = "mcp:use+create";
    public const string Share = "mcp:share";
    public const string Admin = "admin";

    public static void Register(AuthorizationOptions options)
    {
        options.AddPolicy(Use, p => p.RequireAuthenticatedUser().AddRequirements(new McpPermissionRequirement(McpPermission.Use)));
        options.AddPolicy(UseAndCreate, p => p.RequireAuthenticatedUser().AddRequirements(new McpPermissionRequirement(McpPermission.Use, McpPermission.Create)));
        options.AddPolicy(Share, p => p.RequireAuthenticatedUser().AddRequirements(new McpPermissionRequirement(McpPermission.Share)));
        options.AddPolicy(Admin, p => p.RequireAuthenticatedUser().RequireAssertion(c => (c.Resource as HttpContext)?.FindCaller()?.IsAdmin == true));
    }
}

public sealed class McpPermissionRequirement(params McpPermission[] permissions) : IAuthorizationRequirement
{
    public IReadOnlyList<McpPermission> Permissions { get; } = permissions;
}

// Behind the authorization middleware the resource is the request.
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

/// <summary>Answers refused authorization with ProblemDetails carrying LibreChat's bodies: 401 for no or a bad
/// token, 403 <c>Forbidden: Insufficient permissions</c> for a missing role permission, 403 <c>Forbidden</c> for admin routes.</summary>
public sealed class ProblemAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Challenged)
        {
            return Problems.WriteAsync(context, StatusCodes.Status401Unauthorized, Unauthenticated);
        }

        if (authorizeResult.Forbidden)
        {
            var roleDenied = authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<McpPermissionRequirement>().Any() == true;
            return Problems.WriteAsync(context, StatusCodes.Status403Forbidden, roleDenied ? RoleService.InsufficientPermissions : new Error(ErrorKind.Forbidden, Message: "Forbidden"));
        }

        return _default.HandleAsync(next, context, policy, authorizeResult);
    }

    public static Error Unauthenticated { get; } = new(ErrorKind.Forbidden, "Unauthorized", "Authentication required");
}
