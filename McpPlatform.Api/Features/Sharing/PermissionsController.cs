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

/// <summary>Sharing servers (LibreChat's <c>/api/permissions</c> routes for <c>mcpServer</c>), addressed by <c>dbId</c>.</summary>
[ApiController]
[Route("api/permissions")]
[Authorize]
public sealed class PermissionsController(SharingService sharing, PrincipalSearchService search) : ControllerBase
{
    [HttpGet("mcpServer/roles")]
    [ProducesResponseType<AccessRoleResponse[]>(StatusCodes.Status200OK)]
    public IActionResult Roles() =>
        Ok(AccessRoles.All.Select(r => new AccessRoleResponse(r.Id, r.Name, r.Description, (int)r.Bits, AccessRole.ResourceType)));

    /// <summary>For every server the caller can VIEW: its <c>dbId</c> → the OR of the caller's bits.</summary>
    [HttpGet("mcpServer/effective/all")]
    [ProducesResponseType<Dictionary<string, int>>(StatusCodes.Status200OK)]
    public async Task<IActionResult> EffectiveAll(CancellationToken ct)
    {
        var all = await sharing.EffectiveForAllAsync(HttpContext.GetCaller(), ct);
        return Ok(all.ToDictionary(kv => kv.Key.ToString(), kv => (int)kv.Value));
    }

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

    /// <summary>Who the server is shared with. Needs role SHARE and ACL SHARE.</summary>
    [HttpGet("mcpServer/{dbId}")]
    [ProducesResponseType<ResourcePermissionsResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Get(string dbId, CancellationToken ct) =>
        (await ParseDbId(dbId).BindAsync(id => sharing.GetAsync(HttpContext.GetCaller(), id, ct))).ToActionResult(this, p =>
            new ResourcePermissionsResponse(AccessRole.ResourceType, dbId, [.. p.Principals.Select(PrincipalResponse.From)], p.IsPublic, p.PublicAccessRoleId));

    /// <summary>Grants, changes and removes shares; <c>public: true</c> also needs role SHARE_PUBLIC. The last owner cannot be removed.</summary>
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

    /// <summary>The people picker: users, groups and roles matching <c>q</c> (≥ 2 characters). Needs role SHARE.</summary>
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
