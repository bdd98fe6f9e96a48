using System.Text.Json.Serialization;

namespace McpPlatform.Api.Features.Servers;

/// <summary>A variable the server asks each user for: what the SPA's form shows for it.</summary>
public sealed record CustomUserVarResponse(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("description")] string? Description);
