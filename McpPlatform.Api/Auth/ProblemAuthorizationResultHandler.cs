using McpPlatform.Api.Errors;
using McpPlatform.Domain.Common;
using McpPlatform.Domain.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace McpPlatform.Api.Auth;

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
