using System.Diagnostics.CodeAnalysis;

namespace SesConsole.Domain.Primitives;

/// <summary>The outcome of an operation that returns no value: success, or an <see cref="Primitives.Error"/>.</summary>
/// <remarks>The default value is a success.</remarks>
public readonly record struct Result
{
    private Result(Error? error) => Error = error;

    /// <summary>The error, or <see langword="null"/> on success.</summary>
    public Error? Error { get; }

    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    public static Result Success() => default;

    public static Result Failure(Error error) => new(error ?? throw new ArgumentNullException(nameof(error)));

    public static Result Failure(string code, string message, string? location = null) => new(new Error(code, message, location));

    public static implicit operator Result(Error error) => Failure(error);
}

/// <summary>
/// Either a value or an <see cref="Primitives.Error"/>, never both. Callers choose between
/// <see cref="TryGetValue"/>, <see cref="GetValueOrThrow"/> and pattern matching on <see cref="IsSuccess"/>.
/// </summary>
/// <remarks>The default value is a failure with code <c>result.uninitialized</c>; construct results through the factories.</remarks>
public readonly record struct Result<T>
{
    private static readonly Error Uninitialized = new("result.uninitialized", "The result was never set.");

    private readonly T? _value;
    private readonly Error? _error;
    private readonly bool _isSuccess;

    private Result(T value)
    {
        _value = value;
        _error = null;
        _isSuccess = true;
    }

    private Result(Error error)
    {
        _value = default;
        _error = error;
        _isSuccess = false;
    }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => _isSuccess;

    /// <summary>The value on success; <see langword="default"/> otherwise.</summary>
    public T? Value => _value;

    /// <summary>The error on failure; <see langword="null"/> on success.</summary>
    public Error? Error => _isSuccess ? null : _error ?? Uninitialized;

    public static Result<T> Success(T value) => new(value);

    public static Result<T> Failure(Error error) => new(error ?? throw new ArgumentNullException(nameof(error)));

    public static Result<T> Failure(string code, string message, string? location = null) => new(new Error(code, message, location));

    public static implicit operator Result<T>(T value) => Success(value);

    public static implicit operator Result<T>(Error error) => Failure(error);

    public bool TryGetValue([MaybeNullWhen(false)] out T value)
    {
        value = _value!;
        return _isSuccess;
    }

    /// <summary>The value, or an <see cref="InvalidOperationException"/> naming the error (for code paths where failure is a bug).</summary>
    public T GetValueOrThrow() => _isSuccess ? _value! : throw new InvalidOperationException(Error!.ToString());

    public Result<TOut> Map<TOut>(Func<T, TOut> map) => _isSuccess ? Result<TOut>.Success(map(_value!)) : Result<TOut>.Failure(Error!);

    public Result AsResult() => _isSuccess ? Result.Success() : Result.Failure(Error!);
}
