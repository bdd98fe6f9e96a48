namespace McpPlatform.Infrastructure.Persistence.Entities;

/// <summary>One registry change (<c>registry_changes</c>): the registry revision it moved from and to, and the scopes
/// (<see cref="Domain.Servers.RegistryScopes"/>) it can have changed. Kept for an hour; instances read what was logged
/// since they last looked (ADR 0042).</summary>
public sealed class RegistryChangeRow
{
    public long Revision { get; set; }
    public long Previous { get; set; }
    public required string[] Scopes { get; set; }
}
