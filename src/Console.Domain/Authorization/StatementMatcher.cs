using SesConsole.Domain.Policies;

namespace SesConsole.Domain.Authorization;

internal enum Tri : byte
{
    False,
    True,
    Error,
}

/// <summary>Whether a statement applies to a request; shared by the fast path and the explanation path.</summary>
internal static class StatementMatcher
{
    public static bool MatchesPrincipal(CompiledStatement s, RequestPrincipal p)
    {
        if (!s.HasPrincipalElement || s.Everyone)
        {
            return true;
        }

        if (p.IsService)
        {
            var services = s.Services;
            for (var i = 0; i < services.Length; i++)
            {
                if (string.Equals(services[i], p.Arn, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }

        if (s.AnyAws)
        {
            return true;
        }

        var accounts = s.Accounts;
        for (var i = 0; i < accounts.Length; i++)
        {
            if (string.Equals(accounts[i], p.Account, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return NamesArn(s, p);
    }

    /// <summary>
    /// Whether the statement's Principal names the caller itself rather than only its account: its ARN, for a session the
    /// session ARN or its role's ARN, or everyone (<c>"*"</c>). IAM lets a same-account trust policy that names the caller
    /// this way grant AssumeRole alone; naming only the account needs the caller's own identity-based Allow too.
    /// </summary>
    public static bool NamesPrincipalItself(CompiledStatement s, RequestPrincipal p)
    {
        if (s.Everyone || s.AnyAws)
        {
            return true;
        }

        return NamesArn(s, p);
    }

    /// <summary>Whether the statement names the caller's ARN or, for a role session, its role's ARN.</summary>
    private static bool NamesArn(CompiledStatement s, RequestPrincipal p)
    {
        var arns = s.PrincipalArns;
        for (var i = 0; i < arns.Length; i++)
        {
            if (string.Equals(arns[i], p.Arn, StringComparison.Ordinal) ||
                (p.RoleArn is not null && string.Equals(arns[i], p.RoleArn, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    public static bool MatchesAction(CompiledStatement s, string lowerAction)
    {
        var actions = s.Actions;
        for (var i = 0; i < actions.Length; i++)
        {
            if (actions[i].IsMatch(lowerAction))
            {
                return true;
            }
        }

        return false;
    }

    public static bool MatchesResource(CompiledStatement s, string resource)
    {
        var resources = s.Resources;
        for (var i = 0; i < resources.Length; i++)
        {
            if (resources[i].IsMatch(resource))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when all conditions hold, False at the first that does not, Error when one cannot be evaluated.</summary>
    public static Tri Conditions(CompiledStatement s, AuthorizationRequest request)
    {
        var conditions = s.Conditions;
        var sawError = false;
        for (var i = 0; i < conditions.Length; i++)
        {
            var t = Condition(conditions[i], request);
            if (t == Tri.False)
            {
                return Tri.False;
            }

            sawError |= t == Tri.Error;
        }

        return sawError ? Tri.Error : Tri.True;
    }

    public static Tri Condition(CompiledCondition c, AuthorizationRequest request)
    {
        var values = request.Values(c.Key);
        var absent = values is null || values.Length == 0;
        if (c.Operator.Kind == OperatorKind.NullCheck)
        {
            var bools = c.Bools;
            for (var i = 0; i < bools.Length; i++)
            {
                if (bools[i] == absent)
                {
                    return Tri.True;
                }
            }

            return Tri.False;
        }

        if (absent)
        {
            if (c.Operator.IfExists || c.EffectiveSet == SetQualifier.ForAllValues)
            {
                return Tri.True;
            }

            if (c.EffectiveSet == SetQualifier.ForAnyValue)
            {
                return Tri.False;
            }

            return c.Negated ? Tri.True : Tri.False;
        }

        switch (c.EffectiveSet)
        {
            case SetQualifier.ForAllValues:
            {
                for (var i = 0; i < values!.Length; i++)
                {
                    var t = Single(c, in values[i]);
                    if (t != Tri.True)
                    {
                        return t;
                    }
                }

                return Tri.True;
            }

            case SetQualifier.ForAnyValue:
            {
                var sawError = false;
                for (var i = 0; i < values!.Length; i++)
                {
                    var t = Single(c, in values[i]);
                    if (t == Tri.True)
                    {
                        return Tri.True;
                    }

                    sawError |= t == Tri.Error;
                }

                return sawError ? Tri.Error : Tri.False;
            }

            default:
                return Single(c, in values![0]);
        }
    }

    /// <summary>One request value against the policy values: OR across them, or for negated operators "none matches".</summary>
    public static Tri Single(CompiledCondition c, in RequestValue v)
    {
        var any = false;
        for (var i = 0; i < c.Texts.Length; i++)
        {
            var m = Compare(c, i, in v);
            if (m == Tri.Error)
            {
                return Tri.Error;
            }

            if (m == Tri.True)
            {
                any = true;
                break;
            }
        }

        return any != c.Negated ? Tri.True : Tri.False;
    }

    /// <summary>The positive form of the operator for policy value <paramref name="i"/>.</summary>
    public static Tri Compare(CompiledCondition c, int i, in RequestValue v)
    {
        switch (c.Operator.Kind)
        {
            case OperatorKind.StringEquals or OperatorKind.StringNotEquals or OperatorKind.BinaryEquals:
                return ToTri(string.Equals(c.Texts[i], v.Text, StringComparison.Ordinal));
            case OperatorKind.StringEqualsIgnoreCase or OperatorKind.StringNotEqualsIgnoreCase:
                return ToTri(string.Equals(c.Texts[i], v.Text, StringComparison.OrdinalIgnoreCase));
            case OperatorKind.StringLike or OperatorKind.StringNotLike:
                return ToTri(c.TextHasWildcard[i]
                    ? Wildcard.IsMatch(c.Texts[i], v.Text)
                    : string.Equals(c.Texts[i], v.Text, StringComparison.Ordinal));
            case OperatorKind.ArnEquals or OperatorKind.ArnLike or OperatorKind.ArnNotEquals or OperatorKind.ArnNotLike:
                return ToTri(c.Arns[i].IsMatch(v.Text));
            case OperatorKind.BoolEquals:
                return v.HasBool ? ToTri(v.Bool == c.Bools[i]) : Tri.Error;
            case OperatorKind.IpAddress or OperatorKind.NotIpAddress:
                return v.HasIp ? ToTri(c.Networks[i].Contains(v.Ip)) : Tri.Error;
            case >= OperatorKind.NumericEquals and <= OperatorKind.NumericGreaterThanEquals:
                if (!v.HasNumber)
                {
                    return Tri.Error;
                }

                var n = v.Number;
                var p = c.Numbers[i];
                return ToTri(c.Operator.Kind switch
                {
                    OperatorKind.NumericEquals or OperatorKind.NumericNotEquals => n == p,
                    OperatorKind.NumericLessThan => n < p,
                    OperatorKind.NumericLessThanEquals => n <= p,
                    OperatorKind.NumericGreaterThan => n > p,
                    _ => n >= p,
                });
            case >= OperatorKind.DateEquals and <= OperatorKind.DateGreaterThanEquals:
                if (!v.HasDate)
                {
                    return Tri.Error;
                }

                var d = v.DateTicks;
                var q = c.Dates[i];
                return ToTri(c.Operator.Kind switch
                {
                    OperatorKind.DateEquals or OperatorKind.DateNotEquals => d == q,
                    OperatorKind.DateLessThan => d < q,
                    OperatorKind.DateLessThanEquals => d <= q,
                    OperatorKind.DateGreaterThan => d > q,
                    _ => d >= q,
                });
            default:
                return Tri.Error;
        }
    }

    private static Tri ToTri(bool b) => b ? Tri.True : Tri.False;
}
