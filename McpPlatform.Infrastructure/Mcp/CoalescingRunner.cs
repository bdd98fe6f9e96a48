namespace McpPlatform.Infrastructure.Mcp;

/// <summary>
/// Runs an action when asked, coalescing the requests: at most one run in flight and at most one more queued behind
/// it, however many requests arrive meanwhile — a server may send <c>notifications/tools/list_changed</c> as fast as it
/// likes, and each one would otherwise start a <c>tools/list</c> of its own. Every request is covered by a run that
/// starts after it; the task returned completes with that run (it never faults).
/// </summary>
public sealed class CoalescingRunner(Func<Task> run)
{
    private readonly Lock _sync = new();
    private TaskCompletionSource? _running;
    private TaskCompletionSource? _queued;

    public Task RequestAsync()
    {
        TaskCompletionSource first;
        lock (_sync)
        {
            if (_running is not null)
            {
                return (_queued ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }

            _running = first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        _ = RunAsync(first);
        return first.Task;
    }

    private async Task RunAsync(TaskCompletionSource current)
    {
        // Whoever asked (a notification handler) does not wait for the run to start.
        await Task.Yield();
        while (true)
        {
            try
            {
                await run();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Nobody waits on a run to report to; the next request runs it again.
            }

            current.TrySetResult();
            lock (_sync)
            {
                if (_queued is null)
                {
                    _running = null;
                    return;
                }

                _running = current = _queued;
                _queued = null;
            }
        }
    }
}
