using System.Text.Json.Serialization;

namespace McpPlatform.Domain.Servers;

/// <summary>
/// A server's configuration in LibreChat's shape (the JSON member names are LibreChat's, because the SPA, YAML files
/// and stored rows all speak it). User-managed servers only ever carry the user-settable members; the server-managed
/// ones (<see cref="Startup"/> … <see cref="OAuthHeaders"/>) and stdio come from app-level configuration.
/// </summary>
public record McpServerConfig
{
    public const string MaskedValue = "********";

    [JsonPropertyName("type")] public string? Type { get; init; }
    [JsonPropertyName("url")] public string? Url { get; init; }
    [JsonPropertyName("title")] public string? Title { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("iconPath")] public string? IconPath { get; init; }
    [JsonPropertyName("headers")] public IReadOnlyDictionary<string, string>? Headers { get; init; }
    [JsonPropertyName("customUserVars")] public IReadOnlyDictionary<string, CustomUserVar>? CustomUserVars { get; init; }
    [JsonPropertyName("oauth")] public OAuthSettings? OAuth { get; init; }

    // stdio (app-level only)
    [JsonPropertyName("command")] public string? Command { get; init; }
    [JsonPropertyName("args")] public IReadOnlyList<string>? Args { get; init; }
    [JsonPropertyName("env")] public IReadOnlyDictionary<string, string>? Env { get; init; }

    // server-managed (app-level only)
    [JsonPropertyName("startup")] public bool? Startup { get; init; }
    [JsonPropertyName("timeout")] public int? Timeout { get; init; }
    [JsonPropertyName("initTimeout")] public int? InitTimeout { get; init; }
    [JsonPropertyName("chatMenu")] public bool? ChatMenu { get; init; }
    [JsonPropertyName("serverInstructions")][JsonConverter(typeof(BoolOrStringConverter))] public string? ServerInstructions { get; init; }
    [JsonPropertyName("requiresOAuth")] public bool? RequiresOAuth { get; init; }
    [JsonPropertyName("oauth_headers")] public IReadOnlyDictionary<string, string>? OAuthHeaders { get; init; }

    [JsonIgnore]
    public TransportKind Transport => Transports.Of(this);

    /// <summary>The config as the API may show it: header and env values masked unless they are placeholders,
    /// the client secret and every other server-side secret removed.</summary>
    public McpServerConfig Masked() => this with
    {
        Headers = MaskValues(Headers),
        Env = MaskValues(Env),
        OAuthHeaders = MaskValues(OAuthHeaders),
        OAuth = OAuth is null ? null : OAuth with { ClientSecret = null },
    };

    private static Dictionary<string, string>? MaskValues(IReadOnlyDictionary<string, string>? values) =>
        values?.ToDictionary(kv => kv.Key, kv => Placeholders.IsPlaceholderOnly(kv.Value) ? kv.Value : MaskedValue, StringComparer.Ordinal);
}
