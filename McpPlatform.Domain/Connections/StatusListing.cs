using McpPlatform.Domain.Servers;

namespace McpPlatform.Domain.Connections;

/// <summary>The connection status of every server a caller can use: each server of <see cref="Servers"/> is
/// <see cref="ServerStatus.IdleOf"/> (disconnected, no error) unless it is in <see cref="Differing"/>, by name — at a
/// million servers nearly all of them are idle, and what they show is the same for every caller.</summary>
public sealed record StatusListing(ServerListing Servers, IReadOnlyDictionary<string, ServerStatus> Differing);
