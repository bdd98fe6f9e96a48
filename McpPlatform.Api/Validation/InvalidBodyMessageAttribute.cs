namespace McpPlatform.Api.Validation;

/// <summary>The message a route's 400 carries for an invalid body (LibreChat's strings differ per route).</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class InvalidBodyMessageAttribute(string message) : Attribute
{
    public string Message { get; } = message;
}
