using System.Text.Json;
using System.Text.Json.Serialization;
using McpPlatform.Domain.Security;
using McpPlatform.Domain.Servers;

namespace McpPlatform.Infrastructure.Persistence.Repositories;

/// <summary>
/// Splits a server config into what may be stored in clear (the masked config, queryable as jsonb) and its secrets
/// (client secret, header values), which are stored encrypted and bound to the server's id.
/// </summary>
public sealed class ServerSecretsCodec(ISecretProtector protector)
{

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public (string ConfigJson, byte[]? Secrets) Encode(Guid serverId, McpServerConfig config)
    {
        var secretHeaders = config.Headers?
            .Where(h => !Placeholders.IsPlaceholderOnly(h.Value))
            .ToDictionary(h => h.Key, h => h.Value, StringComparer.Ordinal);
        var secrets = new StoredSecrets(config.OAuth?.ClientSecret, secretHeaders is { Count: > 0 } ? secretHeaders : null);
        var encrypted = secrets.ClientSecret is null && secrets.Headers is null
            ? null
            : protector.Protect(JsonSerializer.Serialize(secrets, Json), Context(serverId));
        return (JsonSerializer.Serialize(config.Masked(), Json), encrypted);
    }

    /// <summary>The config with its secrets restored. Throws when the secrets cannot be decrypted.</summary>
    public McpServerConfig Decode(Guid serverId, string configJson, byte[]? secrets)
    {
        var config = DecodeMasked(configJson);
        if (secrets is null)
        {
            return config;
        }

        var stored = JsonSerializer.Deserialize<StoredSecrets>(protector.Unprotect(secrets, Context(serverId)), Json)!;
        var headers = config.Headers?.ToDictionary(
            h => h.Key,
            h => stored.Headers?.TryGetValue(h.Key, out var value) == true ? value : h.Value,
            StringComparer.Ordinal);
        return config with
        {
            Headers = headers,
            OAuth = config.OAuth is null ? null : config.OAuth with { ClientSecret = stored.ClientSecret },
        };
    }

    /// <summary>The stored config as the API shows it, without touching the secrets (list pages never decrypt).</summary>
    public static McpServerConfig DecodeMasked(string configJson) =>
        JsonSerializer.Deserialize<McpServerConfig>(configJson, Json) ?? new McpServerConfig();

    public static SecretContext Context(Guid serverId) => Security.SecretContexts.ServerSecrets(serverId);

    private sealed record StoredSecrets(
        [property: JsonPropertyName("client_secret")] string? ClientSecret,
        [property: JsonPropertyName("headers")] Dictionary<string, string>? Headers);
}
