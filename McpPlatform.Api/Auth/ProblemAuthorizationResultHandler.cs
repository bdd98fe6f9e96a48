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
            return Problems.WriteAsync(context, Unauthenticated);
        }

        if (authorizeResult.Forbidden)
        {
            var roleDenied = authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<McpPermissionRequirement>().Any() == true;
            return Problems.WriteAsync(context, roleDenied ? RoleService.InsufficientPermissions : AdminOnly);
        }

        return _default.HandleAsync(next, context, policy, authorizeResult);
    }

    /// <summary>No token, or one that cannot be used (LibreChat answered plain text).</summary>
    public static Error Unauthenticated { get; } = new(ErrorKind.Unauthorized, "Unauthorized", "Authentication required");

    /// <summary>An admin route asked for by someone else.</summary>
    public static Error AdminOnly { get; } = new(ErrorKind.Forbidden, Message: "Forbidden");
}
