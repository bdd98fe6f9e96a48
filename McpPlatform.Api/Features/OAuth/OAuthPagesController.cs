using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace McpPlatform.Api.Features.OAuth;

/// <summary>The built-in result pages, for deployments without an SPA (<c>Client:BaseUrl</c> unset): they say what
/// happened and close the popup the flow ran in.</summary>
[ApiController]
[Route("oauth")]
[AllowAnonymous]
[ApiExplorerSettings(IgnoreApi = true)]
public sealed class OAuthPagesController : ControllerBase
{
    [HttpGet("success")]
    public ContentResult Success([FromQuery] string? serverName) =>
        Page("Connected", $"Authorization for {WebUtility.HtmlEncode(serverName ?? "the server")} succeeded. You can close this window.", true);

    [HttpGet("error")]
    public ContentResult Failure([FromQuery] string? error) =>
        Page("Authorization failed", $"The authorization did not complete ({WebUtility.HtmlEncode(error ?? "unknown error")}). Close this window and try again.", false);

    private static ContentResult Page(string title, string message, bool success) => new()
    {
        ContentType = "text/html; charset=utf-8",
        StatusCode = 200,
        Content = $$"""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{title}}</title>
            <style>body{font-family:system-ui,sans-serif;margin:4rem auto;max-width:32rem;color:#222}h1{color:{{(success ? "#1a7f37" : "#cf222e")}}}</style></head>
            <body><h1>{{title}}</h1><p id="message">{{message}}</p>
            <script>if (window.opener) { setTimeout(function () { window.close(); }, {{(success ? 1500 : 5000)}}); }</script></body></html>
            """,
    };
}
