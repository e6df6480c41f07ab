using SesConsole.Domain.Primitives;

namespace SesConsole.Domain.Policies;

/// <summary>
/// A validated policy turned into matchers: lower-cased action patterns, split ARN patterns, typed condition values.
/// Evaluate it with <see cref="Authorization.PolicyEvaluator"/>. Create through <see cref="PolicyCompiler"/>.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class CompiledPolicy
{
    internal CompiledPolicy(string name, PolicyKind kind, PolicyDocument document, CompiledStatement[] statements)
    {
        Name = name;
        Kind = kind;
        Document = document;
        StatementArray = statements;
    }

    public string Name { get; }

    public PolicyKind Kind { get; }

    /// <summary>The parsed document this was compiled from (for explanations and the canonical text).</summary>
    public PolicyDocument Document { get; }

    public IReadOnlyList<CompiledStatement> Statements => StatementArray;

    internal CompiledStatement[] StatementArray { get; }
}

/// <summary>
/// One compiled statement. Identity-based statements have no principal element and match any caller; trust-policy
/// statements have no resource element and match any resource (the role they are attached to).
/// </summary>
public sealed class CompiledStatement
{
    internal CompiledStatement(string policyName, PolicyKind kind, PolicyStatement source, PolicyEffect effect)
    {
        PolicyName = policyName;
        Kind = kind;
        Source = source;
        Effect = effect;
        Sid = source.Sid?.Value;
    }

    public string PolicyName { get; }

    public PolicyKind Kind { get; }

    /// <summary>The Sid, or null when the statement has none.</summary>
    public string? Sid { get; }

    public int Index => Source.Index;

    public PolicyEffect Effect { get; }

    public PolicyStatement Source { get; }

    /// <summary>"Sid" or "#n" (1-based) when there is no Sid.</summary>
    public string DisplayName => Sid is { Length: > 0 } sid ? sid : $"#{Index + 1}";

    internal bool HasPrincipalElement { get; init; }

    internal bool Everyone { get; init; }

    internal bool AnyAws { get; init; }

    internal string[] Accounts { get; init; } = [];

    internal string[] PrincipalArns { get; init; } = [];

    internal string[] Services { get; init; } = [];

    internal ActionPattern[] Actions { get; init; } = [];

    internal ArnPattern[] Resources { get; init; } = [];

    internal CompiledCondition[] Conditions { get; init; } = [];
}

internal readonly record struct ActionPattern(string LowerPattern, bool HasWildcard)
{
    public bool IsMatch(string lowerAction) =>
        HasWildcard ? Wildcard.IsMatch(LowerPattern, lowerAction) : string.Equals(LowerPattern, lowerAction, StringComparison.Ordinal);
}

/// <summary>A condition with its policy values parsed into the operator's type.</summary>
internal sealed class CompiledCondition
{
    public required PolicyCondition Source { get; init; }

    public required ConditionOperator Operator { get; init; }

    public required ConditionKey Key { get; init; }

    /// <summary>The set mode used: a plain operator on ses:Recipients behaves as ForAnyValue (docs/ses-behaviour.md#condition-keys).</summary>
    public required SetQualifier EffectiveSet { get; init; }

    public required bool Negated { get; init; }

    public required string[] Texts { get; init; }

    public required bool[] TextHasWildcard { get; init; }

    public double[] Numbers { get; init; } = [];

    public long[] Dates { get; init; } = [];

    public bool[] Bools { get; init; } = [];

    public IpNetwork[] Networks { get; init; } = [];

    public ArnPattern[] Arns { get; init; } = [];
}

/// <summary>
/// The policies that govern one side of a request (for example every policy on the applicable identity), flattened for
/// fast evaluation. Order never changes a decision.
/// </summary>
public sealed class CompiledPolicySet
{
    public CompiledPolicySet(IEnumerable<CompiledPolicy> policies)
    {
        ArgumentNullException.ThrowIfNull(policies);
        Policies = [.. policies];
        var statements = new List<CompiledStatement>();
        foreach (var policy in Policies)
        {
            statements.AddRange(policy.StatementArray);
        }

        StatementArray = [.. statements];
    }

    public static CompiledPolicySet Empty { get; } = new([]);

    public IReadOnlyList<CompiledPolicy> Policies { get; }

    internal CompiledStatement[] StatementArray { get; }
}

