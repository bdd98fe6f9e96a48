namespace McpPlatform.Domain.Common;

/// <summary>A value-less success marker for <see cref="Result{T}"/>.</summary>
public readonly record struct Success
{
    public static Success Instance => default;
}
