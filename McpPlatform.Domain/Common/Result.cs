namespace McpPlatform.Domain.Common;

/// <summary>The outcome of a domain operation: a value, or an <see cref="Error"/> (never both).</summary>
public readonly struct Result<T>
{
    private readonly T? _value;

    private Result(T? value, Error? error)
    {
        _value = value;
        Error = error;
    }

    public Error? Error { get; }

    public bool IsSuccess => Error is null;

    public T Value => Error is null ? _value! : throw new InvalidOperationException("A failed result has no value.");

    public static implicit operator Result<T>(T value) => new(value, null);

    public static implicit operator Result<T>(Error error) => new(default, error);
}

/// <summary>A value-less success marker for <see cref="Result{T}"/>.</summary>
public readonly record struct Success
{
    public static Success Instance => default;
}
