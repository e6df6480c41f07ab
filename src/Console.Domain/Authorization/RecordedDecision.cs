namespace SesConsole.Domain.Authorization;

/// <summary>How the caller's own (IAM) side of one check was decided, as the attempt recorded it.</summary>
public enum RecordedCallerSide
{
    /// <summary>No caller side: a service principal is judged by the owner's policies alone.</summary>
    None,

    /// <summary>The caller is an account root: its own side always allows.</summary>
    AccountRoot,

    Allow,

    NoAllow,

    Deny,
}

/// <summary>One authorization check of a stored attempt: the action, the identity named on the line (only when the send used several), each side's word.</summary>
/// <param name="Action">For example <c>ses:SendEmail</c>.</param>
/// <param name="IdentityName">The identity's name when the line names it (several identities in one send); otherwise null.</param>
/// <param name="OwnerAsItself">The owner's root sent from its own identity (no policy needed).</param>
/// <param name="OwnerSide">The owner's side as recorded.</param>
/// <param name="CallerSide">The caller's side as recorded.</param>
public sealed record RecordedCheck(string Action, string? IdentityName, bool OwnerAsItself, Decision OwnerSide, RecordedCallerSide CallerSide)
{
    /// <summary>Whether the check allowed the send (the owner's root sending as itself is allowed unless a Deny applies).</summary>
    public bool Allowed => Combine(OwnerSide, CallerSide, OwnerAsItself, crossAccount: null);

    /// <summary>
    /// SendAuthorizer's rule (docs/policy-engine.md) with the caller's side as recorded: a Deny on either side denies; a
    /// service is judged by the owner's side; across accounts both must allow (a root's own side always does); in one
    /// account either side is enough, and the owner's root may always send from its identities.
    /// </summary>
    /// <remarks><c>crossAccount</c>: whether the caller's account differs from the owner's; null when unknown (treated as cross-account).</remarks>
    public static bool Combine(Decision owner, RecordedCallerSide caller, bool ownerAsItself, bool? crossAccount)
    {
        if (owner == Decision.ExplicitDeny || caller == RecordedCallerSide.Deny)
        {
            return false;
        }

        if (caller == RecordedCallerSide.None)
        {
            return owner == Decision.Allow;
        }

        if (ownerAsItself || (caller == RecordedCallerSide.AccountRoot && crossAccount == false))
        {
            return true;
        }

        var callerAllows = caller is RecordedCallerSide.Allow or RecordedCallerSide.AccountRoot;
        return crossAccount == false
            ? owner == Decision.Allow || caller == RecordedCallerSide.Allow
            : owner == Decision.Allow && callerAllows;
    }

    /// <summary>
    /// The checks of a stored <c>Decision</c> text: one line per check,
    /// <c>ses:SendEmail[ name]: owner Allow|Deny|no Allow|not needed (own identity)[ by …][, caller Allow|Deny|no Allow|Allow (account root)[ by …]]</c>
    /// (docs/storage-and-retention.md#attempts). Lines that do not read are left out.
    /// </summary>
    public static IReadOnlyList<RecordedCheck> Parse(string? decision)
    {
        if (string.IsNullOrEmpty(decision))
        {
            return [];
        }

        var checks = new List<RecordedCheck>(1);
        foreach (var line in decision.Split('\n'))
        {
            var owner = line.IndexOf(": owner ", StringComparison.Ordinal);
            if (owner <= 0)
            {
                continue;
            }

            var head = line[..owner];
            var space = head.IndexOf(' ', StringComparison.Ordinal);
            var action = space < 0 ? head : head[..space];
            var identity = space < 0 ? null : head[(space + 1)..];
            var rest = line[(owner + 8)..];
            var callerAt = rest.LastIndexOf(", caller ", StringComparison.Ordinal);
            var ownerText = callerAt < 0 ? rest : rest[..callerAt];
            var callerText = callerAt < 0 ? null : rest[(callerAt + 9)..];
            var asItself = ownerText.StartsWith("not needed", StringComparison.Ordinal);
            var ownerSide = Word(ownerText);
            var callerSide = callerText is null ? RecordedCallerSide.None
                : callerText.StartsWith("Allow (account root)", StringComparison.Ordinal) ? RecordedCallerSide.AccountRoot
                : Word(callerText) switch
                {
                    Decision.Allow => RecordedCallerSide.Allow,
                    Decision.ExplicitDeny => RecordedCallerSide.Deny,
                    _ => RecordedCallerSide.NoAllow,
                };
            checks.Add(new RecordedCheck(action, identity, asItself, asItself ? Decision.ImplicitDeny : ownerSide, callerSide));
        }

        return checks;
    }

    private static Decision Word(string text) =>
        text.StartsWith("Allow", StringComparison.Ordinal) ? Decision.Allow
        : text.StartsWith("Deny", StringComparison.Ordinal) ? Decision.ExplicitDeny
        : Decision.ImplicitDeny;
}
