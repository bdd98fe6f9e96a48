using McpPlatform.Domain.Common;

namespace McpPlatform.Domain.Connections;

/// <summary>A successful <see cref="Result{T}"/> of a value whose static type is an interface (e.g. a session), which
/// C#'s implicit conversion does not take.</summary>
public static class ResultOf
{
    public static Result<T> Value<T>(T value) => value;
}
