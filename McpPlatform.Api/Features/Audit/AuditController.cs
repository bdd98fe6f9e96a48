using McpPlatform.Api.Auth;
using McpPlatform.Api.Errors;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace McpPlatform.Api.Features.Audit;

/// <summary>The audit log (admins; not in LibreChat).</summary>
[ApiController]
[Route("api/admin/audit")]
[Authorize(Policy = McpPolicies.Admin)]
public sealed class AuditController(AuditLogPages pages) : ControllerBase
{
    /// <summary>Reads the audit log, newest first (admins).</summary>
    /// <remarks>
    /// Changes to servers, shares, role permissions and stored credentials: who, what, when and the details. Pass
    /// <c>nextCursor</c> back as <c>cursor</c> for the next page.
    /// </remarks>
    /// <param name="resource">Only entries about this resource (a server's <c>dbId</c>, or a role name).</param>
    /// <param name="actor">Only entries of this user id.</param>
    /// <param name="cursor">The <c>nextCursor</c> of the previous page.</param>
    /// <param name="limit">Page size, 1–200 (50).</param>
    [HttpGet]
    [ProducesResponseType<AuditPageResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest)]
    public async Task<IActionResult> Read([FromQuery] string? resource, [FromQuery] string? actor, [FromQuery] string? cursor, [FromQuery] int? limit, CancellationToken ct) =>
        (await pages.ReadAsync(resource, actor, cursor, limit, ct)).ToActionResult(this, page => new AuditPageResponse(
            [.. page.Entries.Select(e => new AuditEntryResponse(e.Id, e.At, e.ActorId, e.Action, e.ResourceType, e.ResourceId, e.Details))], page.NextCursor));
}
