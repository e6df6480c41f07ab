using System.Globalization;
using SesConsole.Domain.Policies;

namespace SesConsole.Domain.Authorization;

/// <summary>What happened to one statement.</summary>
public enum StatementOutcome
{
    /// <summary>Principal, action and resource matched and every condition held: the statement's effect counts.</summary>
    Applied,

    /// <summary>Something did not match or a condition was false.</summary>
    NotApplicable,

    /// <summary>A condition could not be evaluated; the statement was skipped.</summary>
    Error,
}

/// <summary>What happened to one condition.</summary>
public enum ConditionOutcome
{
    Satisfied,
    NotSatisfied,
    Error,
}

/// <summary>
/// One condition's evaluation: the operator, the key, the request's values (null when the key was absent), the policy's
/// values and the outcome, plus a note when a common misunderstanding decided it.
/// </summary>
public sealed record ConditionExplanation(
    string Operator,
    string Key,
    IReadOnlyList<string>? RequestValues,
    IReadOnlyList<string> PolicyValues,
    ConditionOutcome Outcome,
    string? Note)
{
    internal static ConditionExplanation For(CompiledCondition c, AuthorizationRequest request, Tri t)
    {
        var requestValues = request.GetValues(c.Key);
        var outcome = t switch { Tri.True => ConditionOutcome.Satisfied, Tri.False => ConditionOutcome.NotSatisfied, _ => ConditionOutcome.Error };
        return new ConditionExplanation(c.Source.Operator.Value, c.Source.Key.Value, requestValues, c.Texts, outcome, NoteFor(c, requestValues, outcome));
    }

    private static string? NoteFor(CompiledCondition c, IReadOnlyList<string>? requestValues, ConditionOutcome outcome)
    {
        var notes = new List<string>();
        if (c.Operator.IsLike && c.Texts.Any(p => p.Contains(".*", StringComparison.Ordinal) || p.Contains(".+", StringComparison.Ordinal)))
        {
            notes.Add($"in {c.Operator.Kind} `.` is a literal dot");
        }

        if (c.Operator.Kind is OperatorKind.StringEquals or OperatorKind.StringNotEquals or OperatorKind.StringLike or OperatorKind.StringNotLike &&
            requestValues is not null &&
            requestValues.Any(v => c.Texts.Any(p => !string.Equals(p, v, StringComparison.Ordinal) &&
                                                     (string.Equals(p, v, StringComparison.OrdinalIgnoreCase) ||
                                                      Wildcard.IsMatch(p, v, ignoreCase: true) != Wildcard.IsMatch(p, v)))))
        {
            notes.Add($"the values differ only in letter case, and {c.Operator.Kind} is case-sensitive");
        }

        if (c.Operator.Set == SetQualifier.None && c.EffectiveSet == SetQualifier.ForAnyValue)
        {
            notes.Add($"a plain operator on {PolicyCatalog.NameOf(c.Key)} is treated as ForAnyValue");
        }

        if (requestValues is null && outcome != ConditionOutcome.Error && c.Operator.Kind != OperatorKind.NullCheck)
        {
            notes.Add(c.Operator.IfExists ? "IfExists makes an absent key true"
                : c.EffectiveSet == SetQualifier.ForAllValues ? "ForAllValues is true when the key is absent"
                : c.EffectiveSet == SetQualifier.ForAnyValue ? "ForAnyValue is false when the key is absent"
                : c.Negated ? "a negated operator is true when the key is absent"
                : "a positive operator is false when the key is absent");
        }

        return notes.Count == 0 ? null : string.Join("; ", notes);
    }

    /// <summary>One clause, for example "ses:FromAddress `a@b` does not match `x*@b`".</summary>
    public string Describe()
    {
        var policy = string.Join(" or ", PolicyValues.Select(v => $"`{v}`"));
        string text;
        if (Operator.StartsWith("Null", StringComparison.Ordinal))
        {
            var present = RequestValues is { Count: > 0 };
            text = $"{Key} is {(present ? "present" : "absent")}, so {Operator} {policy} {(Outcome == ConditionOutcome.Satisfied ? "holds" : "does not hold")}";
        }
        else if (RequestValues is null || RequestValues.Count == 0)
        {
            text = $"{Key} is {(RequestValues is null ? "absent from the request" : "empty")}, so {Operator} {(Outcome == ConditionOutcome.Satisfied ? "holds" : "does not hold")}";
        }
        else
        {
            var request = string.Join(", ", RequestValues.Select(v => $"`{v}`"));
            var (verb, negated) = Verb(Operator);
            text = Outcome switch
            {
                ConditionOutcome.Error => $"{Key} {request} cannot be compared with {Operator} {policy}",
                ConditionOutcome.Satisfied when negated => $"{Key} {request} does not {verb} {policy} ({Operator} holds)",
                ConditionOutcome.Satisfied => $"{Key} {request} {Third(verb)} {policy} ({Operator} holds)",
                _ when negated => $"{Key} {request} {Third(verb)} {policy}, which {Operator} forbids",
                _ => $"{Key} {request} does not {verb} {policy}",
            };
        }

        return Note is null ? text : $"{text} — {Note}";
    }

    private static (string Verb, bool Negated) Verb(string op)
    {
        var core = op[(op.LastIndexOf(':') + 1)..];
        if (core.EndsWith("IfExists", StringComparison.Ordinal))
        {
            core = core[..^8];
        }

        var negated = core.Contains("Not", StringComparison.Ordinal);
        core = core.Replace("Not", "", StringComparison.Ordinal);
        var verb = core switch
        {
            "StringEquals" or "ArnEquals" or "NumericEquals" or "DateEquals" or "BinaryEquals" or "Bool" => "equal",
            "StringEqualsIgnoreCase" => "equal (ignoring case)",
            "StringLike" or "ArnLike" => "match",
            "IpAddress" => "fall within",
            "NumericLessThan" or "DateLessThan" => "come before (be less than)",
            "NumericLessThanEquals" or "DateLessThanEquals" => "be at most",
            "NumericGreaterThan" or "DateGreaterThan" => "come after (be greater than)",
            "NumericGreaterThanEquals" or "DateGreaterThanEquals" => "be at least",
            _ => "satisfy",
        };
        return (verb, negated);
    }

    private static string Third(string verb) => verb switch
    {
        "equal" => "equals",
        "equal (ignoring case)" => "equals (ignoring case)",
        "match" => "matches",
        "fall within" => "falls within",
        "come before (be less than)" => "is less than",
        "be at most" => "is at most",
        "come after (be greater than)" => "is greater than",
        "be at least" => "is at least",
        _ => "satisfies",
    };
}

