using SesConsole.Domain.Primitives;

namespace SesConsole.Domain.Principals;

/// <summary>
/// The ARN of an IAM principal: an account root, a user, a role or an assumed-role session.
/// Formats: <c>arn:aws:iam::ACCOUNT:root</c>, <c>arn:aws:iam::ACCOUNT:user/NAME</c>, <c>arn:aws:iam::ACCOUNT:role/NAME</c>
/// and <c>arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION</c>. IAM paths (<c>user/division/NAME</c>) are accepted; the
/// name is the last segment.
/// </summary>
/// <remarks>Equality is ordinal on the canonical text (names are case-sensitive). The default value is not valid.</remarks>
public readonly record struct PrincipalArn
{
    private PrincipalArn(PrincipalKind kind, AccountId account, string name, string? session, string value)
    {
        Kind = kind;
        Account = account;
        Name = name;
        Session = session;
        Value = value;
    }

    public PrincipalKind Kind { get; }

    public AccountId Account { get; }

    /// <summary>The user or role name; empty for a root.</summary>
    public string Name { get; }

    /// <summary>The session name of an assumed role; otherwise <see langword="null"/>.</summary>
    public string? Session { get; }

    public string Value { get; }

    public static PrincipalArn ForRoot(AccountId account) =>
        new(PrincipalKind.AccountRoot, account, "", null, $"arn:aws:iam::{account.Value}:root");

    public static PrincipalArn ForUser(AccountId account, IamName name) =>
        new(PrincipalKind.User, account, name.Value, null, $"arn:aws:iam::{account.Value}:user/{name.Value}");

    public static PrincipalArn ForRole(AccountId account, IamName name) =>
        new(PrincipalKind.Role, account, name.Value, null, $"arn:aws:iam::{account.Value}:role/{name.Value}");

    /// <summary>The ARN of a session of role <paramref name="role"/>: <c>arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION</c>.</summary>
    public static PrincipalArn ForAssumedRole(AccountId account, IamName role, RoleSessionName session) =>
        new(PrincipalKind.AssumedRole, account, role.Value, session.Value, $"arn:aws:sts::{account.Value}:assumed-role/{role.Value}/{session.Value}");

    /// <summary>For an assumed-role session, its role's ARN (<c>arn:aws:iam::ACCOUNT:role/ROLE</c>); otherwise null.</summary>
    public string? RoleArn => Kind == PrincipalKind.AssumedRole ? $"arn:aws:iam::{Account.Value}:role/{Name}" : null;

    public static Result<PrincipalArn> Parse(string? text)
    {
        var value = text?.Trim() ?? "";
        var parts = value.Split(':', 6);
        if (parts.Length != 6 || parts[0] != "arn" || parts[1] != "aws" || parts[3].Length != 0)
        {
            return Invalid(text, "expected arn:aws:iam::ACCOUNT:user/NAME, …:role/NAME or …:root");
        }

        var account = AccountId.Parse(parts[4]);
        if (!account.IsSuccess)
        {
            return Invalid(text, $"'{parts[4]}' is not a 12-digit account ID");
        }

        var resource = parts[5];
        if (parts[2] == "sts")
        {
            var pieces = resource.Split('/');
            if (pieces.Length != 3 || pieces[0] != "assumed-role" || !IamName.Parse(pieces[1], "role").IsSuccess || pieces[2].Length == 0)
            {
                return Invalid(text, "expected arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION");
            }

            return new PrincipalArn(PrincipalKind.AssumedRole, account.Value, pieces[1], pieces[2], value);
        }

        if (parts[2] != "iam")
        {
            return Invalid(text, $"the service must be 'iam' (or 'sts' for an assumed role), not '{parts[2]}'");
        }

        if (resource == "root")
        {
            return ForRoot(account.Value);
        }

        var slash = resource.IndexOf('/', StringComparison.Ordinal);
        var type = slash < 0 ? resource : resource[..slash];
        if (type is not ("user" or "role") || slash < 0)
        {
            return Invalid(text, "the resource must be root, user/NAME or role/NAME");
        }

        var name = resource[(resource.LastIndexOf('/') + 1)..];
        var parsedName = IamName.Parse(name, type);
        if (!parsedName.IsSuccess)
        {
            return Invalid(text, parsedName.Error.Message);
        }

        var kind = type == "user" ? PrincipalKind.User : PrincipalKind.Role;
        return new PrincipalArn(kind, account.Value, name, null, value);
    }

    private static Result<PrincipalArn> Invalid(string? text, string why) =>
        Result<PrincipalArn>.Failure("principal.invalid_arn", $"'{text}' is not a valid principal ARN: {why}.");

    public override string ToString() => Value ?? "";
}
