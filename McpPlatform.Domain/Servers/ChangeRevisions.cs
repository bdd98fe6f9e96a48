namespace McpPlatform.Domain.Servers;

/// <summary>The registry's and the roles' revisions at one moment (see <see cref="IChangeRevisions"/>), with what this
/// instance knows of the scopes each registry change touched (<see cref="RegistryChangeLog"/>; none: a value kept
/// at another revision is never reused).</summary>
public sealed record ChangeRevisions(long Registry, long Roles, RegistryChangeLog? Changes = null)
{
    /// <summary>Whether a value read at registry revision <paramref name="keptAt"/> covering
    /// <paramref name="scopes"/> may be served at this moment.</summary>
    public bool StillCurrent(long keptAt, IReadOnlyList<string> scopes) =>
        keptAt >= Registry || (Changes?.UnchangedSince(keptAt, scopes) ?? false);
}
