using SesConsole.Domain.Policies;
using SesConsole.Web.Features.Policies;

namespace SesConsole.Web.Features.Delegates;

/// <summary>The Delegates tab in words (docs/delegates.md#reading), built on <see cref="PolicyWords"/>.</summary>
public static class DelegateWords
{
    /// <summary>"account 111122223333 (Agency Ltd)", "IAM user John of account 111122223333 (Agency Ltd)", "the service …", "everyone".</summary>
    public static string Who(DelegateGrant grant, string? accountName)
    {
        ArgumentNullException.ThrowIfNull(grant);
        var name = string.IsNullOrEmpty(accountName) ? "" : $" ({accountName})";
        return grant.Kind switch
        {
            DelegateKind.Everyone => "everyone (every account, IAM user, role and service)",
            DelegateKind.EveryAwsPrincipal => "every AWS account, IAM user and role (not services)",
            DelegateKind.Service => $"the service {grant.Principal}",
            _ => PolicyWords.PrincipalValue(grant.Principal) + name,
        };
    }

    /// <summary>Whether the delegate's own IAM side must also allow it (docs/delegates.md#iam-side).</summary>
    public static string IamSide(DelegateGrant grant) => grant.IamSide switch
    {
        DelegateIamSide.NotNeeded when grant.Kind == DelegateKind.Service => "A service is judged by this identity's policies alone.",
        DelegateIamSide.NotNeeded => "Your own account: this identity's policies alone are enough.",
        DelegateIamSide.UsersAndRolesOfThatAccount => "Its root needs nothing more; its IAM users and roles also need their own IAM policies to allow the send.",
        DelegateIamSide.Required => "Its own IAM policies must allow the send too (another account).",
        _ => "IAM users and roles of other accounts also need their own IAM policies to allow the send.",
    };

    /// <summary>The heading of a kind of restriction.</summary>
    public static string Kind(DelegateRestrictionKind kind) => kind switch
    {
        DelegateRestrictionKind.FromAddress => "From",
        DelegateRestrictionKind.Recipients => "Recipients",
        DelegateRestrictionKind.ReturnPath => "Return-Path",
        DelegateRestrictionKind.Time => "Time",
        DelegateRestrictionKind.SourceIp => "Source IP",
        _ => "Other",
    };

    /// <summary>One restriction: "From: the From address must match …".</summary>
    public static string Restriction(DelegateRestriction restriction)
    {
        ArgumentNullException.ThrowIfNull(restriction);
        return $"{Kind(restriction.Kind)}: {PolicyWords.Condition(restriction.Condition)}";
    }

    /// <summary>"Shared with 2 other principals" or "".</summary>
    public static string Sharing(DelegateStatement statement) => statement.OtherPrincipals switch
    {
        0 => "",
        1 => " (shared with 1 other principal)",
        var n => $" (shared with {n} other principals)",
    };
}
