namespace McpPlatform.Domain.Common;

/// <summary>What kind of expected failure an operation ended in; the API maps each kind to one HTTP status.</summary>
public enum ErrorKind
{
    Validation,
    NotFound,
    Forbidden,
    Conflict,
    PreconditionFailed,
    Unavailable,

    /// <summary>An upstream MCP server failed or answered garbage (502).</summary>
    UpstreamFailed,

    /// <summary>An upstream MCP server did not answer in time (504).</summary>
    UpstreamTimeout,
}

/// <summary>One problem with one input field, e.g. <c>{path: "oauth.token_url", message: "Invalid url", code: "invalid_url"}</c>.</summary>
public sealed record FieldError(string Path, string Message, string Code);

/// <summary>
/// An expected failure. <see cref="ErrorText"/> and <see cref="Message"/> carry LibreChat's <c>error</c> and
/// <c>message</c> members verbatim, because the SPA reads them; either may be absent, as in LibreChat.
/// </summary>
public sealed record Error(
    ErrorKind Kind,
    string? ErrorText = null,
    string? Message = null,
    string? Details = null,
    IReadOnlyList<FieldError>? Errors = null,
    IReadOnlyDictionary<string, object?>? Extensions = null)
{
    public static Error Validation(string message, IReadOnlyList<FieldError> errors) =>
        new(ErrorKind.Validation, Message: message, Errors: errors);

    public static Error InvalidConfiguration(params FieldError[] errors) =>
        Validation("Invalid configuration", errors);
}
