using McpPlatform.Domain.Common;

namespace McpPlatform.Domain.Servers;

/// <summary>The registry's expected failures, as the routes answer them.</summary>
public static class ServerErrors
{
    public static readonly Error ServerNotFound = new(ErrorKind.NotFound, "Not Found", "mcpServer not found");
    public static readonly Error InsufficientPermissions = new(ErrorKind.Forbidden, "Forbidden", "Insufficient permissions to access this mcpServer");
    public static readonly Error VersionMismatch = new(ErrorKind.PreconditionFailed, "Precondition Failed", "The server was changed since it was read (If-Match does not match the current ETag)");

    /// <summary>The connection routes' 404: the same for a server that does not exist and one the caller may not see.</summary>
    public static Error NotInConfiguration(string name) => new(ErrorKind.NotFound, $"MCP server '{name}' not found in configuration");

    public static Error ReadOnly(string name) =>
        new(ErrorKind.Forbidden, "Forbidden", $"MCP server '{name}' is defined in configuration and is read-only");

    public static Error QuotaExceeded(int maxServersPerUser) =>
        new(ErrorKind.Conflict, "Conflict", $"A user may own at most {maxServersPerUser} MCP servers");
}
