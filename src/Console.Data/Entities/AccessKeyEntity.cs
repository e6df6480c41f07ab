namespace SesConsole.Data.Entities;

/// <summary>Whether an access key may sign requests.</summary>
public enum AccessKeyStatus
{
    Active = 1,
    Inactive = 2,
}

/// <summary>An access key of an IAM user or of the account root. The secret is stored encrypted with ASP.NET Data Protection.</summary>
public sealed class AccessKeyEntity
{
    /// <summary>The access key ID (<c>AKIA</c> + 16 characters).</summary>
    public required string Id { get; set; }

    public required string AccountId { get; set; }

    /// <summary>The IAM user that owns the key; null for a root key.</summary>
    public Guid? PrincipalId { get; set; }

    /// <summary>The secret access key, protected by Data Protection; never stored or logged in clear.</summary>
    public required string ProtectedSecret { get; set; }

    public AccessKeyStatus Status { get; set; } = AccessKeyStatus.Active;

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }
}
