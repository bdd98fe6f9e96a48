using McpPlatform.Domain.Servers;

namespace McpPlatform.Tests.Fixtures;

/// <summary>The change revisions for component tests, where the repositories that move them in PostgreSQL are not
/// there: counters the test moves as a committed change would, with a change log as the reader keeps one.</summary>
public sealed class CountingChangeRevisions : IChangeRevisions
{
    private readonly Lock _sync = new();
    private readonly RegistryChangeLog _log = new();
    private long _registry = 1;
    private long _roles = 1;

    public CountingChangeRevisions() => _log.Advance(_registry, []);

    public Task<ChangeRevisions> ReadAsync(CancellationToken ct)
    {
        lock (_sync)
        {
            return Task.FromResult(new ChangeRevisions(_registry, _roles, _log));
        }
    }

    /// <summary>A registry change that logged nothing (as a restore or a reset would): nothing kept before it is served.</summary>
    public void RegistryChanged()
    {
        lock (_sync)
        {
            _registry++;
            _log.Advance(_registry, []);
        }
    }

    /// <summary>A registry change that logged the scopes it touched.</summary>
    public void RegistryChanged(params string[] scopes)
    {
        lock (_sync)
        {
            var previous = _registry++;
            _log.Advance(_registry, [new RegistryChange(previous, _registry, scopes)]);
        }
    }

    public void RolesChanged() => Interlocked.Increment(ref _roles);
}
