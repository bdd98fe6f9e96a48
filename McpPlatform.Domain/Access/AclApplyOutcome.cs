namespace McpPlatform.Domain.Access;

/// <summary>What <see cref="IAclRepository.ApplyAsync"/> did.</summary>
public enum AclApplyOutcome
{
    Applied,
    ResourceMissing,
    WouldRemoveLastOwner,
}
