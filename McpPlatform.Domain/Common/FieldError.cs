namespace McpPlatform.Domain.Common;

/// <summary>One problem with one input field, e.g. <c>{path: "oauth.token_url", message: "Invalid url", code: "invalid_url"}</c>.</summary>
public sealed record FieldError(string Path, string Message, string Code);
