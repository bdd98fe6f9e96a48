using McpPlatform.Infrastructure.Mcp.Sessions;
using Microsoft.Extensions.Hosting;

namespace McpPlatform.Infrastructure.Mcp.Board;

/// <summary>
/// Keeps this instance on the Redis connection board: renews its expiry every
/// <see cref="RedisConnectionBoard.HeartbeatPeriod"/>, closes this instance's session of a key another instance
/// cleared (disconnect, revoke, reinitialize there), and on a graceful shutdown takes the instance and its fields off
/// the board, so its connections stop counting at once rather than after the liveness window. When a beat finds the
/// instance was not live on the board (a lapse longer than the window, or Redis restarted without its data), the
/// instance records its sessions again, since other instances may have deleted them as a dead instance's.
/// </summary>
public sealed class ConnectionBoardHeartbeat(RedisConnectionBoard board, McpSessionPool pool) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await board.SubscribeAsync(pool.CloseHereAsync);
        await BeatAsync();
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await board.UnsubscribeAsync();
        await board.LeaveAsync([.. pool.Snapshots().Select(s => s.Key)]);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RedisConnectionBoard.HeartbeatPeriod);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await BeatAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: StopAsync takes the instance off the board.
        }
    }

    private async Task BeatAsync()
    {
        if (await board.BeatAsync())
        {
            foreach (var (key, snapshot) in pool.Snapshots())
            {
                await board.RecordAsync(key, snapshot, CancellationToken.None);
            }
        }
    }
}
