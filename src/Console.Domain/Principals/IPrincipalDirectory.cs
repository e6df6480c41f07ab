namespace SesConsole.Domain.Principals;

/// <summary>
/// The registry of principals known to this installation (accounts, IAM users and roles, configured service principals).
/// Policy validation asks it whether the principals a policy names exist, as SES does at save time.
/// </summary>
/// <remarks>Implementations must be safe to call from several threads; lookups are synchronous and should be cached.</remarks>
public interface IPrincipalDirectory
{
    bool AccountExists(AccountId account);

    /// <summary>Whether the IAM user or role named by <paramref name="arn"/> exists (roots exist when their account does).</summary>
    bool PrincipalExists(PrincipalArn arn);

    /// <summary>Whether <paramref name="service"/> (for example <c>cognito-idp.amazonaws.com</c>) is on the configured list.</summary>
    bool IsKnownService(string service);
}
