namespace McpPlatform.Domain.OAuth;

/// <summary>A lock held across every instance (Redis), for single-flight refreshes.</summary>
public interface IDistributedLock
{
    Task<IAsyncDisposable?> TryAcquireAsync(string key, TimeSpan hold, TimeSpan wait, CancellationToken ct);
}
