namespace McpPlatform.Domain.Security;

/// <summary>Encrypts secrets at rest under a versioned key ring; decryption failure is an error, never plaintext.</summary>
public interface ISecretProtector
{
    byte[] Protect(string plaintext, SecretContext context);

    /// <exception cref="System.Security.Cryptography.CryptographicException">The key is unknown or the ciphertext or its context does not match.</exception>
    string Unprotect(byte[] ciphertext, SecretContext context);

    /// <summary>Whether the ciphertext was made with the active key (rotation skips those).</summary>
    bool IsUnderActiveKey(byte[] ciphertext);
}
