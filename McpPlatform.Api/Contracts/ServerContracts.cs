using System.Text.Json.Serialization;
using McpPlatform.Domain.Servers;

namespace McpPlatform.Api.Contracts;

/// <summary>The user-settable part of a server config (LibreChat's <c>MCPServerUserInput</c>). Unknown and
/// server-managed keys are not bound, so they are dropped.</summary>
public sealed record McpServerConfigInput
{
    /// <summary><c>streamable-http</c>, <c>http</c> or <c>sse</c> (absent: inferred as sse). <c>stdio</c> is app-level only.</summary>
    [JsonPropertyName("type")] public string? Type { get; init; }
    [JsonPropertyName("url")] public string? Url { get; init; }
    [JsonPropertyName("title")] public string? Title { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("iconPath")] public string? IconPath { get; init; }

    /// <summary>Header values are secrets: stored encrypted, returned as <c>********</c>; send <c>********</c> back to keep one.</summary>
    [JsonPropertyName("headers")] public Dictionary<string, string?>? Headers { get; init; }
    [JsonPropertyName("customUserVars")] public Dictionary<string, CustomUserVar?>? CustomUserVars { get; init; }

    /// <summary>OAuth settings; <c>client_secret</c> is write-only (omit it to keep the stored one).</summary>
    [JsonPropertyName("oauth")] public OAuthSettings? OAuth { get; init; }

    public McpServerConfig ToDomain() => new()
    {
        Type = Type,
        Url = Url,
        Title = Title,
        Description = Description,
        IconPath = IconPath,
        Headers = Headers?.ToDictionary(h => h.Key, h => h.Value ?? string.Empty, StringComparer.Ordinal),
        CustomUserVars = CustomUserVars?.Where(v => v.Value is not null).ToDictionary(v => v.Key, v => v.Value!, StringComparer.Ordinal),
        OAuth = OAuth,
    };
}

/// <summary>Body of <c>POST /api/mcp/servers</c> and <c>PATCH /api/mcp/servers/{serverName}</c>.</summary>
public sealed record ServerConfigRequest(McpServerConfigInput? Config);

/// <summary>A server as the API returns it: its config (secrets masked) with <c>serverName</c>, <c>dbId</c>,
/// <c>updatedAt</c> (epoch ms) and ★ <c>source</c> (<c>app</c> or <c>db</c>).</summary>
public sealed record McpServerResponse : McpServerConfig
{
    public McpServerResponse(ServerView view)
        : base(view.Config)
    {
        ServerName = view.Name;
        DbId = view.DbId?.ToString();
        UpdatedAt = view.UpdatedAt.ToUnixTimeMilliseconds();
        Source = view.Source == ServerSource.App ? "app" : "db";
    }

    [JsonPropertyName("serverName"), JsonPropertyOrder(-1)] public string ServerName { get; init; }
    [JsonPropertyName("dbId")] public string? DbId { get; init; }
    [JsonPropertyName("updatedAt")] public long UpdatedAt { get; init; }
    [JsonPropertyName("source")] public string Source { get; init; }
}

/// <summary>★ The opt-in paged list (<c>limit</c>, <c>cursor</c> or <c>search</c> given).</summary>
public sealed record ServerPageResponse(IReadOnlyList<McpServerResponse> Servers, string? NextCursor);

public sealed record MessageResponse(string Message);
