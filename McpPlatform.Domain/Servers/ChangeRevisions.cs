namespace McpPlatform.Domain.Servers;

/// <summary>The registry's and the roles' revisions at one moment (see <see cref="IChangeRevisions"/>).</summary>
public sealed record ChangeRevisions(long Registry, long Roles);
