using System.Text.Json.Serialization;

namespace McpPlatform.Domain.Servers;

/// <summary>A per-user variable a server declares (<c>customUserVars</c>): each user supplies their own value.</summary>
public sealed record CustomUserVar(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("description")] string? Description);
