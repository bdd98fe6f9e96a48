using System.Text.Json.Serialization;
using McpPlatform.Domain.Connections;

namespace McpPlatform.Api.Features.Connections;

/// <summary>LibreChat's reinitialize answer; <c>oauthUrl</c> is always present (null when not needed).</summary>
public sealed record ReinitializeResponse
{
    public required bool Success { get; init; }
    public required string Message { get; init; }
    public required string ServerName { get; init; }
    [JsonPropertyName("oauthRequired")] public required bool OAuthRequired { get; init; }
    [JsonPropertyName("oauthUrl")][JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? OAuthUrl { get; init; }

    /// <summary>The server's variables you have not set yet (not in LibreChat's answer).</summary>
    public IReadOnlyList<string>? MissingUserVars { get; init; }

    public static ReinitializeResponse From(ReinitializeOutcome o) => new()
    {
        Success = o.Success, Message = o.Message, ServerName = o.ServerName, OAuthRequired = o.OAuthRequired, OAuthUrl = o.OAuthUrl, MissingUserVars = o.MissingUserVars,
    };
}
