using McpPlatform.Api.Auth;
using McpPlatform.Api.Errors;
using McpPlatform.Api.Hosting.RateLimiting;
using McpPlatform.Domain.Connections;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace McpPlatform.Api.Features.Connections;

/// <summary>Your own values for MCP servers' variables (LibreChat's plugin-auth route, for MCP servers only).</summary>
[ApiController]
[Route("api/user/plugins")]
[Authorize(Policy = McpPolicies.Use)]
public sealed class UserPluginsController(CredentialService credentials) : ControllerBase
{
    /// <summary>Sets or removes your values for an MCP server's variables.</summary>
    /// <remarks>
    /// LibreChat's body: <c>pluginKey</c> <c>mcp_&lt;server name&gt;</c>, <c>action</c> <c>install</c> (store the values
    /// in <c>auth</c>, encrypted, for you alone) or <c>uninstall</c> (delete them). Either way your connection to the
    /// server is closed and its cached tools forgotten, so the next use connects with the new values. Empty 200.
    /// </remarks>
    [HttpPost]
    [EnableRateLimiting(RateLimits.Write)]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Update([FromBody] UserPluginsRequest request, CancellationToken ct) =>
        (await credentials.UpdateAsync(HttpContext.GetCaller(), request.PluginKey, request.Action, request.Auth, ct)).ToActionResult(this, _ => (IActionResult)Ok());
}
