using System.Text.Json;
using McpPlatform.Api.Auth;
using McpPlatform.Api.Errors;
using McpPlatform.Api.Hosting;
using McpPlatform.Domain.Common;
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
    private static readonly Error InvalidPermissions = new(ErrorKind.Validation, Message: "Invalid MCP servers permissions.");

    /// <summary>A role and its permissions: a user may read their own role, an admin any.</summary>
    [HttpGet("{roleName}")]
    [ProducesResponseType<RoleResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Get(string roleName, CancellationToken ct) =>
        (await roles.GetAsync(HttpContext.GetCaller(), roleName, ct)).ToActionResult(this, RoleResponse.From);

    /// <summary>Sets some of <c>USE</c>, <c>CREATE</c>, <c>SHARE</c>, <c>SHARE_PUBLIC</c> for a role (admins only).</summary>
    [HttpPut("{roleName}/mcp-servers")]
    [EnableRateLimiting(RateLimits.Write)]
    [ProducesResponseType<RoleResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> UpdateMcpServers(string roleName, [FromBody] JsonElement body, CancellationToken ct)
    {
        var caller = HttpContext.GetCaller();
        if (!caller.IsAdmin)
        {
            return Problems.Result(new Error(ErrorKind.Forbidden, Message: "Forbidden"), HttpContext);
        }

        if (!TryReadPatch(body, out var patch))
        {
            return Problems.Result(InvalidPermissions, HttpContext);
        }

        return (await roles.UpdateMcpServersAsync(caller, roleName, patch, ct)).ToActionResult(this, RoleResponse.From);
    }

    /// <summary>Only the four permission names (in any case) with boolean values; anything else makes the whole body invalid.</summary>
    private static bool TryReadPatch(JsonElement body, out McpServerPermissionsPatch patch)
    {
        patch = new McpServerPermissionsPatch(null, null, null, null);
        if (body.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        foreach (var property in body.EnumerateObject())
        {
            if (property.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return false;
            }

            var value = property.Value.GetBoolean();
            switch (property.Name.ToUpperInvariant())
            {
                case "USE": patch = patch with { Use = value }; break;
                case "CREATE": patch = patch with { Create = value }; break;
                case "SHARE": patch = patch with { Share = value }; break;
                case "SHARE_PUBLIC": patch = patch with { SharePublic = value }; break;
                default: return false;
            }
        }

        return true;
    }
}
