namespace McpPlatform.Domain.Common;

/// <summary>
/// An expected failure. <see cref="ErrorText"/> and <see cref="Message"/> carry LibreChat's <c>error</c> and
/// <c>message</c> members verbatim, because the SPA reads them; either may be absent, as in LibreChat.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Justification = "Error is a keyword in Visual Basic only; this code base is C#.")]
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
