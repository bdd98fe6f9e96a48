namespace McpPlatform.Domain.Connections;

/// <summary>Told by the session runtime what its sessions listed and which lists no longer hold, so that the tool
/// catalogue keeps them (<see cref="ToolCatalogWriter"/>).</summary>
public interface IToolListObserver
{
    /// <summary>A fresh session listed its tools, or re-listed them after <c>notifications/tools/list_changed</c>.</summary>
    Task ListedAsync(ConnectionKey key, IReadOnlyList<ToolInfo> tools, CancellationToken ct);

    /// <summary>What was listed for the key no longer holds (closed on request, or a re-listing failed).</summary>
    Task ForgetAsync(ConnectionKey key, CancellationToken ct);

    /// <summary>Nothing listed for the server holds any more, for any owner.</summary>
    Task ForgetServerAsync(string serverName, CancellationToken ct);
}
