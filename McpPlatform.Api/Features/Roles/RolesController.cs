using System.Text.Json;
using McpPlatform.Api.Auth;
using McpPlatform.Api.Errors;
using McpPlatform.Api.Hosting.RateLimiting;
using McpPlatform.Domain.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace McpPlatform.Api.Features.Roles;

/// <summary>System roles (<c>USER</c>, <c>ADMIN</c>) and their MCP server permissions, as LibreChat's <c>/api/roles</c>
/// routes; role names match in any case.</summary>
[ApiController]
[Route("api/roles")]
[Authorize]
public sealed class RolesController(RoleService roles) : ControllerBase
{
    /// <summary>Shows a role's MCP server permissions.</summary>
    /// <remarks>Your own role, or any role if you are an admin: <c>USE</c>, <c>CREATE</c>, <c>SHARE</c> and <c>SHARE_PUBLIC</c>.</remarks>
    [HttpGet("{roleName}")]
    [ProducesResponseType<RoleResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Get(string roleName, CancellationToken ct) =>
        (await roles.GetAsync(HttpContext.GetCaller(), roleName, ct)).ToActionResult(this, RoleResponse.From);

    /// <summary>Changes a role's MCP server permissions (admins).</summary>
    /// <remarks>
    /// The body sets some of <c>USE</c>, <c>CREATE</c>, <c>SHARE</c> and <c>SHARE_PUBLIC</c> (any case) to true or false,
    /// e.g. <c>{"SHARE_PUBLIC": true}</c>, as LibreChat's admin panel sends it; any other member or value is a 400.
    /// </remarks>
    [HttpPut("{roleName}/mcp-servers")]
    [Authorize(Policy = McpPolicies.Admin)]
    [EnableRateLimiting(RateLimits.Write)]
    [ProducesResponseType<RoleResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> UpdateMcpServers(string roleName, [FromBody] JsonElement body, CancellationToken ct) =>
        (await McpServersPermissionsPatchReader.Read(body).BindAsync(patch => roles.UpdateMcpServersAsync(HttpContext.GetCaller(), roleName, patch, ct)))
            .ToActionResult(this, RoleResponse.From);
}
