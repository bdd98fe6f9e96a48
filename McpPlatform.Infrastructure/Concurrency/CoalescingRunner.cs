namespace McpPlatform.Infrastructure.Concurrency;

/// <summary>
/// Runs a read or an action when asked, coalescing the requests: at most one run in flight and at most one more queued
/// behind it, however many requests arrive meanwhile. Every request is answered by a run that started after it was
/// made, so it sees everything that happened before it — a revision read after a change was answered, a
/// <c>tools/list</c> after the server's <c>notifications/tools/list_changed</c> — while the work stays at one run at a
/// time. The task returned completes with that run's result, or faults with its exception.
/// </summary>
public sealed class CoalescingRunner<T>(Func<Task<T>> run)
{
    private readonly Lock _sync = new();
    private TaskCompletionSource<T>? _running;
    private TaskCompletionSource<T>? _queued;

    public Task<T> RequestAsync()
    {
        TaskCompletionSource<T> first;
        lock (_sync)
        {
            if (_running is not null)
            {
                return (_queued ??= new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }

            _running = first = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        _ = RunAsync(first);
        return first.Task;
    }

    private async Task RunAsync(TaskCompletionSource<T> current)
    {
        // Whoever asked (a notification handler, a request) does not run the work on its own stack.
        await Task.Yield();
        while (true)
        {
            try
            {
                current.TrySetResult(await run());
            }
            catch (Exception e)
            {
                current.TrySetException(e);
            }

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
