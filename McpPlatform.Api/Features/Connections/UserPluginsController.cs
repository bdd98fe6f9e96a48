using McpPlatform.Api.Auth;
using McpPlatform.Api.Errors;
using McpPlatform.Api.Hosting.RateLimiting;
using McpPlatform.Domain.Connections;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace McpPlatform.Api.Features.Connections;

/// <summary>LibreChat's plugin-auth route, for MCP credential variables only (<c>pluginKey: mcp_&lt;server&gt;</c>).</summary>
[ApiController]
[Route("api/user/plugins")]
[Authorize(Policy = McpPolicies.Use)]
public sealed class UserPluginsController(CredentialService credentials) : ControllerBase
{
    /// <summary><c>install</c> stores the caller's values (encrypted), <c>uninstall</c> deletes them; either way the
    /// caller's connection is closed and cached tools cleared. Empty 200.</summary>
    [HttpPost]
    [EnableRateLimiting(RateLimits.Write)]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Update([FromBody] UserPluginsRequest request, CancellationToken ct) =>
        (await credentials.UpdateAsync(HttpContext.GetCaller(), request.PluginKey, request.Action, request.Auth, ct)).ToActionResult(this, _ => (IActionResult)Ok());
}
