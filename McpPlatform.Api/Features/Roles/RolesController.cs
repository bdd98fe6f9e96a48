using System.Text.Json;
using McpPlatform.Api.Auth;
using McpPlatform.Api.Errors;
using McpPlatform.Api.Hosting.RateLimiting;
using McpPlatform.Domain.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace McpPlatform.Api.Features.Roles;

/// <summary>System roles and their <c>MCP_SERVERS</c> permissions. Role names match case-insensitively.</summary>
[ApiController]
[Route("api/roles")]
[Authorize]
public sealed class RolesController(RoleService roles) : ControllerBase
{
    /// <summary>A role and its permissions: a user may read their own role, an admin any.</summary>
    [HttpGet("{roleName}")]
    [ProducesResponseType<RoleResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Get(string roleName, CancellationToken ct) =>
        (await roles.GetAsync(HttpContext.GetCaller(), roleName, ct)).ToActionResult(this, RoleResponse.From);

    /// <summary>Sets some of <c>USE</c>, <c>CREATE</c>, <c>SHARE</c>, <c>SHARE_PUBLIC</c> for a role (admins only).</summary>
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
