using McpPlatform.Api.Auth;
using McpPlatform.Api.Errors;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace McpPlatform.Api.Features.Audit;

/// <summary>The audit log of server, ACL, role and credential changes, newest first (admins only).</summary>
[ApiController]
[Route("api/admin/audit")]
[Authorize(Policy = McpPolicies.Admin)]
public sealed class AuditController(AuditLogPages pages) : ControllerBase
{
    [HttpGet]
    [ProducesResponseType<AuditPageResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest)]
    public async Task<IActionResult> Read([FromQuery] string? resource, [FromQuery] string? actor, [FromQuery] string? cursor, [FromQuery] int? limit, CancellationToken ct) =>
        (await pages.ReadAsync(resource, actor, cursor, limit, ct)).ToActionResult(this, page => new AuditPageResponse(
            [.. page.Entries.Select(e => new AuditEntryResponse(e.Id, e.At, e.ActorId, e.Action, e.ResourceType, e.ResourceId, e.Details))], page.NextCursor));
}
