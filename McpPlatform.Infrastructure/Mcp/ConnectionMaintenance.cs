using McpPlatform.Domain.Connections;
using McpPlatform.Domain.Servers;
using McpPlatform.Infrastructure.Mcp.Sessions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace McpPlatform.Infrastructure.Mcp;

/// <summary>
/// Connects app-level servers that need no per-user authorization in the background at start-up (unless
/// <c>startup: false</c>), then keeps evicting idle per-user connections. Start-up never waits for a server.
/// </summary>
public sealed partial class ConnectionMaintenance(
    McpSessionPool pool,
    IAppServerCatalog appServers,
    ConnectionOptions options,
    ILogger<ConnectionMaintenance> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var warmups = appServers.All
            .Where(s => s.Config.Startup != false && !ConnectionKey.IsPerUser(s.Config))
            .Select(s => WarmUpAsync(s, stoppingToken))
            .ToList();

        var period = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(1).Ticks, options.UserConnectionIdleTimeout.Ticks / 4));
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var evicted = await pool.EvictIdleAsync();
                if (evicted > 0)
                {
                    ClosedIdle(logger, evicted);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }

        await Task.WhenAll(warmups);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Close every session, so no stdio child process or socket outlives the API.
        await pool.DisposeAsync();
    }

    private async Task WarmUpAsync(AppServer server, CancellationToken ct)
    {
        var usable = UsableServer.Of(server);
        var (target, _) = ConnectionTargets.Build(usable, new Dictionary<string, string>(), options);
        try
        {
            var connected = await pool.GetOrConnectAsync(new ConnectionKey(server.Name, ConnectionKey.Shared), () => target, server.LoadedAt, 0, ct);
            if (connected.IsSuccess)
            {
                Connected(logger, server.Name);
            }
            else
            {
                NotReachableYet(logger, server.Name, connected.Error!.Message);
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down before the server answered.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed {Count} idle per-user MCP connections")]
    private static partial void ClosedIdle(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected app-level MCP server {Server}")]
    private static partial void Connected(ILogger logger, string server);

    [LoggerMessage(Level = LogLevel.Warning, Message = "App-level MCP server {Server} is not reachable yet: {Reason}")]
    private static partial void NotReachableYet(ILogger logger, string server, string? reason);
}
