using System.Text.Json;
using System.Text.Json.Serialization;
using McpPlatform.Domain.Connections;

namespace McpPlatform.Api.Contracts;

/// <summary>LibreChat's reinitialize answer; <c>oauthUrl</c> is always present (null when not needed).</summary>
public sealed record ReinitializeResponse
{
    public required bool Success { get; init; }
    public required string Message { get; init; }
    public required string ServerName { get; init; }
    [JsonPropertyName("oauthRequired")] public required bool OAuthRequired { get; init; }
    [JsonPropertyName("oauthUrl")][JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? OAuthUrl { get; init; }

    /// <summary>★ The declared variables the caller still has to set.</summary>
    public IReadOnlyList<string>? MissingUserVars { get; init; }

    public static ReinitializeResponse From(ReinitializeOutcome o) => new()
    {
        Success = o.Success, Message = o.Message, ServerName = o.ServerName, OAuthRequired = o.OAuthRequired, OAuthUrl = o.OAuthUrl, MissingUserVars = o.MissingUserVars,
    };
}

public sealed record ServerConnectionStatus(bool RequiresOAuth, string ConnectionState, string? Error);

public sealed record ConnectionStatusResponse(bool Success, IReadOnlyDictionary<string, ServerConnectionStatus> ConnectionStatus);

public sealed record SingleConnectionStatusResponse(bool Success, string ServerName, string ConnectionStatus, bool RequiresOAuth, string? Error)
{
    public static SingleConnectionStatusResponse From(ServerStatus s) =>
        new(true, s.ServerName, ConnectionStates.ToWire(s.State), s.RequiresOAuth, s.Error);
}

public sealed record AuthValuesResponse(bool Success, string ServerName, IReadOnlyDictionary<string, bool> AuthValueFlags);

public sealed record AuthConfigResponse(string AuthField, string Label, string Description);

public sealed record ToolResponse(string Name, string PluginKey, string Description, JsonElement? InputSchema);

public sealed record ServerToolsResponse(string Name, string Icon, bool Authenticated, IReadOnlyList<AuthConfigResponse> AuthConfig, IReadOnlyList<ToolResponse> Tools)
{
    public static ServerToolsResponse From(ServerTools s) => new(
        s.Name, s.Icon, s.Authenticated,
        [.. s.AuthConfig.Select(a => new AuthConfigResponse(a.Name, a.Label, a.Description))],
        [.. s.Tools.Select(t => new ToolResponse(t.Name, t.PluginKey, t.Description, t.InputSchema))]);
}

public sealed record ToolsResponse(IReadOnlyDictionary<string, ServerToolsResponse> Servers);

/// <summary>Body of a tool call: the tool's arguments as a JSON object.</summary>
public sealed record ToolCallRequest(JsonElement? Arguments);

/// <summary>Body of <c>POST /api/user/plugins</c> (LibreChat's contract).</summary>
public sealed record UserPluginsRequest(string? PluginKey, string? Action, Dictionary<string, string?>? Auth);
