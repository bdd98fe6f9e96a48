using McpPlatform.Domain.Common;
using McpPlatform.Domain.Connections;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace McpPlatform.Infrastructure.Mcp.Resilience;

/// <summary>
/// One server's Polly pipelines (docs/decisions/0010). Connects pass a circuit breaker, then retries with linear
/// backoff; calls on open sessions pass a circuit breaker of their own, then the call timeout. Two breakers, because a
/// server fails in two ways that must not mask each other: it refuses sessions, or it accepts them and never completes
/// a call (each failed call closes its session, so the next one connects anew, successfully). While the calls'
/// circuit is not closed, connects pass it too: it refuses them, and after its cooldown a connect is its probe.
/// </summary>
internal sealed class ServerResilience
{
    /// <summary>What a caller refused while a half-open circuit's probe is in flight is told to wait.</summary>
    private static readonly TimeSpan ProbeInFlight = TimeSpan.FromSeconds(1);

    private static readonly ResiliencePropertyKey<bool> Opened = new("mcp.circuit-opened");

    private readonly string _serverName;
    private readonly Circuit _connects;
    private readonly Circuit _calls;
    private readonly ResiliencePipeline _callTimeout;

    public ServerResilience(string serverName, ConnectionOptions options, TimeProvider clock)
    {
        _serverName = serverName;
        var connects = new ResiliencePipelineBuilder<Error?> { TimeProvider = clock };
        var connectCircuit = new Circuit(options);
        connects.AddCircuitBreaker(connectCircuit.Options);
        if (options.ConnectAttempts > 1)
        {
            connects.AddRetry(new RetryStrategyOptions<Error?>
            {
                MaxRetryAttempts = options.ConnectAttempts - 1,
                Delay = options.RetryBackoff,
                BackoffType = DelayBackoffType.Linear,
                UseJitter = false,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { } error && UpstreamErrors.IsServerFault(error)),
            });
        }

        connectCircuit.Pipeline = connects.Build();
        _connects = connectCircuit;
        _calls = new Circuit(options);
        _calls.Pipeline = new ResiliencePipelineBuilder<Error?> { TimeProvider = clock }.AddCircuitBreaker(_calls.Options).Build();
        _callTimeout = new ResiliencePipelineBuilder { TimeProvider = clock }.AddTimeout(options.ToolCallTimeout).Build();
    }

    /// <summary>Runs one connect (all its attempts) through the server's circuits. <c>Opened</c>: this failure opened a circuit.</summary>
    public async Task<(Error? Error, bool Opened)> ConnectAsync(Func<CancellationToken, Task<Error?>> attempt, CancellationToken ct)
    {
        if (_calls.State.CircuitState == CircuitState.Closed)
        {
            return await RunAsync(_connects, attempt, ct);
        }

        var connectsOpened = false;
        var (error, opened) = await RunAsync(_calls, async c =>
        {
            var connect = await RunAsync(_connects, attempt, c);
            connectsOpened = connect.Opened;
            return connect.Error;
        }, ct);
        return (error, opened || connectsOpened);
    }

    /// <summary>Runs one operation on an open session through the calls' circuit.</summary>
    public Task<(Error? Error, bool Opened)> CallAsync(Func<CancellationToken, Task<Error?>> call, CancellationToken ct) => RunAsync(_calls, call, ct);

    /// <summary>Runs <paramref name="call"/> within the tool call timeout; false when it ran out.</summary>
    public async Task<bool> WithinCallTimeoutAsync(Func<CancellationToken, Task> call, CancellationToken ct)
    {
        try
        {
            await _callTimeout.ExecuteAsync(async c => await call(c), ct);
            return true;
        }
        catch (TimeoutRejectedException)
        {
            return false;
        }
    }

    private async Task<(Error? Error, bool Opened)> RunAsync(Circuit circuit, Func<CancellationToken, Task<Error?>> action, CancellationToken ct)
    {
        var context = ResilienceContextPool.Shared.Get(ct);
        try
        {
            var error = await circuit.Pipeline!.ExecuteAsync(async c => await action(c.CancellationToken), context);
            if (error is null && circuit.State.CircuitState == CircuitState.Closed)
            {
                // The breaker counts "so many failures in a row": an answer starts the count afresh.
                await circuit.Reset.CloseAsync(CancellationToken.None);
            }

            return (error, context.Properties.GetValue(Opened, false));
        }
        catch (BrokenCircuitException e)
        {
            var retryAfter = circuit.State.CircuitState == CircuitState.HalfOpen ? ProbeInFlight : e.RetryAfter ?? circuit.Cooldown;
            return (UpstreamErrors.CircuitOpen(_serverName, retryAfter), false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>One circuit breaker: the pipeline it guards, its state and the control that resets its count.</summary>
    private sealed class Circuit
    {
        public Circuit(ConnectionOptions options)
        {
            Cooldown = options.CircuitBreakerCooldown;
            Options = new CircuitBreakerStrategyOptions<Error?>
            {
                // Polly counts a failure ratio over a window: every outcome a failure, at least N of them, with the
                // count reset by each answer (RunAsync) — N failures in a row.
                FailureRatio = 1.0,
                MinimumThroughput = options.CircuitBreakerFailures,
                SamplingDuration = TimeSpan.FromDays(1),
                BreakDuration = options.CircuitBreakerCooldown,
                // Authorization problems and refusals are answers: they say nothing about the server's health.
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { } error && (UpstreamErrors.IsServerFault(error) || UpstreamErrors.IsCircuitOpen(error))),
                StateProvider = State,
                ManualControl = Reset,
                OnOpened = args =>
                {
                    args.Context.Properties.Set(Opened, true);
                    return ValueTask.CompletedTask;
                },
            };
        }

        public CircuitBreakerStateProvider State { get; } = new();

        public CircuitBreakerManualControl Reset { get; } = new();

        public TimeSpan Cooldown { get; }

        public CircuitBreakerStrategyOptions<Error?> Options { get; }

        public ResiliencePipeline<Error?>? Pipeline { get; set; }
    }
}
