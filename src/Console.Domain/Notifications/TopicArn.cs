using SesConsole.Domain.Primitives;
using SesConsole.Domain.Principals;

namespace SesConsole.Domain.Notifications;

/// <summary>
/// The ARN of a topic the console hosts: <c>arn:aws:sns:REGION:ACCOUNT:NAME</c> (docs/notifications.md#topics). NAME is
/// 1–256 characters of <c>[A-Za-z0-9_-]</c> and case-sensitive, as SNS's.
/// </summary>
/// <remarks>
/// Equality is ordinal on the canonical text. The default value is not valid (its <see cref="Value"/> is null); create
/// instances through <see cref="Parse"/> or <see cref="For"/>.
/// </remarks>
public readonly record struct TopicArn
{
    /// <summary>SNS's limit on a topic name.</summary>
    public const int MaxNameLength = 256;

    private const string Prefix = "arn:aws:sns:";

    private TopicArn(string region, AccountId account, string name)
    {
        Region = region;
        Account = account;
        Name = name;
        Value = $"{Prefix}{region}:{account.Value}:{name}";
    }

    /// <summary>The region, for example <c>us-east-1</c>.</summary>
    public string Region { get; }

    /// <summary>The topic owner's account.</summary>
    public AccountId Account { get; }

    /// <summary>The topic's name.</summary>
    public string Name { get; }

    public string Value { get; }

    /// <summary>Whether <paramref name="name"/> is a valid topic name (1–256 of <c>[A-Za-z0-9_-]</c>).</summary>
    public static bool IsValidName(string? name) =>
        name is { Length: >= 1 and <= MaxNameLength } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    /// <summary>The ARN of topic <paramref name="name"/> of <paramref name="account"/> in <paramref name="region"/>.</summary>
    public static Result<TopicArn> For(string region, AccountId account, string name) => Parse($"{Prefix}{region}:{account.Value}:{name}");

    /// <summary>Parses <c>arn:aws:sns:REGION:ACCOUNT:NAME</c>; the error's message is SNS's <c>InvalidParameter</c> wording.</summary>
    public static Result<TopicArn> Parse(string? text)
    {
        var value = text ?? "";
        var parts = value.Split(':');
        if (parts.Length != 6 || parts[0] != "arn" || parts[1] != "aws" || parts[2] != "sns")
        {
            return Invalid();
        }

        var region = parts[3];
        if (region.Length is 0 or > 32 || !region.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            return Invalid();
        }

        var account = AccountId.Parse(parts[4]);
        if (!account.IsSuccess || parts[4].Length != 12 || !IsValidName(parts[5]))
        {
            return Invalid();
        }

        return new TopicArn(region, account.Value, parts[5]);
    }

    public override string ToString() => Value ?? "";

    private static Result<TopicArn> Invalid() => Result<TopicArn>.Failure("InvalidParameter", "Invalid parameter: TopicArn");
}
