using System.Text.Json.Serialization;
using McpPlatform.Domain.Servers;

namespace McpPlatform.Api.Features.Servers;

/// <summary>The user-settable part of a server config (LibreChat's <c>MCPServerUserInput</c>). Unknown and
/// server-managed keys are not bound, so they are dropped.</summary>
public sealed record McpServerConfigInput
{
    /// <summary><c>streamable-http</c>, <c>http</c> or <c>sse</c> (absent: inferred as sse). <c>stdio</c> is app-level only.</summary>
    [JsonPropertyName("type")] public string? Type { get; init; }

    /// <summary>The server's MCP endpoint (https, or http to an allowed host). May carry <c>{{VAR}}</c> placeholders.</summary>
    [JsonPropertyName("url")] public string? Url { get; init; }

    /// <summary>ASCII letters, digits and spaces, at most 100; the server's name is a slug of it.</summary>
    [JsonPropertyName("title")] public string? Title { get; init; }

    /// <summary>At most 1000 characters (Unicode code points) in any script; found by search whatever its length.</summary>
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("iconPath")] public string? IconPath { get; init; }

    /// <summary>Header values are secrets: stored encrypted, returned as <c>********</c>; send <c>********</c> back to keep one.</summary>
    [JsonPropertyName("headers")] public Dictionary<string, string?>? Headers { get; init; }

    /// <summary>Variables each user sets for themselves (e.g. an API key), used as <c>{{NAME}}</c> in url and headers.</summary>
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
