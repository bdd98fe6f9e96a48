namespace McpPlatform.Domain.OAuth;

/// <summary>Where an authorization flow stands; only a pending flow's code may be exchanged, by one delivery.</summary>
public enum FlowStatus
{
    Pending,
    Exchanging,
    Completed,
    Failed,
}
