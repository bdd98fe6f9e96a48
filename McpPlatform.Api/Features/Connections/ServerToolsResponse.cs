using McpPlatform.Domain.Connections;

namespace McpPlatform.Api.Features.Connections;

/// <summary>A server in the tool catalogue: its icon, whether you have set all its variables, and its tools.</summary>
public sealed record ServerToolsResponse(string Name, string Icon, bool Authenticated, IReadOnlyList<AuthConfigResponse> AuthConfig, IReadOnlyList<ToolResponse> Tools)
{
    public static ServerToolsResponse From(ServerTools s) => new(
        s.Name, s.Icon, s.Authenticated,
        [.. s.AuthConfig.Select(a => new AuthConfigResponse(a.Name, a.Label, a.Description))],
        [.. s.Tools.Select(t => new ToolResponse(t.Name, t.PluginKey, t.Description, t.InputSchema))]);
}
