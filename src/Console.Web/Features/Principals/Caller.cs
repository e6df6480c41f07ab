using System.Security.Claims;
using SesConsole.Domain.Principals;

namespace SesConsole.Web.Features.Principals;

/// <summary>
/// Who is asking: built from the signed-in user's claims and passed to every feature service, which scopes every read
/// and write by it (owner A never sees owner B's data, whatever URL is typed).
/// </summary>
public sealed record Caller(string UserId, string UserName, string? AccountId, Guid? IamPrincipalId, string? PrincipalArn, bool IsAdmin)
{
    public const string AccountClaim = "sesconsole:account";
    public const string IamPrincipalClaim = "sesconsole:iam-principal";
    public const string PrincipalArnClaim = "sesconsole:principal-arn";
    public const string AdminRole = "Admin";

    /// <summary>The root of an account: may manage the account's IAM users, roles, policies and keys.</summary>
    public bool IsAccountRoot => AccountId is not null && IamPrincipalId is null;

    public bool HasAccount => AccountId is not null;

    public static Caller? From(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        var id = user.FindFirstValue(ClaimTypes.NameIdentifier);
        if (id is null)
        {
            return null;
        }

        var iam = user.FindFirstValue(IamPrincipalClaim);
        return new Caller(
            id,
            user.Identity.Name ?? id,
            user.FindFirstValue(AccountClaim),
            Guid.TryParse(iam, out var principalId) ? principalId : null,
            user.FindFirstValue(PrincipalArnClaim),
            user.IsInRole(AdminRole));
    }

    public static string RootArnOf(string accountId) => SesConsole.Domain.Principals.AccountId.Parse(accountId).TryGetValue(out var a) ? a.RootArn.Value : $"arn:aws:iam::{accountId}:root";
}
