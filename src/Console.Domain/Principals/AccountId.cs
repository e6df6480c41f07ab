using System.Security.Cryptography;
using SesConsole.Domain.Primitives;

namespace SesConsole.Domain.Principals;

/// <summary>A 12-digit account ID such as <c>123456789012</c>.</summary>
/// <remarks>
/// Equality is ordinal on the digits. The default value is not a valid ID (its <see cref="Value"/> is null); create
/// instances through <see cref="Parse"/> or <see cref="NewRandom"/>.
/// </remarks>
public readonly record struct AccountId
{
    private AccountId(string value) => Value = value;

    public string Value { get; }

    public static Result<AccountId> Parse(string? text)
    {
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length != 12 || !trimmed.All(char.IsAsciiDigit))
        {
            return Result<AccountId>.Failure("principal.invalid_account_id",
                $"'{text}' is not an account ID: an account ID is exactly 12 digits, for example 123456789012.");
        }

        return new AccountId(trimmed);
    }

    /// <summary>A random 12-digit ID that does not start with 0 (so it never loses digits in a spreadsheet).</summary>
    public static AccountId NewRandom()
    {
        Span<char> digits = stackalloc char[12];
        digits[0] = (char)('1' + RandomNumberGenerator.GetInt32(9));
        for (var i = 1; i < digits.Length; i++)
        {
            digits[i] = (char)('0' + RandomNumberGenerator.GetInt32(10));
        }

        return new AccountId(new string(digits));
    }

    /// <summary>The account's root ARN, <c>arn:aws:iam::ACCOUNT:root</c>.</summary>
    public PrincipalArn RootArn => PrincipalArn.ForRoot(this);

    public override string ToString() => Value ?? "";
}
