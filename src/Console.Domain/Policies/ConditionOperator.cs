namespace SesConsole.Domain.Policies;

/// <summary>The base IAM condition operators (without set prefix or <c>IfExists</c> suffix).</summary>
public enum OperatorKind
{
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    BoolEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    NullCheck,
    BinaryEquals,
}

/// <summary>How a condition treats several request values.</summary>
public enum SetQualifier
{
    /// <summary>No prefix: a single-valued comparison (on <c>ses:Recipients</c> it behaves as ForAnyValue, docs/ses-behaviour.md#condition-keys).</summary>
    None,

    /// <summary><c>ForAllValues:</c> every request value must match; true when the key is absent or empty.</summary>
    ForAllValues,

    /// <summary><c>ForAnyValue:</c> at least one request value must match; false when the key is absent.</summary>
    ForAnyValue,
}

/// <summary>
/// A parsed condition operator such as <c>ForAllValues:StringLikeIfExists</c>. Operator names are case-sensitive.
/// </summary>
public readonly record struct ConditionOperator(OperatorKind Kind, SetQualifier Set, bool IfExists)
{
    private static readonly Dictionary<string, OperatorKind> Names = new(StringComparer.Ordinal)
    {
        ["StringEquals"] = OperatorKind.StringEquals,
        ["StringNotEquals"] = OperatorKind.StringNotEquals,
        ["StringEqualsIgnoreCase"] = OperatorKind.StringEqualsIgnoreCase,
        ["StringNotEqualsIgnoreCase"] = OperatorKind.StringNotEqualsIgnoreCase,
        ["StringLike"] = OperatorKind.StringLike,
        ["StringNotLike"] = OperatorKind.StringNotLike,
        ["NumericEquals"] = OperatorKind.NumericEquals,
        ["NumericNotEquals"] = OperatorKind.NumericNotEquals,
        ["NumericLessThan"] = OperatorKind.NumericLessThan,
        ["NumericLessThanEquals"] = OperatorKind.NumericLessThanEquals,
        ["NumericGreaterThan"] = OperatorKind.NumericGreaterThan,
        ["NumericGreaterThanEquals"] = OperatorKind.NumericGreaterThanEquals,
        ["DateEquals"] = OperatorKind.DateEquals,
        ["DateNotEquals"] = OperatorKind.DateNotEquals,
        ["DateLessThan"] = OperatorKind.DateLessThan,
        ["DateLessThanEquals"] = OperatorKind.DateLessThanEquals,
        ["DateGreaterThan"] = OperatorKind.DateGreaterThan,
        ["DateGreaterThanEquals"] = OperatorKind.DateGreaterThanEquals,
        ["Bool"] = OperatorKind.BoolEquals,
        ["IpAddress"] = OperatorKind.IpAddress,
        ["NotIpAddress"] = OperatorKind.NotIpAddress,
        ["ArnEquals"] = OperatorKind.ArnEquals,
        ["ArnLike"] = OperatorKind.ArnLike,
        ["ArnNotEquals"] = OperatorKind.ArnNotEquals,
        ["ArnNotLike"] = OperatorKind.ArnNotLike,
        ["Null"] = OperatorKind.NullCheck,
        ["BinaryEquals"] = OperatorKind.BinaryEquals,
    };

    /// <summary>Every base operator name, for hints.</summary>
    public static IReadOnlyCollection<string> BaseNames => Names.Keys;

    /// <summary>Whether the operator is a negation (true on a missing key; several values must all fail to match).</summary>
    public bool IsNegated => Kind is OperatorKind.StringNotEquals or OperatorKind.StringNotEqualsIgnoreCase or OperatorKind.StringNotLike
        or OperatorKind.NumericNotEquals or OperatorKind.DateNotEquals or OperatorKind.NotIpAddress
        or OperatorKind.ArnNotEquals or OperatorKind.ArnNotLike;

    /// <summary>The kind of value the operator compares.</summary>
    public ConditionValueType ValueType => Kind switch
    {
        >= OperatorKind.NumericEquals and <= OperatorKind.NumericGreaterThanEquals => ConditionValueType.Number,
        >= OperatorKind.DateEquals and <= OperatorKind.DateGreaterThanEquals => ConditionValueType.Date,
        OperatorKind.BoolEquals or OperatorKind.NullCheck => ConditionValueType.Boolean,
        OperatorKind.IpAddress or OperatorKind.NotIpAddress => ConditionValueType.IpAddress,
        >= OperatorKind.ArnEquals and <= OperatorKind.ArnNotLike => ConditionValueType.Arn,
        _ => ConditionValueType.Text,
    };

    public bool IsLike => Kind is OperatorKind.StringLike or OperatorKind.StringNotLike;

    /// <summary>Parses an operator name. Fails for unknown names and for <c>NullIfExists</c>.</summary>
    public static bool TryParse(string text, out ConditionOperator op)
    {
        op = default;
        var name = text.AsSpan();
        var set = SetQualifier.None;
        if (name.StartsWith("ForAllValues:", StringComparison.Ordinal))
        {
            set = SetQualifier.ForAllValues;
            name = name["ForAllValues:".Length..];
        }
        else if (name.StartsWith("ForAnyValue:", StringComparison.Ordinal))
        {
            set = SetQualifier.ForAnyValue;
            name = name["ForAnyValue:".Length..];
        }

        var ifExists = false;
        if (name.EndsWith("IfExists", StringComparison.Ordinal))
        {
            ifExists = true;
            name = name[..^"IfExists".Length];
        }

        if (!Names.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out var kind))
        {
            return false;
        }

        if (kind == OperatorKind.NullCheck && (ifExists || set != SetQualifier.None))
        {
            return false;
        }

        op = new ConditionOperator(kind, set, ifExists);
        return true;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var baseName = Kind switch
        {
            OperatorKind.BoolEquals => "Bool",
            OperatorKind.NullCheck => "Null",
            _ => Kind.ToString(),
        };
        var prefix = Set switch
        {
            SetQualifier.ForAllValues => "ForAllValues:",
            SetQualifier.ForAnyValue => "ForAnyValue:",
            _ => "",
        };
        return prefix + baseName + (IfExists ? "IfExists" : "");
    }
}
