using System.Security.Cryptography;
using System.Text;

namespace McpPlatform.Domain.OAuth;

/// <summary>PKCE (RFC 7636) S256 and the random values of a flow.</summary>
public static class Pkce
{
    /// <summary>32 random bytes, base64url: 43 characters, 256 bits.</summary>
    public static string NewVerifier() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Challenge(string verifier) => Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    /// <summary>A state value: 32 random bytes (256 bits), base64url.</summary>
    public static string NewState() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
