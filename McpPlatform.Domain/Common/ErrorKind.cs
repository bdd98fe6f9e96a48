namespace McpPlatform.Domain.Common;

/// <summary>What kind of expected failure an operation ended in; the API maps each kind to one HTTP status.</summary>
public enum ErrorKind
{
    Validation,

    /// <summary>The caller is not authenticated (401): no token, or one that cannot be used.</summary>
    Unauthorized,
    NotFound,
    Forbidden,
    Conflict,
    PreconditionFailed,

    /// <summary>The caller sent too much, too fast (429, with <c>Retry-After</c>).</summary>
    TooManyRequests,

    /// <summary>Something the platform depends on (PostgreSQL, Redis, a server's circuit) is unavailable (503).</summary>
    Unavailable,

    /// <summary>An upstream MCP server failed or answered garbage (502).</summary>
    UpstreamFailed,

    /// <summary>An upstream MCP server did not answer in time (504).</summary>
    UpstreamTimeout,

    /// <summary>A fault of the platform itself (500): never an expected outcome of a caller's request.</summary>
    Internal,
}
