namespace SesConsole.Domain.Primitives;

/// <summary>
/// An expected failure that a user or a caller can cause: a stable machine <see cref="Code"/> (for example
/// <c>principal.invalid_account_id</c>), a human <see cref="Message"/>, and an optional <see cref="Location"/> saying
/// where in the input the problem is (a JSON pointer, a field name, a line and column).
/// </summary>
/// <remarks>Errors compare by value. Exceptions are kept for bugs and infrastructure failures.</remarks>
public sealed record Error(string Code, string Message, string? Location = null)
{
    /// <inheritdoc />
    public override string ToString() => Location is null ? $"{Code}: {Message}" : $"{Code} at {Location}: {Message}";
}
