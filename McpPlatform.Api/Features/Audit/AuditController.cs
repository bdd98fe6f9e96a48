using McpPlatform.Api.Auth;
using McpPlatform.Api.Errors;
using McpPlatform.Domain.Audit;
using McpPlatform.Domain.Common;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace McpPlatform.Api.Features.Audit;

/// <summary>The audit log of server, ACL, role and credential changes, newest first (admins only).</summary>
[ApiController]
[Route("api/admin/audit")]
[Authorize(Policy = McpPolicies.Admin)]
public sealed class AuditController(IAuditLog audit) : ControllerBase
{
    [HttpGet]
    [ProducesResponseType<AuditPageResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest)]
    public async Task<IActionResult> Read([FromQuery] string? resource, [FromQuery] string? actor, [FromQuery] string? cursor, [FromQuery] int? limit, CancellationToken ct)
    {
        var size = limit ?? 50;
        long? before = null;
        if (size is < 1 or > 200 || (cursor is not null && !TryParseCursor(cursor, out before)))
        {
            return Problems.Result(Error.Validation("Invalid query", [new FieldError(size is < 1 or > 200 ? "limit" : "cursor", "limit must be 1–200 and cursor one this API returned", "invalid")]), HttpContext);
        }

        var entries = await audit.ReadAsync(resource, actor, before, size + 1, ct);
        var page = entries.Take(size).Select(e => new AuditEntryResponse(e.Id, e.At, e.ActorId, e.Action, e.ResourceType, e.ResourceId, e.Details)).ToList();
        return Ok(new AuditPageResponse(page, entries.Count > size ? page[^1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture) : null));
    }

    private static bool TryParseCursor(string cursor, out long? before)
    {
        before = long.TryParse(cursor, System.Globalization.NumberStyles.None, null, out var id) ? id : null;
        return before is not null;
    }
}
