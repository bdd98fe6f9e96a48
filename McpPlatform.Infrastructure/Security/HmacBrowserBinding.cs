using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using McpPlatform.Domain.OAuth;
using Microsoft.Extensions.Options;

namespace McpPlatform.Infrastructure.Security;

/// <summary>
/// Browser-binding proofs signed with HMAC-SHA256 under a key derived (HKDF) from each key of the encryption key
/// ring, so every instance that can read the platform's secrets can check a proof another issued, and rotating the
/// ring only ends the proofs of flows in progress. A proof is <c>keyId.expires.mac</c> (base64url, cookie-safe),
/// where the MAC covers the flow id and the expiry.
/// </summary>
public sealed class HmacBrowserBinding : IBrowserBinding
{
    private static readonly byte[] Purpose = Encoding.UTF8.GetBytes("mcp-platform/oauth-browser-binding/v1");

    private readonly Dictionary<string, byte[]> _keys = new(StringComparer.Ordinal);
    private readonly string _activeKeyId;

    public HmacBrowserBinding(IOptions<EncryptionOptions> options)
    {
        foreach (var (id, base64) in options.Value.Keys)
        {
            _keys[id] = HKDF.DeriveKey(HashAlgorithmName.SHA256, AesGcmSecretProtector.ParseKey(id, base64), 32, info: Purpose);
        }

        _activeKeyId = options.Value.ActiveKeyId ?? throw new InvalidOperationException("Encryption:ActiveKeyId is required.");
    }

    public string Issue(string flowId, DateTimeOffset expires)
    {
        var seconds = expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"{Base64Url(Encoding.UTF8.GetBytes(_activeKeyId))}.{seconds}.{Base64Url(Mac(_keys[_activeKeyId], flowId, seconds))}";
    }

    public bool Verify(string flowId, string? proof, DateTimeOffset now)
    {
        var parts = proof?.Split('.');
        if (parts is not { Length: 3 } || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || DateTimeOffset.FromUnixTimeSeconds(Math.Min(expires, DateTimeOffset.MaxValue.ToUnixTimeSeconds())) <= now)
        {
            return false;
        }

        byte[] keyId, mac;
        try
        {
            keyId = Convert.FromBase64String(Padded(parts[0]));
            mac = Convert.FromBase64String(Padded(parts[2]));
        }
        catch (FormatException)
        {
            return false;
        }

        return _keys.TryGetValue(Encoding.UTF8.GetString(keyId), out var key)
            && CryptographicOperations.FixedTimeEquals(mac, Mac(key, flowId, parts[1]));
    }

    private static byte[] Mac(byte[] key, string flowId, string expires) =>
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(flowId + "\n" + expires));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Padded(string base64Url)
    {
        var text = base64Url.Replace('-', '+').Replace('_', '/');
        return text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');
    }
}
