namespace McpPlatform.Domain.Identity;

/// <summary>The longest claim values a caller may have: the principal directory stores each caller as their token
/// describes them, in columns of these sizes, and a longer value could only fail there.</summary>
public static class ClaimLimits
{
    /// <summary>A user's <c>sub</c> and each of their group ids.</summary>
    public const int Id = 256;

    public const int Name = 256;

    /// <summary>RFC 5321: a 64-character local part, <c>@</c>, a 255-character domain.</summary>
    public const int Email = 320;

    public const int Role = 64;
}
