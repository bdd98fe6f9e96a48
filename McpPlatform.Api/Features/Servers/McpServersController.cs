using McpPlatform.Api.Auth;
using McpPlatform.Api.Errors;
using McpPlatform.Api.Hosting.RateLimiting;
using McpPlatform.Api.Validation;
using McpPlatform.Domain.Servers;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace McpPlatform.Api.Features.Servers;

/// <summary>MCP servers: the platform's own (app-level, read-only) and the ones users register and share. LibreChat's
/// <c>/api/mcp/servers</c> routes.</summary>
[ApiController]
[Route("api/mcp/servers")]
public sealed class McpServersController(ServerRegistryService registry, ServerChangeService changes, ServerMapResponses maps) : ControllerBase
{
    /// <summary>Lists the MCP servers you can use.</summary>
    /// <remarks>
    /// Without query parameters, LibreChat's answer: an object of server name → server, holding the platform's own
    /// servers and every server you own or that is shared with you, your groups, your role or everyone. With
    /// <c>limit</c>, <c>cursor</c> or <c>search</c> (an addition to LibreChat's API), one page of them in name order:
    /// <c>{servers, nextCursor}</c>. The unpaged list carries a strong <c>ETag</c>: sent back in <c>If-None-Match</c>,
    /// it answers 304 while the list is unchanged.
    /// </remarks>
    /// <param name="limit">Page size, 1–100 (20 when only <c>cursor</c> or <c>search</c> is given).</param>
    /// <param name="cursor">The <c>nextCursor</c> of the previous page.</param>
    /// <param name="search">Only servers whose name, title or description contains this text (2–100 characters, any case).</param>
    [HttpGet]
    [Authorize(Policy = McpPolicies.Use)]
    [ProducesResponseType<Dictionary<string, McpServerResponse>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ServerPageResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status304NotModified)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest)]
    public async Task<IActionResult> List([FromQuery] int? limit, [FromQuery] string? cursor, [FromQuery] string? search, CancellationToken ct)
    {
        var caller = HttpContext.GetCaller();
        if (limit is null && cursor is null && search is null && !Request.Query.ContainsKey("limit"))
        {
            return maps.Render(await registry.ListingAsync(caller, ct));
        }

        var page = await registry.PageAsync(caller, limit, cursor, search, ct);
        return page.ToActionResult(this, p => new ServerPageResponse([.. p.Servers.Select(v => McpServerResponse.From(v))], p.NextCursor));
    }

    /// <summary>Registers an MCP server; you become its owner.</summary>
    /// <remarks>
    /// The body is LibreChat's <c>{config}</c>: <c>type</c> (<c>streamable-http</c>, <c>http</c> or <c>sse</c>; stdio
    /// servers can only be configured by the platform's operator), <c>url</c>, <c>title</c>, <c>description</c>,
    /// <c>iconPath</c>, <c>headers</c>, <c>customUserVars</c> (values each user sets for themselves, used as
    /// <c>{{NAME}}</c> in the url and headers) and <c>oauth</c>. The server's name is a slug of its title
    /// (<c>My Server</c> → <c>my-server</c>, numbered when taken). Header values and the client secret are stored
    /// encrypted and never shown again. Answers 201 with the server and its <c>ETag</c>; 409 when you already own the
    /// most servers a user may.
    /// </remarks>
    [HttpPost]
    [Authorize(Policy = McpPolicies.UseAndCreate)]
    [EnableRateLimiting(RateLimits.Create)]
    [InvalidBodyMessage("Invalid configuration")]
    [ProducesResponseType<McpServerResponse>(StatusCodes.Status201Created)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Create([FromBody] ServerConfigRequest request, CancellationToken ct)
    {
        var result = await changes.CreateAsync(HttpContext.GetCaller(), request.Config!.ToDomain(), ct);
        return result.ToActionResult(this, view =>
        {
            SetETag(view);
            return Created($"/api/mcp/servers/{view.Name}", McpServerResponse.From(view));
        });
    }

    /// <summary>Shows one MCP server.</summary>
    /// <remarks>
    /// Header values are <c>********</c> unless they are only <c>{{VAR}}</c> placeholders; the client secret is never
    /// shown. The <c>ETag</c> header is the version to send as <c>If-Match</c> when you change it.
    /// </remarks>
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

    /// <summary>Changes an MCP server's configuration (needs EDIT on it).</summary>
    /// <remarks>
    /// Send the whole config, as for creating it. To keep a stored secret, send a header's value back as
    /// <c>********</c> or leave out <c>client_secret</c> — unless the change moves where credentials go (the url, the
    /// placeholder templates, the OAuth endpoints or client id): then every user's stored tokens and variables for the
    /// server are deleted, and the secrets must be sent again. With <c>If-Match</c> (the <c>ETag</c> you read; not in
    /// LibreChat) the change is refused with 412 when someone else changed the server since.
    /// </remarks>
    [HttpPatch("{serverName}")]
    [Authorize(Policy = McpPolicies.UseAndCreate)]
    [EnableRateLimiting(RateLimits.Write)]
    [InvalidBodyMessage("Invalid configuration")]
    [ProducesResponseType<McpServerResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status412PreconditionFailed)]
    public async Task<IActionResult> Update(string serverName, [FromBody] ServerConfigRequest request, CancellationToken ct) =>
        (await IfMatchHeader.ExpectedVersion(Request).BindAsync(expected => changes.UpdateAsync(HttpContext.GetCaller(), serverName, request.Config!.ToDomain(), expected, ct)))
            .ToActionResult(this, view =>
            {
                SetETag(view);
                return Ok(McpServerResponse.From(view));
            });

    /// <summary>Deletes an MCP server (needs DELETE on it).</summary>
    /// <remarks>
    /// Its shares, every user's tokens and variables for it and its client registrations go with it. With
    /// <c>If-Match</c>, as for a change, it is refused with 412 when someone changed the server since you read it.
    /// </remarks>
    [HttpDelete("{serverName}")]
    [Authorize(Policy = McpPolicies.UseAndCreate)]
    [EnableRateLimiting(RateLimits.Write)]
    [ProducesResponseType<MessageResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status412PreconditionFailed)]
    public async Task<IActionResult> Delete(string serverName, CancellationToken ct) =>
        (await IfMatchHeader.ExpectedVersion(Request).BindAsync(expected => changes.DeleteAsync(HttpContext.GetCaller(), serverName, expected, ct)))
            .ToActionResult(this, _ => new MessageResponse("MCP server deleted successfully"));

    private void SetETag(ServerView view)
    {
        if (view.ETag is { } etag)
        {
            Response.Headers.ETag = etag;
        }
    }
}
