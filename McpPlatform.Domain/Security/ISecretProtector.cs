namespace McpPlatform.Domain.Security;

/// <summary>What a ciphertext belongs to. It is bound into the ciphertext, so a value cannot be moved to another
/// row or field and still decrypt.</summary>
public readonly record struct SecretContext(string UserId, string ServerId, string Field);

/// <summary>Encrypts secrets at rest under a versioned key ring; decryption failure is an error, never plaintext.</summary>
public interface ISecretProtector
{
    byte[] Protect(string plaintext, SecretContext context);

    /// <exception cref="System.Security.Cryptography.CryptographicException">The key is unknown or the ciphertext or its context does not match.</exception>
    string Unprotect(byte[] ciphertext, SecretContext context);

    /// <summary>Whether the ciphertext was made with the active key (rotation skips those).</summary>
    bool IsUnderActiveKey(byte[] ciphertext);
}
