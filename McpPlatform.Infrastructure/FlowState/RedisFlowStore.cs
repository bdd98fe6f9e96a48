using System.Text.Json;
using McpPlatform.Domain.OAuth;
using StackExchange.Redis;

namespace McpPlatform.Infrastructure.FlowState;

/// <summary>
/// Flows in Redis, visible to every instance: the flow under its id, its state under the state value, both with the
/// flow TTL (reset on each write). The claim by state and each status transition are one Lua script each, so exactly
/// one delivery exchanges a code.
/// </summary>
public sealed class RedisFlowStore(IConnectionMultiplexer redis, OAuthOptions options) : IOAuthFlowStore
{
    private const string TransitionScript = """
        local value = redis.call('GET', KEYS[1])
        if not value then return 0 end
        local flow = cjson.decode(value)
        if flow['status'] ~= ARGV[1] then return 0 end
        flow['status'] = ARGV[2]
        if ARGV[3] ~= '' then flow['error'] = ARGV[3] end
        redis.call('SET', KEYS[1], cjson.encode(flow), 'PX', ARGV[4])
        return 1
        """;

    /// <summary>A flow replaces the user's earlier one for the server, whose state stops leading to it: one round trip,
    /// and no moment where both states lead to a flow. With ARGV[5] = 1 a pending, not cancelled flow is kept
    /// instead and returned.</summary>
    private const string SaveScript = """
        local previous = redis.call('GET', KEYS[1])
        if previous then
            local flow = cjson.decode(previous)
            if ARGV[5] == '1' and flow['status'] == 'Pending' and flow['cancelled'] ~= true then return previous end
            local state = flow['state']
            if state and ARGV[4] .. state ~= KEYS[2] then redis.call('DEL', ARGV[4] .. state) end
        end
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
        redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
        return false
        """;

    /// <summary>The flow a state leads to, as found, claimed (Pending → Exchanging) if it was pending and the state
    /// is still its own: one round trip. The flow's key is named from ARGV[1] and the id.</summary>
    private const string ClaimByStateScript = """
        local flowId = redis.call('GET', KEYS[1])
        if not flowId then return false end
        local key = ARGV[1] .. flowId
        local value = redis.call('GET', key)
        if not value then return false end
        local flow = cjson.decode(value)
        if flow['state'] == ARGV[2] and flow['status'] == 'Pending' then
            flow['status'] = 'Exchanging'
            redis.call('SET', key, cjson.encode(flow), 'PX', ARGV[3])
        end
        return value
        """;

    private const string StateKeyPrefix = "mcp:oauth:state:";
    private const string FlowKeyPrefix = "mcp:oauth:flow:";

    public async Task SaveAsync(OAuthFlow flow, CancellationToken ct) => await SaveAsync(flow, keepPending: false);

    public Task<OAuthFlow> SaveUnlessPendingAsync(OAuthFlow flow, CancellationToken ct) => SaveAsync(flow, keepPending: true);

    public async Task<OAuthFlow?> GetAsync(string flowId, CancellationToken ct)
    {
        using var span = Caching.RedisTrace.Start("GET flow");
        var value = await redis.GetDatabase().StringGetAsync(FlowKey(flowId));
        return value.IsNull ? null : JsonSerializer.Deserialize<OAuthFlow>(value.ToString(), FlowJson.Options);
    }

    public async Task<IReadOnlyDictionary<string, OAuthFlow>> GetManyAsync(IReadOnlyCollection<string> flowIds, CancellationToken ct)
    {
        var result = new Dictionary<string, OAuthFlow>(StringComparer.Ordinal);
        if (flowIds.Count == 0)
        {
            return result;
        }

        using var span = Caching.RedisTrace.Start("MGET flows");
        var ids = flowIds.ToList();
        var values = await redis.GetDatabase().StringGetAsync([.. ids.Select(id => (RedisKey)FlowKey(id))]);
        for (var i = 0; i < ids.Count; i++)
        {
            if (!values[i].IsNull && JsonSerializer.Deserialize<OAuthFlow>(values[i].ToString(), FlowJson.Options) is { } flow)
            {
                result[ids[i]] = flow;
            }
        }

        return result;
    }

    public async Task<OAuthFlow?> ClaimByStateAsync(string state, CancellationToken ct)
    {
        using var span = Caching.RedisTrace.Start("EVAL flow claim");
        var value = (RedisValue)await redis.GetDatabase().ScriptEvaluateAsync(ClaimByStateScript, [StateKey(state)],
            [FlowKeyPrefix, state, (long)FlowJson.Retention(options).TotalMilliseconds]);
        var flow = value.IsNull ? null : JsonSerializer.Deserialize<OAuthFlow>(value.ToString(), FlowJson.Options);
        return flow?.State == state ? flow : null;
    }

    public async Task<bool> TryTransitionAsync(string flowId, FlowStatus expected, FlowStatus target, string? failure, CancellationToken ct)
    {
        using var span = Caching.RedisTrace.Start("EVAL flow transition");
        var result = await redis.GetDatabase().ScriptEvaluateAsync(TransitionScript, [FlowKey(flowId)],
            [expected.ToString(), target.ToString(), failure ?? string.Empty, (long)FlowJson.Retention(options).TotalMilliseconds]);
        return (long)result == 1;
    }

    public async Task DeleteAsync(string flowId, CancellationToken ct)
    {
        var db = redis.GetDatabase();
        if (await GetAsync(flowId, ct) is { } flow)
        {
            await db.KeyDeleteAsync(StateKey(flow.State));
        }

        await db.KeyDeleteAsync(FlowKey(flowId));
    }

    private async Task<OAuthFlow> SaveAsync(OAuthFlow flow, bool keepPending)
    {
        using var span = Caching.RedisTrace.Start(keepPending ? "EVAL flow save unless pending" : "EVAL flow save");
        var value = (RedisValue)await redis.GetDatabase().ScriptEvaluateAsync(SaveScript, [FlowKey(flow.FlowId), StateKey(flow.State)],
            [JsonSerializer.Serialize(flow, FlowJson.Options), flow.FlowId, (long)FlowJson.Retention(options).TotalMilliseconds, StateKeyPrefix, keepPending ? "1" : "0"]);
        return value.IsNull ? flow : JsonSerializer.Deserialize<OAuthFlow>(value.ToString(), FlowJson.Options)!;
    }

    private static string FlowKey(string flowId) => FlowKeyPrefix + flowId;

    private static string StateKey(string state) => StateKeyPrefix + state;
}