/// <summary>Turns a validated policy into a <see cref="CompiledPolicy"/>; refuses policies with errors.</summary>
public static class PolicyCompiler
{
    /// <summary>Compiles <paramref name="validated"/> under <paramref name="policyName"/>.</summary>
    /// <returns>The compiled policy, or <c>policy.invalid</c> naming the first error when validation failed.</returns>
    public static Result<CompiledPolicy> Compile(string policyName, PolicyValidationResult validated)
    {
        ArgumentNullException.ThrowIfNull(validated);
        if (!validated.IsValid)
        {
            var first = validated.Errors.FirstOrDefault();
            return Result<CompiledPolicy>.Failure("policy.invalid",
                first is null ? "The policy is not valid." : $"The policy is not valid: {first.Message}", first?.Location.ToString());
        }

        var document = validated.Document!;
        var statements = new CompiledStatement[document.Statements.Count];
        for (var i = 0; i < statements.Length; i++)
        {
            var compiled = CompileStatement(policyName ?? "", validated.Kind, document.Statements[i]);
            if (!compiled.IsSuccess)
            {
                return Result<CompiledPolicy>.Failure(compiled.Error);
            }

            statements[i] = compiled.Value;
        }

        return new CompiledPolicy(policyName ?? "", validated.Kind, document, statements);
    }

    private static Result<CompiledStatement> CompileStatement(string policyName, PolicyKind kind, PolicyStatement statement)
    {
        var accounts = new List<string>();
        var arns = new List<string>();
        var anyAws = false;
        foreach (var aws in statement.Principal?.Aws ?? [])
        {
            var v = aws.Value;
            if (v == "*")
            {
                anyAws = true;
            }
            else if (v.Length == 12 && !v.StartsWith("arn:", StringComparison.Ordinal))
            {
                accounts.Add(v);
            }
            else if (v.StartsWith("arn:aws:iam::", StringComparison.Ordinal) && v.EndsWith(":root", StringComparison.Ordinal) && v.Length == 30)
            {
                accounts.Add(v.Substring(13, 12));
            }
            else
            {
                arns.Add(v);
            }
        }

        var conditions = new CompiledCondition[statement.Conditions.Count];
        for (var i = 0; i < conditions.Length; i++)
        {
            var condition = CompileCondition(statement.Conditions[i], kind);
            if (condition is null)
            {
                return Result<CompiledStatement>.Failure("policy.invalid", $"Condition {statement.Conditions[i].Operator.Value} could not be compiled.");
            }

            conditions[i] = condition;
        }

        return new CompiledStatement(policyName, kind, statement, statement.ParsedEffect ?? PolicyEffect.Deny)
        {
            HasPrincipalElement = kind != PolicyKind.IdentityBased,
            Everyone = statement.Principal?.IsEveryone ?? false,
            AnyAws = anyAws,
            Accounts = [.. accounts],
            PrincipalArns = [.. arns],
            Services = [.. statement.Principal?.Services.Select(s => s.Value) ?? []],
            Actions = [.. statement.Actions.Select(a => new ActionPattern(a.Value.ToLowerInvariant(), Wildcard.HasWildcard(a.Value)))],
            // A trust policy has no Resource: it governs the role it is attached to, whatever ARN the request names.
            Resources = kind == PolicyKind.Trust ? [ArnPattern.Create("*")] : [.. statement.Resources.Select(r => ArnPattern.Create(r.Value))],
            Conditions = conditions,
        };
    }

    private static CompiledCondition? CompileCondition(PolicyCondition condition, PolicyKind kind)
    {
        if (!ConditionOperator.TryParse(condition.Operator.Value, out var op) ||
            !PolicyCatalog.TryGetConditionKey(condition.Key.Value, kind, out var key))
        {
            return null;
        }

        var n = condition.Values.Count;
        var texts = new string[n];
        var wild = new bool[n];
        var numbers = new double[n];
        var dates = new long[n];
        var bools = new bool[n];
        var networks = new IpNetwork[n];
        var arns = new ArnPattern[n];
        for (var i = 0; i < n; i++)
        {
            var text = condition.Values[i].Value;
            texts[i] = text;
            wild[i] = Wildcard.HasWildcard(text);
            arns[i] = ArnPattern.Create(text);
            var ok = op.Kind switch
            {
                OperatorKind.BoolEquals or OperatorKind.NullCheck => ValueParsers.TryParseBool(text, out bools[i]),
                OperatorKind.BinaryEquals => true,
                _ => op.ValueType switch
                {
                    ConditionValueType.Number => ValueParsers.TryParseNumber(text, out numbers[i]),
                    ConditionValueType.Date => ValueParsers.TryParseDate(text, out dates[i]),
                    ConditionValueType.IpAddress => ValueParsers.TryParseCidr(text, out networks[i]),
                    _ => true,
                },
            };
            if (!ok)
            {
                return null;
            }
        }

        var set = op.Set;
        if (set == SetQualifier.None && PolicyCatalog.IsMultiValued(key))
        {
            set = SetQualifier.ForAnyValue;
        }

        return new CompiledCondition
        {
            Source = condition,
            Operator = op,
            Key = key,
            EffectiveSet = set,
            Negated = op.IsNegated,
            Texts = texts,
            TextHasWildcard = wild,
            Numbers = numbers,
            Dates = dates,
            Bools = bools,
            Networks = networks,
            Arns = arns,
        };
    }
}
