using SesConsole.Domain.Primitives;
using SesConsole.Domain.Principals;

namespace SesConsole.Domain.Identities;

/// <summary>
/// The ARN of an SES sending identity: <c>arn:aws:ses:REGION:ACCOUNT:identity/NAME</c>, where NAME is an email address
/// or a domain. The region may be <c>*</c> (global-endpoint ARNs, SES developer guide "identity owner tasks").
/// </summary>
/// <remarks>
/// Equality is ordinal on the canonical text: ARN matching in IAM is case-sensitive. The default value is not valid
/// (its <see cref="Value"/> is null); create instances through <see cref="Parse"/> or <see cref="For"/>.
/// </remarks>
public readonly record struct IdentityArn
{
    private const string Prefix = "arn:aws:ses:";
    private const string ResourcePrefix = "identity/";

    private IdentityArn(string region, AccountId account, string identityName)
    {
        Region = region;
        Account = account;
        IdentityName = identityName;
        Value = $"{Prefix}{region}:{account.Value}:{ResourcePrefix}{identityName}";
    }

    /// <summary>The region, for example <c>us-east-1</c>, or <c>*</c>.</summary>
    public string Region { get; }

    /// <summary>The owner's account.</summary>
    public AccountId Account { get; }

    /// <summary>The identity: an email address or a domain, as written in the ARN.</summary>
    public string IdentityName { get; }

    public string Value { get; }

    /// <summary>Builds the ARN of <paramref name="identityName"/> owned by <paramref name="account"/> in <paramref name="region"/>.</summary>
    public static Result<IdentityArn> For(string region, AccountId account, string identityName) =>
        Parse($"{Prefix}{region}:{account.Value}:{ResourcePrefix}{identityName}");

    public static Result<IdentityArn> Parse(string? text)
    {
        var value = text?.Trim() ?? "";
        if (!value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return Invalid(text, "it must start with 'arn:aws:ses:'");
        }

        var rest = value.AsSpan(Prefix.Length);
        var colon = rest.IndexOf(':');
        if (colon < 0)
        {
            return Invalid(text, "expected arn:aws:ses:REGION:ACCOUNT:identity/NAME");
        }

        var region = rest[..colon].ToString();
        if (!IsRegion(region))
        {
            return Invalid(text, $"'{region}' is not a region (for example us-east-1, or * for a global endpoint)");
        }

        rest = rest[(colon + 1)..];
        colon = rest.IndexOf(':');
        if (colon < 0)
        {
            return Invalid(text, "expected arn:aws:ses:REGION:ACCOUNT:identity/NAME");
        }

        var account = AccountId.Parse(rest[..colon].ToString());
        if (!account.IsSuccess || rest[..colon].Length != 12)
        {
            return Invalid(text, $"'{rest[..colon].ToString()}' is not a 12-digit account ID");
        }

        rest = rest[(colon + 1)..];
        if (!rest.StartsWith(ResourcePrefix, StringComparison.Ordinal) || rest.Length == ResourcePrefix.Length)
        {
            return Invalid(text, "the resource must be identity/NAME");
        }

        var name = rest[ResourcePrefix.Length..].ToString();
        foreach (var c in name)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '*' or '?')
            {
                return Invalid(text, "the identity name must not contain spaces, control characters or wildcards");
            }
        }

        return new IdentityArn(region, account.Value, name);
    }

    private static bool IsRegion(string region)
    {
        if (region == "*")
        {
            return true;
        }

        if (region.Length is 0 or > 32)
        {
            return false;
        }

        foreach (var c in region)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            {
                return false;
            }
        }

        return true;
    }

    private static Result<IdentityArn> Invalid(string? text, string why) =>
        Result<IdentityArn>.Failure("identity.invalid_arn", $"'{text}' is not a valid identity ARN: {why}.");

    public override string ToString() => Value ?? "";
}
