namespace McpPlatform.Domain.Connections;

/// <summary>Told when a server's definition changes or it is deleted, so live state for it is dropped.</summary>
public interface IServerChangeListener
{
    Task ServerChangedAsync(string serverName, CancellationToken ct);
}
