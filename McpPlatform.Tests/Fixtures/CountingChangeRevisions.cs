using McpPlatform.Domain.Servers;

namespace McpPlatform.Tests.Fixtures;

/// <summary>The change revisions for component tests, where the repositories that move them in PostgreSQL are not
/// there: counters the test moves as a committed change would.</summary>
public sealed class CountingChangeRevisions : IChangeRevisions
{
    private long _registry = 1;
    private long _roles = 1;

    public Task<ChangeRevisions> ReadAsync(CancellationToken ct) =>
        Task.FromResult(new ChangeRevisions(Interlocked.Read(ref _registry), Interlocked.Read(ref _roles)));

    public void RegistryChanged() => Interlocked.Increment(ref _registry);

    public void RolesChanged() => Interlocked.Increment(ref _roles);
}