/// <summary>Why one statement did or did not apply.</summary>
public sealed record StatementExplanation(
    StatementReference Statement,
    PolicyEffect Effect,
    bool HasPrincipalElement,
    bool PrincipalMatched,
    bool ActionMatched,
    bool ResourceMatched,
    IReadOnlyList<ConditionExplanation> Conditions,
    StatementOutcome Outcome,
    AuthorizationRequest Request)
{
    /// <summary>
    /// One sentence, for example "Statement `AuthorizeMarketer` did not apply: ses:FromAddress `marketing+news@example.com`
    /// does not match `marketing+.*@example.com` — in StringLike `.` is a literal dot".
    /// </summary>
    public string Describe()
    {
        var name = $"Statement `{(Statement.Sid is { Length: > 0 } sid ? sid : "#" + (Statement.Index + 1).ToString(CultureInfo.InvariantCulture))}`";
        if (!PrincipalMatched)
        {
            return $"{name} did not apply: the principal `{Request.Principal.Arn}` is not named in its Principal";
        }

        if (!ActionMatched)
        {
            return $"{name} did not apply: action `{Request.Action}` is not in its Action";
        }

        if (!ResourceMatched)
        {
            return $"{name} did not apply: resource `{Request.Resource}` does not match its Resource";
        }

        var failed = Conditions.FirstOrDefault(c => c.Outcome == ConditionOutcome.NotSatisfied);
        if (failed is not null)
        {
            return $"{name} did not apply: {failed.Describe()}";
        }

        var error = Conditions.FirstOrDefault(c => c.Outcome == ConditionOutcome.Error);
        if (error is not null)
        {
            return $"{name} was skipped because it could not be evaluated: {error.Describe()}";
        }

        var effect = Effect == PolicyEffect.Allow ? "allows" : "denies";
        return Conditions.Count == 0
            ? $"{name} {effect} the request: principal, action and resource match"
            : $"{name} {effect} the request: principal, action and resource match and {(Conditions.Count == 1 ? "its condition holds" : $"all {Conditions.Count} conditions hold")}";
    }
}

/// <summary>The decision of one side plus an explanation of every statement.</summary>
public sealed record PolicyExplanation(AuthorizationRequest Request, AuthorizationDecision Decision, IReadOnlyList<StatementExplanation> Statements)
{
    /// <summary>The decision sentence followed by one line per statement.</summary>
    public string Describe() =>
        string.Join(Environment.NewLine, Statements.Select(s => s.Describe()).Prepend(Decision.Describe()));
}
