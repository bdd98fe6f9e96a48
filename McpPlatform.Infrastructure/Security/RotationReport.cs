namespace McpPlatform.Infrastructure.Security;

/// <summary>What <c>rotate-keys</c> did: values re-encrypted under the active key, and values that already were.</summary>
public sealed record RotationReport(int ReEncrypted, int AlreadyCurrent);
