namespace McpPlatform.Domain.Servers;

/// <summary>One committed change of the registry: the revision it moved from and to, and the scopes it can have
/// changed (<see cref="RegistryScopes"/>).</summary>
public sealed record RegistryChange(long Previous, long Revision, IReadOnlyList<string> Scopes);
