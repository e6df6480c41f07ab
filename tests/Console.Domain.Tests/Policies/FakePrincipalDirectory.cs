using SesConsole.Domain.Principals;

namespace SesConsole.Domain.Tests.Policies;

/// <summary>A dictionary-backed principal registry for tests.</summary>
internal sealed class FakePrincipalDirectory : IPrincipalDirectory
{
    private readonly HashSet<string> _accounts = new(StringComparer.Ordinal);
    private readonly HashSet<string> _principals = new(StringComparer.Ordinal);
    private readonly HashSet<string> _services = new(StringComparer.OrdinalIgnoreCase);

    public FakePrincipalDirectory(IEnumerable<string>? accounts = null, IEnumerable<string>? principals = null, IEnumerable<string>? services = null)
    {
        _accounts.UnionWith(accounts ?? []);
        _principals.UnionWith(principals ?? []);
        _services.UnionWith(services ?? []);
    }

    /// <summary>Everything the AWS examples name.</summary>
    public static FakePrincipalDirectory Standard() => new(
        ["123456789012", "888888888888", "999999999999", "111111111111", "222222222222", "333333333333", "111122223333", "444455556666"],
        ["arn:aws:iam::111122223333:user/John", "arn:aws:iam::444455556666:user/Jane", "arn:aws:iam::333333333333:user/Jane",
         "arn:aws:iam::123456789012:user/Alice", "arn:aws:iam::123456789012:role/Sender", "arn:aws:iam::888888888888:user/Owner"],
        ["cognito-idp.amazonaws.com", "email.cognito-idp.amazonaws.com"]);

    public bool AccountExists(AccountId account) => _accounts.Contains(account.Value);

    public bool PrincipalExists(PrincipalArn arn) => _principals.Contains(arn.Value);

    public bool IsKnownService(string service) => _services.Contains(service);
}
