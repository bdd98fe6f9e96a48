namespace McpPlatform.Domain.Security;

/// <summary>What a ciphertext belongs to. It is bound into the ciphertext, so a value cannot be moved to another
/// row or field and still decrypt.</summary>
public readonly record struct SecretContext(string UserId, string ServerId, string Field);
