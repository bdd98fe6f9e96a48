using System.Security.Cryptography;
using System.Text.Json;

namespace McpPlatform.Api.Hosting.Configuration;

/// <summary>
/// In Development only: a signing key and an encryption key ring, generated once and kept in a git-ignored local file
/// (<c>.local/dev-secrets.json</c> beside the project), so restarts can still read what was encrypted.
/// </summary>
public static class DevelopmentSecrets
{
    public static void AddTo(ConfigurationManager configuration, string contentRoot, Action<string> announce)
    {
        var needsSigningKey = string.IsNullOrEmpty(configuration["Auth:Jwt:SigningKey"]) && string.IsNullOrEmpty(configuration["Auth:Authority"]);
        var needsKeyRing = string.IsNullOrEmpty(configuration["Encryption:ActiveKeyId"]);
        if (!needsSigningKey && !needsKeyRing)
        {
            return;
        }

        var path = Path.Combine(contentRoot, ".local", "dev-secrets.json");
        Dictionary<string, string>? values = null;
        if (File.Exists(path))
        {
            values = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path));
        }

        if (values is null)
        {
            values = new Dictionary<string, string>
            {
                ["Auth:Jwt:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)),
                ["Encryption:ActiveKeyId"] = "dev1",
                ["Encryption:Keys:dev1"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            };
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, JsonSerializer.Serialize(values));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            announce($"Generated a development signing key and encryption key ring in {path} (git-ignored; keep it to read existing data).");
        }
        else
        {
            announce($"Using the development signing key and encryption key ring from {path}.");
        }

        configuration.AddInMemoryCollection(values
            .Where(kv => (needsSigningKey || !kv.Key.StartsWith("Auth:", StringComparison.Ordinal)) && (needsKeyRing || !kv.Key.StartsWith("Encryption:", StringComparison.Ordinal)))
            .Select(kv => KeyValuePair.Create(kv.Key, (string?)kv.Value)));
    }
}
