namespace McpPlatform.Infrastructure.Persistence.Entities;

/// <summary>One revision of what instances keep in memory (<c>revisions</c>): <see cref="Registry"/> or
/// <see cref="Roles"/>, moved by every change to what it covers in that change's transaction.</summary>
public sealed class RevisionRow
{
    public const string Registry = "registry";
    public const string Roles = "roles";

    public required string Scope { get; set; }
    public long Value { get; set; }
}
