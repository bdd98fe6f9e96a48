using McpPlatform.Api.Auth;
using McpPlatform.Api.Errors;
using McpPlatform.Api.Hosting.RateLimiting;
using McpPlatform.Api.Validation;
using McpPlatform.Domain.Servers;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace McpPlatform.Api.Features.Servers;

/// <summary>The server registry: app-level servers (read-only) and user-managed servers under the ACL.</summary>
[ApiController]
[Route("api/mcp/servers")]
public sealed class McpServersController(ServerRegistryService registry) : ControllerBase
{
    /// <summary>Every server the caller can use, as a map name → config; ★ with <c>limit</c>, <c>cursor</c> or
    /// <c>search</c>, one page of them ordered by name.</summary>
    [HttpGet]
    [Authorize(Policy = McpPolicies.Use)]
    [ProducesResponseType<Dictionary<string, McpServerResponse>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ServerPageResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest)]
    public async Task<IActionResult> List([FromQuery] int? limit, [FromQuery] string? cursor, [FromQuery] string? search, CancellationToken ct)
    {
        var caller = HttpContext.GetCaller();
        if (limit is null && cursor is null && search is null && !Request.Query.ContainsKey("limit"))
        {
            var all = await registry.ListAsync(caller, ct);
            var map = new Dictionary<string, McpServerResponse>(all.Count, StringComparer.Ordinal);
            foreach (var view in all)
            {
                map.TryAdd(view.Name, McpServerResponse.From(view));
            }

            return Ok(map);
        }

        var page = await registry.PageAsync(caller, limit, cursor, search, ct);
        return page.ToActionResult(this, p => new ServerPageResponse([.. p.Servers.Select(v => McpServerResponse.From(v))], p.NextCursor));
    }

    /// <summary>Creates a server from <c>{config}</c>; its name is a slug of the title. The caller becomes its owner.</summary>
    [HttpPost]
    [Authorize(Policy = McpPolicies.UseAndCreate)]
    [EnableRateLimiting(RateLimits.Create)]
    [InvalidBodyMessage("Invalid configuration")]
    [ProducesResponseType<McpServerResponse>(StatusCodes.Status201Created)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Create([FromBody] ServerConfigRequest request, CancellationToken ct)
    {
        var result = await registry.CreateAsync(HttpContext.GetCaller(), request.Config!.ToDomain(), ct);
        return result.ToActionResult(this, view =>
        {
            SetETag(view);
            return Created($"/api/mcp/servers/{view.Name}", McpServerResponse.From(view));
        });
    }

    [HttpGet("{serverName}")]
    [Authorize(Policy = McpPolicies.Use)]
    [ProducesResponseType<McpServerResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Get(string serverName, CancellationToken ct)
    {
        var result = await registry.GetAsync(HttpContext.GetCaller(), serverName, ct);
        return result.ToActionResult(this, view =>
        {
            SetETag(view);
            return Ok(McpServerResponse.From(view));
        });
    }

    /// <summary>Replaces the config. An omitted <c>client_secret</c> is kept unless url, OAuth endpoints or client id
    /// change; then every user's tokens for the server are discarded too. ★ Optional <c>If-Match</c>.</summary>
    [HttpPatch("{serverName}")]
    [Authorize(Policy = McpPolicies.UseAndCreate)]
    [EnableRateLimiting(RateLimits.Write)]
    [InvalidBodyMessage("Invalid configuration")]
    [ProducesResponseType<McpServerResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status412PreconditionFailed)]
    public async Task<IActionResult> Update(string serverName, [FromBody] ServerConfigRequest request, CancellationToken ct) =>
        (await IfMatchHeader.ExpectedVersion(Request).BindAsync(expected => registry.UpdateAsync(HttpContext.GetCaller(), serverName, request.Config!.ToDomain(), expected, ct)))
            .ToActionResult(this, view =>
            {
                SetETag(view);
                return Ok(McpServerResponse.From(view));
            });

    /// <summary>Deletes the server with its ACL entries, tokens, registrations and credential variables. ★ Optional <c>If-Match</c>.</summary>
    [HttpDelete("{serverName}")]
    [Authorize(Policy = McpPolicies.UseAndCreate)]
    [EnableRateLimiting(RateLimits.Write)]
    [ProducesResponseType<MessageResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status412PreconditionFailed)]
    public async Task<IActionResult> Delete(string serverName, CancellationToken ct) =>
        (await IfMatchHeader.ExpectedVersion(Request).BindAsync(expected => registry.DeleteAsync(HttpContext.GetCaller(), serverName, expected, ct)))
            .ToActionResult(this, _ => new MessageResponse("MCP server deleted successfully"));

    private void SetETag(ServerView view)
    {
        if (view.ETag is { } etag)
        {
            Response.Headers.ETag = etag;
        }
    }
}
