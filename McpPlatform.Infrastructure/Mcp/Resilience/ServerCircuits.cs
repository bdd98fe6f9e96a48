using System.Collections.Concurrent;
using McpPlatform.Domain.Connections;

namespace McpPlatform.Infrastructure.Mcp.Resilience;

/// <summary>Each server's resilience pipelines (<see cref="ServerResilience"/>), made on first use from the options
/// then in force and forgotten when the server changes.</summary>
internal sealed class ServerCircuits(ConnectionOptions options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, ServerResilience> _servers = new(StringComparer.Ordinal);

    public ServerResilience For(string serverName) => _servers.GetOrAdd(serverName, name => new ServerResilience(name, options, clock));

    public void Forget(string serverName) => _servers.TryRemove(serverName, out _);
}
