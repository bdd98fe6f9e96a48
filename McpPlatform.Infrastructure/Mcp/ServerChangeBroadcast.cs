using McpPlatform.Domain.Connections;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace McpPlatform.Infrastructure.Mcp;

/// <summary>
/// Server changes reach every instance: this one drops its connections at once, and the change is published on a
/// Redis channel so the others drop theirs too (their tool caches are shared in Redis already). After a Redis
/// outage each instance clears its in-process caches once, since it may have missed messages or tools revision moves
/// (what it keeps from the registry and the roles needs no clearing: their revisions live in PostgreSQL).
/// The channel is classic pub/sub, which a Redis Cluster delivers to subscribers on every node.
/// </summary>
public sealed partial class ServerChangeBroadcast(
    IMcpSessions sessions, IConnectionMultiplexer redis, Redis.RedisCircuit circuit, IMemoryCache memory, ILogger<ServerChangeBroadcast> logger)
    : IServerChangeListener, IHostedService
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("mcp:server-changed");

    private readonly string _instance = Guid.NewGuid().ToString("N");

    public async Task ServerChangedAsync(string serverName, CancellationToken ct)
    {
        await sessions.DropServerAsync(serverName, ct);
        try
        {
            await circuit.RunAsync(() => redis.GetSubscriber().PublishAsync(Channel, $"{_instance}|{serverName}"), ct);
        }
        catch (RedisException e)
        {
            // The change is stored; other instances catch up when their connections to it next fail or go idle.
            BroadcastFailed(logger, serverName, e.Message);
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await redis.GetSubscriber().SubscribeAsync(Channel, (channel, message) =>
        {
            var text = message.ToString();
            var separator = text.IndexOf('|', StringComparison.Ordinal);
            if (separator > 0 && text[..separator] != _instance)
            {
                _ = sessions.DropServerAsync(text[(separator + 1)..], CancellationToken.None);
            }
        });
        redis.ConnectionRestored += OnRestored;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionRestored -= OnRestored;
        return Task.CompletedTask;
    }

    private void OnRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Subscription && memory is MemoryCache cache)
        {
            cache.Clear();
            RedisBack(logger);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not broadcast the change of {Server}: {Reason}")]
    private static partial void BroadcastFailed(ILogger logger, string server, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis is back: cleared this instance's in-process caches")]
    private static partial void RedisBack(ILogger logger);
}
