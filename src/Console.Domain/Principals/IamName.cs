using SesConsole.Domain.Primitives;

namespace SesConsole.Domain.Principals;

/// <summary>
/// The name of an IAM user or role: 1 to 64 characters from letters, digits and <c>+=,.@_-</c> (IAM's rule).
/// </summary>
/// <remarks>
/// Names are case-sensitive inside ARNs and policies, so equality is ordinal; IAM also refuses two names in one
/// account that differ only by case, which <see cref="Normalized"/> supports.
/// </remarks>
public readonly record struct IamName
{
    public const int MaxLength = 64;

    private IamName(string value) => Value = value;

    public string Value { get; }

    /// <summary>The upper-invariant form used for the per-account uniqueness check.</summary>
    public string Normalized => Value.ToUpperInvariant();

    public static Result<IamName> Parse(string? text, string what = "user")
    {
        var value = text ?? "";
        if (value.Length is 0 or > MaxLength)
        {
            return Result<IamName>.Failure("principal.invalid_name", $"An IAM {what} name must be 1 to {MaxLength} characters long.");
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '=' or ',' or '.' or '@' or '_' or '-'))
            {
                return Result<IamName>.Failure("principal.invalid_name",
                    $"'{value}' is not a valid IAM {what} name: '{c}' is not allowed. Use letters, digits and + = , . @ _ - only.");
            }
        }

        return new IamName(value);
    }

    public override string ToString() => Value ?? "";
}
