using Microsoft.AspNetCore.Identity;

namespace SesConsole.Data.Entities;

/// <summary>
/// A console sign-in. Deliberately not called "Identity": SES identities are sending identities. A console user is the
/// root of an account (<see cref="IamPrincipalId"/> is null), one of its IAM users, or a platform admin with no account.
/// </summary>
public sealed class ConsoleUser : IdentityUser
{
    /// <summary>The account this sign-in belongs to; null for a platform admin who owns no account.</summary>
    public string? AccountId { get; set; }

    /// <summary>The IAM user this sign-in is; null for the account root.</summary>
    public Guid? IamPrincipalId { get; set; }
}
