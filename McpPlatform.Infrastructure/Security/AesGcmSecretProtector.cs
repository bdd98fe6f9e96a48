using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using McpPlatform.Domain.Security;
using Microsoft.Extensions.Options;

namespace McpPlatform.Infrastructure.Security;

/// <summary>
/// AES-256-GCM with a key ring. Layout: format byte (1) | key id length | key id | nonce (12) | tag (16) | ciphertext.
/// The associated data binds the key id and the (user, server, field) context.
/// </summary>
public sealed class AesGcmSecretProtector : ISecretProtector
{
    private const byte FormatV1 = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly Dictionary<string, byte[]> _keys;
    private readonly string _activeKeyId;

    public AesGcmSecretProtector(IOptions<EncryptionOptions> options)
    {
        var value = options.Value;
        _keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (id, base64) in value.Keys)
        {
            _keys[id] = ParseKey(id, base64);
        }

        _activeKeyId = value.ActiveKeyId ?? throw new InvalidOperationException("Encryption:ActiveKeyId is required.");
        if (!_keys.ContainsKey(_activeKeyId))
        {
            throw new InvalidOperationException($"Encryption:ActiveKeyId '{_activeKeyId}' is not one of Encryption:Keys.");
        }

        if (Encoding.UTF8.GetByteCount(_activeKeyId) > 255)
        {
            throw new InvalidOperationException("Encryption key ids must be at most 255 bytes.");
        }
    }

    public static byte[] ParseKey(string id, string base64)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"Encryption:Keys:{id} is not valid base64.");
        }

        return key.Length == 32 ? key : throw new InvalidOperationException($"Encryption:Keys:{id} must be 32 bytes (base64), not {key.Length}.");
    }

    public byte[] Protect(string plaintext, SecretContext context)
    {
        var keyId = Encoding.UTF8.GetBytes(_activeKeyId);
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[2 + keyId.Length + NonceSize + TagSize + plain.Length];
        output[0] = FormatV1;
        output[1] = (byte)keyId.Length;
        keyId.CopyTo(output, 2);
        var offset = 2 + keyId.Length;
        var nonce = output.AsSpan(offset, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_keys[_activeKeyId], TagSize);
        aes.Encrypt(nonce, plain, output.AsSpan(offset + NonceSize + TagSize), output.AsSpan(offset + NonceSize, TagSize), AssociatedData(_activeKeyId, context));
        return output;
    }

    public string Unprotect(byte[] ciphertext, SecretContext context)
    {
        var keyId = ReadKeyId(ciphertext);
        if (!_keys.TryGetValue(keyId, out var key))
        {
            throw new CryptographicException($"The ciphertext was made with key '{keyId}', which is not in the key ring.");
        }

        var offset = 2 + ciphertext[1];
        var bodyLength = ciphertext.Length - offset - NonceSize - TagSize;
        if (bodyLength < 0)
        {
            throw new CryptographicException("The ciphertext is truncated.");
        }

        var plain = new byte[bodyLength];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(
            ciphertext.AsSpan(offset, NonceSize),
            ciphertext.AsSpan(offset + NonceSize + TagSize),
            ciphertext.AsSpan(offset + NonceSize, TagSize),
            plain,
            AssociatedData(keyId, context));
        return Encoding.UTF8.GetString(plain);
    }

    public bool IsUnderActiveKey(byte[] ciphertext) => ReadKeyId(ciphertext) == _activeKeyId;

    private static string ReadKeyId(byte[] ciphertext)
    {
        if (ciphertext.Length < 2 || ciphertext[0] != FormatV1 || ciphertext.Length < 2 + ciphertext[1])
        {
            throw new CryptographicException("The value is not a ciphertext of a known format.");
        }

        return Encoding.UTF8.GetString(ciphertext, 2, ciphertext[1]);
    }

    private static byte[] AssociatedData(string keyId, SecretContext context)
    {
        // Length-prefixed parts, so that no two different contexts produce the same bytes.
        var parts = new[] { "mcp-platform/v1", keyId, context.UserId, context.ServerId, context.Field };
        using var stream = new MemoryStream();
        Span<byte> length = stackalloc byte[4];
        foreach (var part in parts)
        {
            var bytes = Encoding.UTF8.GetBytes(part);
            BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
            stream.Write(length);
            stream.Write(bytes);
        }

        return stream.ToArray();
    }
}
