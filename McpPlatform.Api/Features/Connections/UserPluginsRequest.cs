namespace McpPlatform.Api.Features.Connections;

/// <summary>Body of <c>POST /api/user/plugins</c> (LibreChat's contract): <c>pluginKey</c> <c>mcp_&lt;server&gt;</c>,
/// <c>action</c> <c>install</c> or <c>uninstall</c>, and <c>auth</c> the variables' values.</summary>
public sealed record UserPluginsRequest(string? PluginKey, string? Action, Dictionary<string, string?>? Auth);
