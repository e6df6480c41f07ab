using SesConsole.Domain.Policies;

namespace SesConsole.Domain.Authorization;

/// <summary>
/// Stage 3 of the policy engine: evaluates one side's compiled policies against a request with IAM precedence: any
/// applicable Deny gives <see cref="Decision.ExplicitDeny"/>; otherwise any applicable Allow gives
/// <see cref="Decision.Allow"/>; otherwise <see cref="Decision.ImplicitDeny"/>. A statement whose conditions cannot be
/// evaluated (for example a Numeric operator on a non-numeric value) is skipped and reported (cedar's skip-on-error).
/// </summary>
/// <remarks>
/// Pure and total: no clock reads (time comes from <see cref="RequestContext.CurrentTime"/>), no exceptions on any input.
/// <see cref="Decide"/> allocates nothing; <see cref="Evaluate"/> allocates only the reason lists; <see cref="Explain"/>
/// builds a full per-statement explanation for the UI. The owner-may-always-send rule is the send pipeline's, not this.
/// </remarks>
public static class PolicyEvaluator
{
    /// <summary>The fast path: decision, first deciding statement and error count, without allocating.</summary>
    public static EvaluationResult Decide(AuthorizationRequest request, CompiledPolicySet policies)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(policies);
        CompiledStatement? allow = null;
        var errors = 0;
        var statements = policies.StatementArray;
        for (var i = 0; i < statements.Length; i++)
        {
            var s = statements[i];
            if (!Applies(s, request, out var error))
            {
                errors += error ? 1 : 0;
                continue;
            }

            if (s.Effect == PolicyEffect.Deny)
            {
                return new EvaluationResult(Decision.ExplicitDeny, s, errors + CountRemainingErrors(statements, i + 1, request));
            }

            allow ??= s;
        }

        return allow is null
            ? new EvaluationResult(Decision.ImplicitDeny, null, errors)
            : new EvaluationResult(Decision.Allow, allow, errors);
    }

    /// <summary>The decision with every deciding statement and every statement skipped on error.</summary>
    public static AuthorizationDecision Evaluate(AuthorizationRequest request, CompiledPolicySet policies)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(policies);
        var allows = new List<StatementReference>();
        var denies = new List<StatementReference>();
        var errors = new List<StatementError>();
        foreach (var s in policies.StatementArray)
        {
            if (Applies(s, request, out var error))
            {
                (s.Effect == PolicyEffect.Deny ? denies : allows).Add(StatementReference.Of(s));
            }
            else if (error)
            {
                errors.Add(new StatementError(StatementReference.Of(s), ErrorMessage(s, request)));
            }
        }

        return denies.Count > 0
            ? new AuthorizationDecision(Decision.ExplicitDeny, denies, errors)
            : allows.Count > 0
                ? new AuthorizationDecision(Decision.Allow, allows, errors)
                : new AuthorizationDecision(Decision.ImplicitDeny, [], errors);
    }

    /// <summary>The decision plus, for every statement, what matched and each condition's outcome.</summary>
    public static PolicyExplanation Explain(AuthorizationRequest request, CompiledPolicySet policies)
    {
        var decision = Evaluate(request, policies);
        var statements = new List<StatementExplanation>(policies.StatementArray.Length);
        foreach (var s in policies.StatementArray)
        {
            statements.Add(ExplainStatement(s, request));
        }

        return new PolicyExplanation(request, decision, statements);
    }

    internal static bool Applies(CompiledStatement s, AuthorizationRequest request, out bool error)
    {
        error = false;
        if (!StatementMatcher.MatchesAction(s, request.LowerAction) ||
            !StatementMatcher.MatchesPrincipal(s, request.Principal) ||
            !StatementMatcher.MatchesResource(s, request.Resource))
        {
            return false;
        }

        var t = StatementMatcher.Conditions(s, request);
        error = t == Tri.Error;
        return t == Tri.True;
    }

    private static int CountRemainingErrors(CompiledStatement[] statements, int from, AuthorizationRequest request)
    {
        var errors = 0;
        for (var i = from; i < statements.Length; i++)
        {
            Applies(statements[i], request, out var error);
            errors += error ? 1 : 0;
        }

        return errors;
    }

    private static string ErrorMessage(CompiledStatement s, AuthorizationRequest request)
    {
        foreach (var c in s.Conditions)
        {
            if (StatementMatcher.Condition(c, request) == Tri.Error)
            {
                return ConditionExplanation.For(c, request, Tri.Error).Describe();
            }
        }

        return "The statement could not be evaluated.";
    }

    internal static StatementExplanation ExplainStatement(CompiledStatement s, AuthorizationRequest request)
    {
        var principal = StatementMatcher.MatchesPrincipal(s, request.Principal);
        var action = StatementMatcher.MatchesAction(s, request.LowerAction);
        var resource = StatementMatcher.MatchesResource(s, request.Resource);
        var conditions = new List<ConditionExplanation>(s.Conditions.Length);
        var all = Tri.True;
        foreach (var c in s.Conditions)
        {
            var t = StatementMatcher.Condition(c, request);
            conditions.Add(ConditionExplanation.For(c, request, t));
            if (t == Tri.False)
            {
                all = Tri.False;
            }
            else if (t == Tri.Error && all == Tri.True)
            {
                all = Tri.Error;
            }
        }

        var outcome = !(principal && action && resource)
            ? StatementOutcome.NotApplicable
            : all switch
            {
                Tri.True => StatementOutcome.Applied,
                Tri.False => StatementOutcome.NotApplicable,
                _ => StatementOutcome.Error,
            };
        return new StatementExplanation(StatementReference.Of(s), s.Effect, s.HasPrincipalElement, principal, action, resource, conditions, outcome,
            request);
    }
}
