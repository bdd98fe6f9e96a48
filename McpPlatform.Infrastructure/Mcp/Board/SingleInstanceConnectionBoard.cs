using McpPlatform.Domain.Connections;

namespace McpPlatform.Infrastructure.Mcp.Board;

/// <summary>The board without Redis, where one instance runs: its own sessions are every connection there is, so
/// nothing is recorded and status reads use the sessions themselves.</summary>
public sealed class SingleInstanceConnectionBoard : IConnectionBoard
{
    public Task RecordAsync(ConnectionKey key, ConnectionSnapshot snapshot, CancellationToken ct) => Task.CompletedTask;

    public Task ClearAsync(ConnectionKey key, CancellationToken ct) => Task.CompletedTask;

    public Task<IReadOnlyDictionary<ConnectionKey, IReadOnlyList<ConnectionSnapshot>>?> ReadAsync(IReadOnlyList<string> owners, CancellationToken ct) =>
        Task.FromResult<IReadOnlyDictionary<ConnectionKey, IReadOnlyList<ConnectionSnapshot>>?>(null);
}
