using McpPlatform.Domain.Identity;
using Microsoft.AspNetCore.Authorization;

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
