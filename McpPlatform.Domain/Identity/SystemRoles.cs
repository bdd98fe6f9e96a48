namespace McpPlatform.Domain.Identity;

/// <summary>The system roles a JWT's <c>role</c> claim names. Names compare case-insensitively and are stored upper-case.</summary>
public static class SystemRoles
{
    public const string User = "USER";
    public const string Admin = "ADMIN";

    public static IReadOnlyList<string> All { get; } = [User, Admin];

    public static string Normalize(string role) => role.Trim().ToUpperInvariant();
}
