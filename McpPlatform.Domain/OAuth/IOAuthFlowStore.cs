namespace McpPlatform.Domain.OAuth;

/// <summary>Flow state shared by every instance (Redis; memory when there is none), expiring after the flow TTL.</summary>
public interface IOAuthFlowStore
{
    /// <summary>Stores the flow (replacing any earlier one of the same flow id, whose state then stops working).</summary>
    Task SaveAsync(OAuthFlow flow, CancellationToken ct);

    /// <summary>Stores the flow unless its flow id has a pending, not cancelled flow, which is kept and returned
    /// instead; else returns the flow stored (which replaces any earlier one as <see cref="SaveAsync"/> does). One
    /// round trip where reading, then saving, took two.</summary>
    Task<OAuthFlow> SaveUnlessPendingAsync(OAuthFlow flow, CancellationToken ct);

    Task<OAuthFlow?> GetAsync(string flowId, CancellationToken ct);

    /// <summary>Several flows in one round trip; ids without a flow are absent.</summary>
    Task<IReadOnlyDictionary<string, OAuthFlow>> GetManyAsync(IReadOnlyCollection<string> flowIds, CancellationToken ct);

    /// <summary>The flow a callback's state leads to, as it was found. If it was <c>Pending</c>, it has been moved
    /// to <c>Exchanging</c> in the same atomic step: the one caller that sees <c>Pending</c> holds the flow and is the
    /// delivery that may exchange the code (one round trip where finding and claiming took two).</summary>
    Task<OAuthFlow?> ClaimByStateAsync(string state, CancellationToken ct);

    /// <summary>Atomically moves the flow from <paramref name="expected"/> to <paramref name="target"/> (recording
    /// <paramref name="failure"/>, when given); false if it was not in <paramref name="expected"/>.</summary>
    Task<bool> TryTransitionAsync(string flowId, FlowStatus expected, FlowStatus target, string? failure, CancellationToken ct);

    Task DeleteAsync(string flowId, CancellationToken ct);
}
