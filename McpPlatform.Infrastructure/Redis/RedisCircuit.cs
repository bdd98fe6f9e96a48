using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using StackExchange.Redis;

namespace McpPlatform.Infrastructure.Redis;

/// <summary>
/// The one way the adapters talk to Redis: each command (or pipelined batch) gets <see cref="RedisOptions.CommandTimeout"/>,
/// and a circuit breaker opens after repeated failures or timeouts. While it is open every command fails at once with
/// <see cref="RedisUnavailableException"/> — the API answers 503 and the reads that can fall back to PostgreSQL do so —
/// instead of each waiting out the client's own timeout (5 s) on a paused or unreachable Redis. After
/// <see cref="RedisOptions.BreakDuration"/> one command probes Redis; its answer closes the circuit.
/// Answers that are errors (a script error, a wrong type) say Redis is up and do not count.
/// </summary>
public sealed class RedisCircuit
{
    private readonly ResiliencePipeline _pipeline;
    private readonly CircuitBreakerStateProvider _state = new();
    private readonly TimeSpan _timeout;

    public RedisCircuit(IOptions<RedisOptions> options, TimeProvider clock)
    {
        var o = options.Value;
        _timeout = o.CommandTimeout;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = clock }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = o.BreakAfterFailures,
                SamplingDuration = o.SamplingDuration,
                BreakDuration = o.BreakDuration,
                ShouldHandle = new PredicateBuilder()
                    .Handle<RedisConnectionException>()
                    .Handle<TimeoutException>()
                    .Handle<TimeoutRejectedException>(),
                StateProvider = _state,
            })
            .AddTimeout(o.CommandTimeout)
            .Build();
    }

    /// <summary>Open or probing: commands are refused (all, or all but the probe).</summary>
    public bool IsOpen => _state.CircuitState != CircuitState.Closed;

    public async Task<T> RunAsync<T>(Func<Task<T>> command, CancellationToken ct)
    {
        var context = ResilienceContextPool.Shared.Get(ct);
        try
        {
            // The client's commands take no cancellation token: WaitAsync lets the timeout give up waiting for one.
            return await _pipeline.ExecuteAsync(static async (c, command) => await command().WaitAsync(c.CancellationToken), context, command);
        }
        catch (BrokenCircuitException e)
        {
            throw new RedisUnavailableException("The circuit in front of Redis is open after repeated failures", e);
        }
        catch (TimeoutRejectedException e)
        {
            throw new RedisUnavailableException($"Redis did not answer within {_timeout.TotalMilliseconds} ms", e);
        }
        catch (RedisTimeoutException e)
        {
            // The client's own timeout (when it is the shorter one) is a TimeoutException, not a RedisException: it
            // would be answered as the database being unavailable.
            throw new RedisUnavailableException("Redis did not answer within the client's timeout", e);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    public Task RunAsync(Func<Task> command, CancellationToken ct) => RunAsync(async () =>
    {
        await command();
        return true;
    }, ct);
}
