using System.Text.Json;
using McpPlatform.Domain.OAuth;
using McpPlatform.Infrastructure.Redis;
using StackExchange.Redis;

namespace McpPlatform.Infrastructure.FlowState;

/// <summary>
/// Flows in Redis, visible to every instance: the flow under its id, and a pointer from its state value to the id,
/// both with the flow TTL (reset on each write). Every script touches only the flow's key, which it is given, so the
/// store works on a Redis Cluster, where the flow and its state pointer lie in different slots. The flow is the truth:
/// a claim follows the state's pointer and then, in one script on the flow, proceeds only if the flow still has that
/// state and is pending, so a pointer left behind by a replaced flow leads nowhere and exactly one delivery exchanges a
/// code.
/// </summary>
public sealed class RedisFlowStore(IConnectionMultiplexer redis, RedisCircuit circuit, OAuthOptions options) : IOAuthFlowStore
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

    /// <summary>Stores the flow (KEYS[1]) and answers { 'saved', the state of the flow it replaced or '' }. With
    /// ARGV[3] = 1 a pending, not cancelled flow is kept instead: { 'kept', that flow }.</summary>
    private const string SaveScript = """
        local previous = redis.call('GET', KEYS[1])
        local replaced = ''
        if previous then
            local flow = cjson.decode(previous)
            if ARGV[3] == '1' and flow['status'] == 'Pending' and flow['cancelled'] ~= true then return { 'kept', previous } end
            if type(flow['state']) == 'string' then replaced = flow['state'] end
        end
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        return { 'saved', replaced }
        """;

    /// <summary>The flow (KEYS[1]) a state (ARGV[1]) pointed to, as found, if it still has that state; claimed
    /// (Pending → Exchanging) if it was pending.</summary>
    private const string ClaimScript = """
        local value = redis.call('GET', KEYS[1])
        if not value then return false end
        local flow = cjson.decode(value)
        if flow['state'] ~= ARGV[1] then return false end
        if flow['status'] == 'Pending' then
            flow['status'] = 'Exchanging'
            redis.call('SET', KEYS[1], cjson.encode(flow), 'PX', ARGV[2])
        end
        return value
        """;

    private const string StateKeyPrefix = "mcp:oauth:state:";
    private const string FlowKeyPrefix = "mcp:oauth:flow:";

    public async Task SaveAsync(OAuthFlow flow, CancellationToken ct) => await SaveAsync(flow, keepPending: false, ct);

    public Task<OAuthFlow> SaveUnlessPendingAsync(OAuthFlow flow, CancellationToken ct) => SaveAsync(flow, keepPending: true, ct);

    public async Task<OAuthFlow?> GetAsync(string flowId, CancellationToken ct)
    {
        using var span = Caching.RedisTrace.Start("GET flow");
        var value = await circuit.RunAsync(() => redis.GetDatabase().StringGetAsync(FlowKey(flowId)), ct);
        return value.IsNull ? null : JsonSerializer.Deserialize<OAuthFlow>(value.ToString(), FlowJson.Options);
    }

    public async Task<IReadOnlyDictionary<string, OAuthFlow>> GetManyAsync(IReadOnlyCollection<string> flowIds, CancellationToken ct)
    {
        var result = new Dictionary<string, OAuthFlow>(StringComparer.Ordinal);
        if (flowIds.Count == 0)
        {
            return result;
        }

        // Single-key GETs sent together (pipelined, each to its node on a cluster): the flows lie in different slots.
        using var span = Caching.RedisTrace.Start("GET flows");
        var ids = flowIds.ToList();
        var db = redis.GetDatabase();
        var values = await circuit.RunAsync(() => Task.WhenAll(ids.Select(id => db.StringGetAsync(FlowKey(id)))), ct);
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
        var db = redis.GetDatabase();
        var flowId = await circuit.RunAsync(() => db.StringGetAsync(StateKey(state)), ct);
        if (flowId.IsNull)
        {
            return null;
        }

        var value = (RedisValue)await circuit.RunAsync(() => db.ScriptEvaluateAsync(ClaimScript, [FlowKey(flowId.ToString())],
            [state, (long)FlowJson.Retention(options).TotalMilliseconds]), ct);
        var flow = value.IsNull ? null : JsonSerializer.Deserialize<OAuthFlow>(value.ToString(), FlowJson.Options);
        return flow?.State == state ? flow : null;
    }

    public async Task<bool> TryTransitionAsync(string flowId, FlowStatus expected, FlowStatus target, string? failure, CancellationToken ct)
    {
        using var span = Caching.RedisTrace.Start("EVAL flow transition");
        var result = await circuit.RunAsync(() => redis.GetDatabase().ScriptEvaluateAsync(TransitionScript, [FlowKey(flowId)],
            [expected.ToString(), target.ToString(), failure ?? string.Empty, (long)FlowJson.Retention(options).TotalMilliseconds]), ct);
        return (long)result == 1;
    }

    public async Task DeleteAsync(string flowId, CancellationToken ct)
    {
        var db = redis.GetDatabase();
        if (await GetAsync(flowId, ct) is { } flow)
        {
            await circuit.RunAsync(() => db.KeyDeleteAsync(StateKey(flow.State)), ct);
        }

        await circuit.RunAsync(() => db.KeyDeleteAsync(FlowKey(flowId)), ct);
    }

    /// <summary>The flow first, then its state's pointer, then the replaced flow's pointer goes. Between the steps a
    /// new state leads nowhere yet (its authorization URL is not out) and an old one leads to a flow that no longer
    /// has it (the claim refuses it): never do two states lead to one flow.</summary>
    private async Task<OAuthFlow> SaveAsync(OAuthFlow flow, bool keepPending, CancellationToken ct)
    {
        using var span = Caching.RedisTrace.Start(keepPending ? "EVAL flow save unless pending" : "EVAL flow save");
        var db = redis.GetDatabase();
        var retention = FlowJson.Retention(options);
        var answer = (RedisResult[])(await circuit.RunAsync(() => db.ScriptEvaluateAsync(SaveScript, [FlowKey(flow.FlowId)],
            [JsonSerializer.Serialize(flow, FlowJson.Options), (long)retention.TotalMilliseconds, keepPending ? "1" : "0"]), ct))!;
        if ((string?)answer[0] == "kept")
        {
            return JsonSerializer.Deserialize<OAuthFlow>((string)answer[1]!, FlowJson.Options)!;
        }

        var replacedState = (string?)answer[1];
        await circuit.RunAsync(() => db.StringSetAsync(StateKey(flow.State), flow.FlowId, retention), ct);
        if (!string.IsNullOrEmpty(replacedState) && replacedState != flow.State)
        {
            await circuit.RunAsync(() => db.KeyDeleteAsync(StateKey(replacedState)), ct);
        }

        return flow;
    }

    private static string FlowKey(string flowId) => FlowKeyPrefix + flowId;

    private static string StateKey(string state) => StateKeyPrefix + state;
}
