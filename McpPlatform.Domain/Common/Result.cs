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

    /// <summary>The value transformed, or the same error.</summary>
    public Result<TOut> Map<TOut>(Func<T, TOut> map) => Error is null ? map(_value!) : Error;

    /// <summary>The next step run on the value, or the same error without running it.</summary>
    public Result<TOut> Bind<TOut>(Func<T, Result<TOut>> next) => Error is null ? next(_value!) : Error;

    /// <summary><see cref="Bind{TOut}"/> for an asynchronous next step.</summary>
    public async Task<Result<TOut>> BindAsync<TOut>(Func<T, Task<Result<TOut>>> next) => Error is null ? await next(_value!) : Error;

    /// <summary>One of two outcomes, by whether this is a success.</summary>
    public TOut Match<TOut>(Func<T, TOut> success, Func<Error, TOut> failure) => Error is null ? success(_value!) : failure(Error);
}
