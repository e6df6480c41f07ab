using SesConsole.Domain.Policies;

namespace SesConsole.Domain.Authorization;

/// <summary>IAM's three-valued decision: tells the user whether to add an Allow or to remove a Deny.</summary>
public enum Decision
{
    /// <summary>No applicable statement allowed the request (the default).</summary>
    ImplicitDeny,

    /// <summary>An applicable Allow and no applicable Deny.</summary>
    Allow,

    /// <summary>An applicable Deny; it wins over every Allow.</summary>
    ExplicitDeny,
}

/// <summary>Names one statement: the policy and the Sid (null when the statement has none), plus its 0-based index.</summary>
public sealed record StatementReference(string PolicyName, string? Sid, int Index)
{
    internal static StatementReference Of(CompiledStatement s) => new(s.PolicyName, s.Sid, s.Index);

    /// <inheritdoc />
    public override string ToString() => $"{PolicyName}/{(Sid is { Length: > 0 } ? Sid : "#" + (Index + 1))}";
}

/// <summary>A statement skipped because it could not be evaluated (cedar's skip-on-error), with the reason.</summary>
public sealed record StatementError(StatementReference Statement, string Message);

/// <summary>
/// The allocation-free result of <see cref="PolicyEvaluator.Decide"/>: the decision, the first deciding statement
/// (null for an implicit deny) and how many statements were skipped on error.
/// </summary>
public readonly record struct EvaluationResult(Decision Decision, CompiledStatement? DecidingStatement, int ErrorCount);

/// <summary>
/// The full result of one side's evaluation: the decision, the statements that decided it (all applicable Deny
/// statements for an explicit deny, all applicable Allow statements for an allow, none for an implicit deny) and the
/// statements skipped on error.
/// </summary>
public sealed record AuthorizationDecision(Decision Decision, IReadOnlyList<StatementReference> Reasons, IReadOnlyList<StatementError> Errors)
{
    public bool IsAllowed => Decision == Decision.Allow;

    /// <summary>One sentence, for example "Allowed by marketing/AuthorizeMarketer."</summary>
    public string Describe() => Decision switch
    {
        Decision.Allow => $"Allowed by {string.Join(", ", Reasons)}.",
        Decision.ExplicitDeny => $"Explicitly denied by {string.Join(", ", Reasons)}.",
        _ => Errors.Count == 0
            ? "Implicitly denied: no statement allows this request."
            : $"Implicitly denied: no statement allows this request ({Errors.Count} skipped on error: {string.Join("; ", Errors.Select(e => $"{e.Statement}: {e.Message}"))}).",
    };
}
