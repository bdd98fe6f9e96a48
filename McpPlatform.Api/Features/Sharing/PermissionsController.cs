using McpPlatform.Api.Auth;
using McpPlatform.Api.Errors;
using McpPlatform.Api.Hosting.RateLimiting;
using McpPlatform.Api.Validation;
using McpPlatform.Domain.Access;
using McpPlatform.Domain.Common;
using McpPlatform.Domain.Sharing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace McpPlatform.Api.Features.Sharing;

/// <summary>Sharing MCP servers with users, groups, roles or everyone (LibreChat's <c>/api/permissions</c> routes for
/// <c>mcpServer</c>); a server is addressed by its <c>dbId</c>.</summary>
[ApiController]
[Route("api/permissions")]
[Authorize]
public sealed class PermissionsController(SharingService sharing, PrincipalSearchService search) : ControllerBase
{
    /// <summary>Lists the access roles a server can be shared with.</summary>
    /// <remarks>Viewer (use it), editor (also change it) and owner (also delete and share it), with their permission bits.</remarks>
    [HttpGet("mcpServer/roles")]
    [ProducesResponseType<AccessRoleResponse[]>(StatusCodes.Status200OK)]
    public IActionResult Roles() =>
        Ok(AccessRoles.All.Select(r => new AccessRoleResponse(r.Id, r.Name, r.Description, (int)r.Bits, AccessRole.ResourceType)));

    /// <summary>Shows your permissions on every server you can use.</summary>
    /// <remarks><c>dbId</c> → permission bits: 1 view, 2 edit, 4 delete, 8 share.</remarks>
    [HttpGet("mcpServer/effective/all")]
    [ProducesResponseType<Dictionary<string, int>>(StatusCodes.Status200OK)]
    public async Task<IActionResult> EffectiveAll(CancellationToken ct)
    {
        var all = await sharing.EffectiveForAllAsync(HttpContext.GetCaller(), ct);
        return Ok(all.ToDictionary(kv => kv.Key.ToString(), kv => (int)kv.Value));
    }

    /// <summary>Shows your permissions on one server.</summary>
    /// <remarks>Permission bits as above; 0 for a server you cannot use, or an id that names none.</remarks>
    [HttpGet("mcpServer/{dbId}/effective")]
    [ProducesResponseType<EffectivePermissionsResponse>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Effective(string dbId, CancellationToken ct)
    {
        if (!Guid.TryParse(dbId, out var id))
        {
            return Ok(new EffectivePermissionsResponse(0));
        }

        return Ok(new EffectivePermissionsResponse((int)await sharing.EffectiveAsync(HttpContext.GetCaller(), id, ct)));
    }

    /// <summary>Shows who a server is shared with.</summary>
    /// <remarks>Needs the SHARE permission of your role and the share permission on the server.</remarks>
    [HttpGet("mcpServer/{dbId}")]
    [ProducesResponseType<ResourcePermissionsResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Get(string dbId, CancellationToken ct) =>
        (await ParseDbId(dbId).BindAsync(id => sharing.GetAsync(HttpContext.GetCaller(), id, ct))).ToActionResult(this, p =>
            new ResourcePermissionsResponse(AccessRole.ResourceType, dbId, [.. p.Principals.Select(PrincipalResponse.From)], p.IsPublic, p.PublicAccessRoleId));

    /// <summary>Shares a server, or changes or removes its shares.</summary>
    /// <remarks>
    /// LibreChat's body: <c>updated</c> (principals to grant an access role), <c>removed</c>, <c>public</c> and
    /// <c>publicAccessRoleId</c>. Sharing with everyone — <c>public: true</c>, the public principal, or a role (every user
    /// has one) — also needs the SHARE_PUBLIC permission of your role. The last owner cannot be removed.
    /// </remarks>
    [HttpPut("mcpServer/{dbId}")]
    [EnableRateLimiting(RateLimits.Write)]
    [ProducesResponseType<UpdatePermissionsResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden)]
    [InvalidBodyMessage("Failed to update permissions")]
    public async Task<IActionResult> Update(string dbId, [FromBody] UpdatePermissionsRequest request, CancellationToken ct) =>
        (await ParseDbId(dbId).BindAsync(id => sharing.UpdateAsync(HttpContext.GetCaller(), id, request.ToDomain(), ct))).ToActionResult(this, p =>
            new UpdatePermissionsResponse(
                "Permissions updated successfully",
                new UpdatePermissionsResults([.. p.Principals.Select(PrincipalResponse.From)], p.IsPublic, p.PublicAccessRoleId)));

    /// <summary>Finds users, groups and roles to share with.</summary>
    /// <remarks>
    /// LibreChat's people picker: principals whose id, name or email contains <c>q</c> (at least 2 characters, any case).
    /// <c>types</c> is a comma-separated subset of <c>user</c>, <c>group</c> and <c>role</c>; <c>limit</c> 1–50 (20).
    /// Needs the SHARE permission of your role.
    /// </remarks>
    [HttpGet("search-principals")]
    [ProducesResponseType<PrincipalSearchResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest)]
    public async Task<IActionResult> SearchPrincipals([FromQuery] string? q, [FromQuery] string? limit, [FromQuery] string? types, CancellationToken ct)
    {
        var result = await search.SearchAsync(HttpContext.GetCaller(), q, limit, types, ct);
        return result.ToActionResult(this, r => new PrincipalSearchResponse(
            r.Query, r.Limit, r.Types, [.. r.Results.Select(PrincipalResponse.From)], r.Results.Count, new PrincipalSearchSources(r.Results.Count, 0)));
    }

    private static Result<Guid> ParseDbId(string dbId) =>
        Guid.TryParse(dbId, out var id)
            ? id
            : new Error(ErrorKind.Validation, "Invalid resource ID", $"Invalid resource ID: {LogValue.Sanitize(dbId)}");
}
