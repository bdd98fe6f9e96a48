namespace McpPlatform.Domain.Servers;

/// <summary>Why <see cref="IServerRepository.CreateAsync"/> created nothing.</summary>
public enum CreateFailure
{
    None,
    QuotaExceeded,
}
