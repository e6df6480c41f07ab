using SesConsole.Domain.Principals;

namespace SesConsole.Domain.Authorization;

/// <summary>
/// Who is asking: an account root, IAM user, IAM role, assumed-role session or AWS service. For IAM principals
/// <see cref="Arn"/> is the principal ARN; for a service it is the service name (<c>cognito-idp.amazonaws.com</c>).
/// </summary>
/// <remarks>Immutable and thread-safe. Build it once per request; the evaluator reads it without allocating.</remarks>
public sealed class RequestPrincipal
{
    private RequestPrincipal(PrincipalKind kind, string arn, string? account, string? organizationId, string? roleArn)
    {
        Kind = kind;
        Arn = arn;
        Account = account;
        OrganizationId = organizationId;
        RoleArn = roleArn;
    }

    public PrincipalKind Kind { get; }

    /// <summary>The principal ARN, or the service name for <see cref="PrincipalKind.Service"/>.</summary>
    public string Arn { get; }

    /// <summary>The 12-digit account of an IAM principal; null for a service.</summary>
    public string? Account { get; }

    /// <summary>The organization of the principal's account (<c>aws:PrincipalOrgID</c>), if any.</summary>
    public string? OrganizationId { get; }

    /// <summary>For an assumed-role session, the role's ARN (<c>arn:aws:iam::ACCOUNT:role/ROLE</c>); otherwise null.</summary>
    public string? RoleArn { get; }

    public bool IsService => Kind == PrincipalKind.Service;

    /// <summary>An IAM principal (root, user, role or assumed-role session).</summary>
    public static RequestPrincipal ForArn(PrincipalArn arn, OrganizationId? organization = null)
    {
        string? roleArn = null;
        if (arn.Kind == PrincipalKind.AssumedRole)
        {
            roleArn = $"arn:aws:iam::{arn.Account.Value}:role/{arn.Name}";
        }

        return new RequestPrincipal(arn.Kind, arn.Value, arn.Account.Value, organization?.Value, roleArn);
    }

    /// <summary>The root of an account (what a request signed with the account's own credentials is).</summary>
    public static RequestPrincipal ForAccount(AccountId account, OrganizationId? organization = null) =>
        ForArn(account.RootArn, organization);

    /// <summary>An AWS service principal such as <c>cognito-idp.amazonaws.com</c>.</summary>
    public static RequestPrincipal ForService(string service)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        return new RequestPrincipal(PrincipalKind.Service, service, null, null, null);
    }

    /// <summary>The value of <c>aws:PrincipalType</c>: Account, User, AssumedRole (roles act through sessions), or none for services.</summary>
    public string? PrincipalTypeValue => Kind switch
    {
        PrincipalKind.AccountRoot => "Account",
        PrincipalKind.User => "User",
        PrincipalKind.Role or PrincipalKind.AssumedRole => "AssumedRole",
        _ => null,
    };

    /// <inheritdoc />
    public override string ToString() => Arn;
}
