namespace McpPlatform.Domain.Connections;

/// <summary>What the session runtime knows about one connection right now; never obtained by connecting.</summary>
public sealed record ConnectionSnapshot(ConnectionState State, string? Error, DateTimeOffset? ConfigStamp, long CredentialStamp = 0);
