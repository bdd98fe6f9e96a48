using System.Text.Json.Serialization;

namespace McpPlatform.Api.Features.Roles;

/// <summary>A role's <c>MCP_SERVERS</c> permissions.</summary>
public sealed record McpServersPermissionsResponse(
    [property: JsonPropertyName("USE")] bool Use,
    [property: JsonPropertyName("CREATE")] bool Create,
    [property: JsonPropertyName("SHARE")] bool Share,
    [property: JsonPropertyName("SHARE_PUBLIC")] bool SharePublic);
