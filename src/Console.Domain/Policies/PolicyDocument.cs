namespace SesConsole.Domain.Policies;

/// <summary>A string in the policy text with where it came from.</summary>
public sealed record PolicyText(string Value, PolicyLocation Location)
{
    /// <inheritdoc />
    public override string ToString() => Value;
}

/// <summary>
/// A parsed sending authorization (or identity-based) policy: the typed model of the JSON text, with a location on every
/// node. A document that parsed may still be invalid; run <see cref="PolicyValidator"/> before saving or compiling.
/// </summary>
public sealed record PolicyDocument(
    PolicyText? Version,
    PolicyText? Id,
    IReadOnlyList<PolicyStatement> Statements,
    PolicyLocation Location,
    PolicyLocation? StatementLocation);

/// <summary>Allow or Deny.</summary>
public enum PolicyEffect
{
    Allow,
    Deny,
}

/// <summary>
/// One statement. <see cref="Effect"/> holds the text as written; <see cref="ParsedEffect"/> is set only when it is exactly
/// <c>Allow</c> or <c>Deny</c>. Empty lists mean the element was absent (see the <c>Has…</c> flags).
/// </summary>
public sealed record PolicyStatement(
    int Index,
    PolicyText? Sid,
    PolicyText? Effect,
    PolicyPrincipal? Principal,
    IReadOnlyList<PolicyText> Actions,
    IReadOnlyList<PolicyText> Resources,
    IReadOnlyList<PolicyCondition> Conditions,
    PolicyLocation Location)
{
    public bool HasAction { get; init; }

    public bool HasResource { get; init; }

    public PolicyLocation? ActionLocation { get; init; }

    public PolicyLocation? ResourceLocation { get; init; }

    public PolicyEffect? ParsedEffect => Effect?.Value switch
    {
        "Allow" => PolicyEffect.Allow,
        "Deny" => PolicyEffect.Deny,
        _ => null,
    };
}

/// <summary>
/// The <c>Principal</c> element: either the bare <c>"*"</c> (<see cref="IsEveryone"/>) or a map of <c>AWS</c> and
/// <c>Service</c> lists.
/// </summary>
public sealed record PolicyPrincipal(bool IsEveryone, IReadOnlyList<PolicyText> Aws, IReadOnlyList<PolicyText> Services, PolicyLocation Location);

/// <summary>
/// One flattened condition: <c>"Operator": { "Key": value-or-values }</c>. Several of these in a statement are AND-ed;
/// several <see cref="Values"/> are OR-ed (for negated operators: none may match).
/// </summary>
public sealed record PolicyCondition(PolicyText Operator, PolicyText Key, IReadOnlyList<PolicyText> Values);
