using SesConsole.Data.Entities;

namespace SesConsole.Web.Features.Iam;

/// <summary>A row of the IAM users or roles list.</summary>
public sealed record IamPrincipalRow(string Name, string Arn, IamPrincipalType Type, string? Description, int Policies, int AccessKeys,
    bool ConsoleAccess, DateTimeOffset CreatedAt);

/// <summary>An inline identity-based policy of a user or role.</summary>
public sealed record IamPolicyView(string Name, string Document, DateTimeOffset UpdatedAt, string UpdatedBy);

/// <summary>An access key as listed; the secret is never part of it.</summary>
public sealed record AccessKeyView(string Id, AccessKeyStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt);

/// <summary>One user or role with its policies, (users only) access keys and (roles only) trust policy.</summary>
public sealed record IamPrincipalDetails(IamPrincipalRow Principal, IReadOnlyList<IamPolicyView> Policies, IReadOnlyList<AccessKeyView> AccessKeys,
    string? ConsoleUserName)
{
    /// <summary>A role's trust policy (who may assume it); null when it has none (nobody may).</summary>
    public string? TrustPolicy { get; init; }

    /// <summary>A role's maximum session duration in seconds.</summary>
    public int MaxSessionDurationSeconds { get; init; } = 3600;
}

/// <summary>A new access key. <see cref="Secret"/> is shown once and cannot be retrieved again.</summary>
public sealed record NewAccessKey(string Id, string Secret);
