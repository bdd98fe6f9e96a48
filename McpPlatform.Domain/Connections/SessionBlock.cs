using McpPlatform.Domain.Common;

namespace McpPlatform.Domain.Connections;

/// <summary>Why a caller's session could not be opened although nothing failed: variables are missing, or the server
/// wants the caller to authorize (with the URL, or the error that kept a flow from starting).</summary>
public sealed record SessionBlock(IReadOnlyList<string>? MissingUserVars, bool OAuthRequired, string? OAuthUrl, Error? Error)
{
    public static SessionBlock Missing(IReadOnlyList<string> variables) => new(variables, false, null, null);

    /// <summary>What a tool call answers: 400 naming the variables, 403 <c>oauth_required</c> with the URL, or the
    /// error that kept the flow from starting.</summary>
    public Error ToError(string serverName) => MissingUserVars is { } missing
        ? new Error(ErrorKind.Validation, $"MCP server '{serverName}' needs these variables set first: {string.Join(", ", missing)}",
            Extensions: new Dictionary<string, object?> { ["missingUserVars"] = missing })
        : OAuthUrl is not null
            ? new Error(ErrorKind.Forbidden, WireCodes.OAuthRequired, $"MCP server '{serverName}' requires authorization", Extensions: new Dictionary<string, object?> { ["oauthUrl"] = OAuthUrl })
            : Error ?? new Error(ErrorKind.UpstreamFailed, WireCodes.OAuthError, $"MCP server '{serverName}' requires authorization, and it could not be started");
}
