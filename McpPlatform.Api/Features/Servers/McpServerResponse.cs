using System.Text.Json.Serialization;
using McpPlatform.Domain.Servers;

namespace McpPlatform.Api.Features.Servers;

/// <summary>
/// A server as the API returns it, in LibreChat's shape: <c>serverName</c>, <c>dbId</c> (absent for app-level
/// servers), <c>updatedAt</c> (epoch milliseconds) and <c>source</c> (<c>app</c> for servers from the platform's
/// configuration, <c>db</c> for user-managed ones; not in LibreChat), then the config. Header and env values are
/// <c>********</c> unless they are only placeholders; the client secret is never shown.
/// </summary>
public sealed record McpServerResponse
{
    [JsonPropertyName("serverName")] public required string ServerName { get; init; }
    [JsonPropertyName("dbId")] public string? DbId { get; init; }
    [JsonPropertyName("updatedAt")] public required long UpdatedAt { get; init; }
    [JsonPropertyName("source")] public required string Source { get; init; }
    [JsonPropertyName("type")] public string? Type { get; init; }
    [JsonPropertyName("url")] public string? Url { get; init; }
    [JsonPropertyName("title")] public string? Title { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("iconPath")] public string? IconPath { get; init; }
    [JsonPropertyName("headers")] public IReadOnlyDictionary<string, string>? Headers { get; init; }
    [JsonPropertyName("customUserVars")] public IReadOnlyDictionary<string, CustomUserVarResponse>? CustomUserVars { get; init; }
    [JsonPropertyName("oauth")] public OAuthSettingsResponse? OAuth { get; init; }

    /// <summary>stdio servers (app-level only).</summary>
    [JsonPropertyName("command")] public string? Command { get; init; }
    [JsonPropertyName("args")] public IReadOnlyList<string>? Args { get; init; }
    [JsonPropertyName("env")] public IReadOnlyDictionary<string, string>? Env { get; init; }

    /// <summary>Server-managed settings (app-level only).</summary>
    [JsonPropertyName("startup")] public bool? Startup { get; init; }
    [JsonPropertyName("timeout")] public int? Timeout { get; init; }
    [JsonPropertyName("initTimeout")] public int? InitTimeout { get; init; }
    [JsonPropertyName("chatMenu")] public bool? ChatMenu { get; init; }
    [JsonPropertyName("serverInstructions")][JsonConverter(typeof(BoolOrStringConverter))] public string? ServerInstructions { get; init; }
    [JsonPropertyName("requiresOAuth")] public bool? RequiresOAuth { get; init; }
    [JsonPropertyName("oauth_headers")] public IReadOnlyDictionary<string, string>? OAuthHeaders { get; init; }

    /// <summary>The view's config is already masked (<see cref="McpServerConfig.Masked"/>); the client secret is not
    /// mapped at all.</summary>
    public static McpServerResponse From(ServerView view)
    {
        var config = view.Config;
        return new McpServerResponse
        {
            ServerName = view.Name,
            DbId = view.DbId?.ToString(),
            UpdatedAt = view.UpdatedAt.ToUnixTimeMilliseconds(),
            Source = view.Source == ServerSource.App ? "app" : "db",
            Type = config.Type,
            Url = config.Url,
            Title = config.Title,
            Description = config.Description,
            IconPath = config.IconPath,
            Headers = config.Headers,
            CustomUserVars = config.CustomUserVars?.ToDictionary(v => v.Key, v => new CustomUserVarResponse(v.Value.Title, v.Value.Description), StringComparer.Ordinal),
            OAuth = config.OAuth is { } oauth ? OAuthSettingsResponse.From(oauth) : null,
            Command = config.Command,
            Args = config.Args,
            Env = config.Env,
            Startup = config.Startup,
            Timeout = config.Timeout,
            InitTimeout = config.InitTimeout,
            ChatMenu = config.ChatMenu,
            ServerInstructions = config.ServerInstructions,
            RequiresOAuth = config.RequiresOAuth,
            OAuthHeaders = config.OAuthHeaders,
        };
    }
}
