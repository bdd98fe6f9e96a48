namespace McpPlatform.Domain.Servers;

/// <summary>
/// Revisions of what every instance keeps in memory and must never serve stale: the registry (servers, who may see
/// them, their client registrations) and the roles' permissions. Each moves in the same database transaction as every
/// change it covers, so once a change has been answered, a read that starts afterwards — on any instance — sees the new
/// revision; a change that rolls back moves nothing.
/// </summary>
public interface IChangeRevisions
{
    /// <summary>The revisions as of a read that started after this call was made.</summary>
    Task<ChangeRevisions> ReadAsync(CancellationToken ct);
}
