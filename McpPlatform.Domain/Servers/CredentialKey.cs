namespace McpPlatform.Domain.Servers;

/// <summary>Where a credential belongs: the server (by its immutable id, never its name) and the
/// <see cref="CredentialBinding"/> fingerprint it was entered under.</summary>
public readonly record struct CredentialKey(Guid ServerId, string Binding);
