namespace SesConsole.Data.Entities;

/// <summary>An identity-based (IAM) policy attached inline to an IAM user or role: the delegate side of a cross-account send.</summary>
public sealed class IamPolicyEntity
{
    public Guid Id { get; set; }

    public Guid PrincipalId { get; set; }

    public required string Name { get; set; }

    /// <summary>The policy JSON exactly as the owner wrote it.</summary>
    public required string Document { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public required string UpdatedBy { get; set; }
}
