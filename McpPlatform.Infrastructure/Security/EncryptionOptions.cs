using System.ComponentModel.DataAnnotations;

namespace McpPlatform.Infrastructure.Security;

/// <summary><c>Encryption:Keys:&lt;id&gt;</c> = base64 of 32 bytes; <c>Encryption:ActiveKeyId</c> names the one new
/// ciphertexts use. Old keys stay listed until <c>rotate-keys</c> has re-encrypted everything.</summary>
public sealed class EncryptionOptions
{
    public const string Section = "Encryption";

    public Dictionary<string, string> Keys { get; set; } = [];

    [Required]
    public string? ActiveKeyId { get; set; }
}
