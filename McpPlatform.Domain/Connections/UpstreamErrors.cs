using McpPlatform.Domain.Common;
using McpPlatform.Domain.OAuth;

namespace McpPlatform.Domain.Connections;

/// <summary>
/// How an MCP server's failure is told as an <see cref="Error"/>: the adapters make these values (never exceptions),
/// and the domain decides what each means for the caller. Their codes are internal to the platform:
/// <see cref="ForCaller"/> gives the one a caller sees.
/// </summary>
public static class UpstreamErrors
{
    /// <summary>No answer in time.</summary>
    public const string TimeoutCode = WireCodes.UpstreamTimeout;

    /// <summary>Not reachable, connection dropped, or refused by the outbound address policy.</summary>
    public const string UnreachableCode = "upstream_unreachable";

    /// <summary>It answered with something that is not MCP.</summary>
    public const string ProtocolCode = "upstream_protocol";

    /// <summary>It wants authorization (401, or 403 <c>insufficient_scope</c>).</summary>
    public const string UnauthorizedCode = "upstream_unauthorized";

    /// <summary>It answered the request with a JSON-RPC error (e.g. an unknown tool or invalid arguments).</summary>
    public const string RejectedCode = "upstream_rejected";

    /// <summary>It sent a message larger than <see cref="ConnectionOptions.MaxMessageBytes"/>, cut off while being read.</summary>
    public const string TooLargeCode = "upstream_too_large";

    private const string ChallengeKey = "challenge";

    public static Error Timeout(string message) => new(ErrorKind.UpstreamTimeout, TimeoutCode, message);

    public static Error Unreachable(string message) => new(ErrorKind.UpstreamFailed, UnreachableCode, message);

    public static Error Protocol(string message) => new(ErrorKind.UpstreamFailed, ProtocolCode, message);

    public static Error Rejected(string message) => new(ErrorKind.UpstreamFailed, RejectedCode, message);

    public static Error TooLarge(string message) => new(ErrorKind.UpstreamFailed, TooLargeCode, message);

    /// <summary>The challenge rides along for the domain, which always answers such an error with an authorization
    /// URL (or an OAuth error) of its own: it never reaches a caller as it is.</summary>
    public static Error Unauthorized(string message, WwwAuthenticateChallenge? challenge) =>
        new(ErrorKind.Forbidden, UnauthorizedCode, message, Extensions: challenge is null ? null : new Dictionary<string, object?> { [ChallengeKey] = challenge });

    /// <summary>A server whose circuit is open: refused without asking it.</summary>
    public static Error CircuitOpen(string serverName, TimeSpan retryAfter) =>
        new(ErrorKind.Unavailable, WireCodes.CircuitOpen, $"MCP server '{serverName}' failed repeatedly; not retrying for {Math.Ceiling(retryAfter.TotalSeconds)} s",
            Extensions: new Dictionary<string, object?> { ["retryAfterSeconds"] = (int)Math.Ceiling(retryAfter.TotalSeconds) });

    public static bool IsUnauthorized(Error error) => error.ErrorText == UnauthorizedCode;

    public static bool IsCircuitOpen(Error error) => error.ErrorText == WireCodes.CircuitOpen;

    /// <summary>The Bearer challenge of the 401/403 behind an unauthorized error, when the server sent one.</summary>
    public static WwwAuthenticateChallenge? ChallengeOf(Error error) =>
        error.Extensions?.GetValueOrDefault(ChallengeKey) as WwwAuthenticateChallenge;

    /// <summary>Whether the failure says something about the server's health: it counts toward its circuit breaker
    /// and is worth another attempt. Authorization problems and refusals are answers, and will not change by retrying.</summary>
    public static bool IsServerFault(Error error) => error.ErrorText is TimeoutCode or UnreachableCode or ProtocolCode or TooLargeCode;

    /// <summary>The same error with a note appended to its message (e.g. that it opened the circuit).</summary>
    public static Error WithNote(Error error, string note) => error with { Message = $"{error.Message} ({note})" };

    /// <summary>What a caller is told: a timeout or an open circuit as it is, a message cut off as too large while
    /// answering a call (<paramref name="onSession"/>) as a result over <see cref="ConnectionOptions.ToolResultMaxBytes"/>
    /// is, any other failure of the server as an upstream error; other errors (e.g. a failed refresh) pass unchanged.</summary>
    public static Error ForCaller(Error error, bool onSession) => error.ErrorText switch
    {
        TooLargeCode when onSession => new Error(ErrorKind.UpstreamFailed, WireCodes.UpstreamResultTooLarge, error.Message),
        UnreachableCode or ProtocolCode or RejectedCode or TooLargeCode or UnauthorizedCode => new Error(ErrorKind.UpstreamFailed, WireCodes.UpstreamError, error.Message),
        _ => error,
    };
}
