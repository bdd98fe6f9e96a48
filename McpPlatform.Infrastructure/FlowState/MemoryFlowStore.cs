using System.Collections.Concurrent;
using McpPlatform.Domain.OAuth;

namespace McpPlatform.Infrastructure.FlowState;

/// <summary>Flows in this process, for a single instance without Redis.</summary>
public sealed class MemoryFlowStore(OAuthOptions options, TimeProvider clock) : IOAuthFlowStore
{
    private readonly ConcurrentDictionary<string, (OAuthFlow Flow, DateTimeOffset Expires)> _flows = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _states = new(StringComparer.Ordinal);

    public Task SaveAsync(OAuthFlow flow, CancellationToken ct)
    {
        lock (_flows)
        {
            Store(flow);
        }

        return Task.CompletedTask;
    }

    public Task<OAuthFlow> SaveUnlessPendingAsync(OAuthFlow flow, CancellationToken ct)
    {
        lock (_flows)
        {
            if (_flows.TryGetValue(flow.FlowId, out var entry) && entry.Expires > clock.GetUtcNow() && entry.Flow is { Status: FlowStatus.Pending, Cancelled: false } pending)
            {
                return Task.FromResult(pending);
            }

            Store(flow);
            return Task.FromResult(flow);
        }
    }

    public Task<OAuthFlow?> GetAsync(string flowId, CancellationToken ct) =>
        Task.FromResult(_flows.TryGetValue(flowId, out var entry) && entry.Expires > clock.GetUtcNow() ? entry.Flow : null);

    public async Task<IReadOnlyDictionary<string, OAuthFlow>> GetManyAsync(IReadOnlyCollection<string> flowIds, CancellationToken ct)
    {
        var result = new Dictionary<string, OAuthFlow>(StringComparer.Ordinal);
        foreach (var id in flowIds)
        {
            if (await GetAsync(id, ct) is { } flow)
            {
                result[id] = flow;
            }
        }

        return result;
    }

    public Task<OAuthFlow?> ClaimByStateAsync(string state, CancellationToken ct)
    {
        lock (_flows)
        {
            if (!_states.TryGetValue(state, out var flowId) || !_flows.TryGetValue(flowId, out var entry) ||
                entry.Expires <= clock.GetUtcNow() || entry.Flow.State != state)
            {
                return Task.FromResult<OAuthFlow?>(null);
            }

            if (entry.Flow.Status == FlowStatus.Pending)
            {
                _flows[flowId] = (entry.Flow with { Status = FlowStatus.Exchanging }, clock.GetUtcNow() + FlowJson.Retention(options));
            }

            return Task.FromResult<OAuthFlow?>(entry.Flow);
        }
    }

    public Task<bool> TryTransitionAsync(string flowId, FlowStatus expected, FlowStatus target, string? failure, CancellationToken ct)
    {
        lock (_flows)
        {
            if (!_flows.TryGetValue(flowId, out var entry) || entry.Expires <= clock.GetUtcNow() || entry.Flow.Status != expected)
            {
                return Task.FromResult(false);
            }

            _flows[flowId] = (entry.Flow with { Status = target, Error = failure ?? entry.Flow.Error }, clock.GetUtcNow() + FlowJson.Retention(options));
            return Task.FromResult(true);
        }
    }

    public Task DeleteAsync(string flowId, CancellationToken ct)
    {
        lock (_flows)
        {
            if (_flows.TryRemove(flowId, out var entry))
            {
                _states.TryRemove(entry.Flow.State, out _);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Under the lock: the flow replaces the earlier one of its id, whose state stops leading to it.</summary>
    private void Store(OAuthFlow flow)
    {
        if (_flows.TryGetValue(flow.FlowId, out var previous))
        {
            _states.TryRemove(previous.Flow.State, out _);
        }

        _flows[flow.FlowId] = (flow, clock.GetUtcNow() + FlowJson.Retention(options));
        _states[flow.State] = flow.FlowId;
    }
}
