namespace SesConsole.Data.Entities;

/// <summary>Whether an IAM principal is a user or a role.</summary>
public enum IamPrincipalType
{
    User = 1,
    Role = 2,
}

/// <summary>An IAM user or role under an account.</summary>
public sealed class IamPrincipalEntity
{
    public Guid Id { get; set; }

    public required string AccountId { get; set; }

    public IamPrincipalType Type { get; set; }

    /// <summary>The case-sensitive name, as it appears in ARNs.</summary>
    public required string Name { get; set; }

    /// <summary>Upper-invariant name: IAM refuses two names in one account that differ only by case.</summary>
    public required string NormalizedName { get; set; }

    public string? Description { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>A role's trust policy (who may assume it with STS AssumeRole); null for users and for a role nobody may assume.</summary>
    public string? TrustPolicy { get; set; }

    /// <summary>A role's maximum session duration in seconds (3,600 to 43,200; IAM's default is 3,600).</summary>
    public int MaxSessionDurationSeconds { get; set; } = 3600;

    public List<IamPolicyEntity> Policies { get; set; } = [];

    public string Arn => $"arn:aws:iam::{AccountId}:{(Type == IamPrincipalType.User ? "user" : "role")}/{Name}";
}
