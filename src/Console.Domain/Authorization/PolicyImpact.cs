using SesConsole.Domain.Policies;

namespace SesConsole.Domain.Authorization;

/// <summary>
/// Whose policies decide an attempt's owner side before and after a draft: the ARN they are evaluated against and the
/// compiled set. Before and after differ in ARN only when the draft moves the decision between an address identity and
/// its domain (docs/policy-engine.md, "Which identity's policies").
/// </summary>
public sealed record ReplayScope(string BeforeArn, CompiledPolicySet Before, string AfterArn, CompiledPolicySet After);

/// <summary>
/// One stored send attempt that reached the authorization step, ready to replay.
/// </summary>
/// <param name="At">When it was made.</param>
/// <param name="Principal">The caller (the request's principal, with its organization when known).</param>
/// <param name="Context">The condition-key values it was evaluated with (<see cref="StoredRequestContext"/>).</param>
/// <param name="Checks">Its checks against this identity (one per action), with the caller's side as recorded.</param>
/// <param name="OtherChecksAllowed">Whether its checks against other identities (a Return-Path of another identity) allowed it; they do not change.</param>
/// <param name="Scope">Whose policies decide the owner's side before and after.</param>
/// <param name="MessageId">The message ID of an accepted attempt.</param>
public sealed record ReplayAttempt(
    DateTimeOffset At,
    RequestPrincipal Principal,
    RequestContext Context,
    IReadOnlyList<RecordedCheck> Checks,
    bool OtherChecksAllowed,
    ReplayScope Scope,
    string? MessageId = null);

/// <summary>Which way a decision changed.</summary>
public enum ImpactDirection
{
    /// <summary>Allowed under the saved policies, denied under the draft.</summary>
    NowDenied,

    /// <summary>Denied under the saved policies, allowed under the draft.</summary>
    NowAllowed,
}

/// <summary>
/// One changed attempt, shown as an example; <c>Explanation</c> says why the draft decides as it does: the decision and the
/// owner's statements that matter, then the caller's recorded side.
/// </summary>
public sealed record ImpactExample(DateTimeOffset At, string Action, string? MessageId, IReadOnlyList<string> Recipients, string Explanation);

/// <summary>The changed attempts of one sender (caller principal) and From address, in one direction.</summary>
public sealed record ImpactGroup(ImpactDirection Direction, string Sender, string? FromAddress, int Count, DateTimeOffset Latest, IReadOnlyList<ImpactExample> Examples);

/// <summary>What the draft changes over the replayed attempts.</summary>
/// <param name="Replayed">Attempts replayed.</param>
/// <param name="Groups">The changes, the largest groups first.</param>
public sealed record PolicyImpactReport(int Replayed, IReadOnlyList<ImpactGroup> Groups)
{
    public int NowDenied => Groups.Where(g => g.Direction == ImpactDirection.NowDenied).Sum(g => g.Count);

    public int NowAllowed => Groups.Where(g => g.Direction == ImpactDirection.NowAllowed).Sum(g => g.Count);

    public bool HasChanges => Groups.Count > 0;
}

/// <summary>
/// The impact preview's replay (docs/policy-editor.md#impact-preview): each attempt's owner side is evaluated under the
/// saved policies and under the draft; the caller's own IAM side is kept as the attempt recorded it. An attempt whose
/// final decision differs is counted in its group (sender, From address, direction); the first few of each group get the
/// explanation of the draft's decision. Pure: no clock, no I/O; <see cref="PolicyEvaluator.Decide"/> on the fast path.
/// </summary>
public static class PolicyImpact
{
    /// <summary>Examples kept per group.</summary>
    public const int ExamplesPerGroup = 3;

    public static PolicyImpactReport Replay(IReadOnlyList<ReplayAttempt> attempts, int examplesPerGroup = ExamplesPerGroup)
    {
        ArgumentNullException.ThrowIfNull(attempts);
        var groups = new Dictionary<(ImpactDirection, string, string?), GroupBuilder>();
        foreach (var attempt in attempts)
        {
            var before = attempt.OtherChecksAllowed;
            var after = attempt.OtherChecksAllowed;
            string? changedAction = null;
            AuthorizationRequest? changedRequest = null;
            var scope = attempt.Scope;
            var sameArn = string.Equals(scope.BeforeArn, scope.AfterArn, StringComparison.Ordinal);
            foreach (var check in attempt.Checks)
            {
                var crossAccount = CrossAccount(attempt.Principal, scope.AfterArn);
                var beforeRequest = new AuthorizationRequest(attempt.Principal, check.Action, scope.BeforeArn, attempt.Context);
                var afterRequest = sameArn ? beforeRequest : new AuthorizationRequest(attempt.Principal, check.Action, scope.AfterArn, attempt.Context);
                var asItself = IsOwnerRoot(attempt.Principal, scope.AfterArn);
                var b = RecordedCheck.Combine(PolicyEvaluator.Decide(beforeRequest, scope.Before).Decision, check.CallerSide, asItself, crossAccount);
                var a = RecordedCheck.Combine(PolicyEvaluator.Decide(afterRequest, scope.After).Decision, check.CallerSide, asItself, crossAccount);
                before &= b;
                after &= a;
                if (a != b && changedAction is null)
                {
                    changedAction = check.Action;
                    changedRequest = afterRequest;
                }
            }

            if (before == after || changedRequest is null)
            {
                continue;
            }

            var direction = after ? ImpactDirection.NowAllowed : ImpactDirection.NowDenied;
            var key = (direction, attempt.Principal.Arn, attempt.Context.FromAddress);
            if (!groups.TryGetValue(key, out var group))
            {
                groups[key] = group = new GroupBuilder(direction, attempt.Principal.Arn, attempt.Context.FromAddress);
            }

            group.Count++;
            if (attempt.At > group.Latest)
            {
                group.Latest = attempt.At;
            }

            if (group.Examples.Count < examplesPerGroup)
            {
                var callerSide = attempt.Checks.First(c => c.Action == changedAction).CallerSide;
                group.Examples.Add(new ImpactExample(attempt.At, changedAction!, attempt.MessageId, attempt.Context.Recipients ?? [],
                    Explain(changedRequest, scope.After, callerSide)));
            }
        }

        return new PolicyImpactReport(attempts.Count, groups.Values
            .OrderByDescending(g => g.Count).ThenBy(g => g.Direction).ThenBy(g => g.Sender, StringComparer.Ordinal).ThenBy(g => g.FromAddress, StringComparer.Ordinal)
            .Select(g => new ImpactGroup(g.Direction, g.Sender, g.FromAddress, g.Count, g.Latest, g.Examples)).ToList());
    }

    /// <summary>
    /// The draft's decision on the owner's side in words: the decision, then each statement that decided it (or, for an
    /// implicit deny, why each statement naming the caller did not apply), then the caller's side as recorded.
    /// </summary>
    public static string Explain(AuthorizationRequest request, CompiledPolicySet policies, RecordedCallerSide callerSide)
    {
        ArgumentNullException.ThrowIfNull(request);
        var explanation = PolicyEvaluator.Explain(request, policies);
        var decision = explanation.Decision;
        var lines = new List<string> { $"Owner's policies: {decision.Describe()}" };
        var relevant = decision.Decision == Decision.ImplicitDeny
            ? explanation.Statements.Where(s => s.PrincipalMatched && s.ActionMatched)
            : explanation.Statements.Where(s => s.Outcome == StatementOutcome.Applied &&
                                                (s.Effect == PolicyEffect.Deny) == (decision.Decision == Decision.ExplicitDeny));
        lines.AddRange(relevant.Select(s => s.Describe()));
        if (decision.Decision == Decision.ImplicitDeny && lines.Count == 1)
        {
            lines.Add($"No statement names `{request.Principal.Arn}` for {request.Action}.");
        }

        lines.Add(callerSide switch
        {
            RecordedCallerSide.None => "The caller is a service: the owner's policies alone decide.",
            RecordedCallerSide.AccountRoot => "The caller's own side: an account root always allows itself.",
            RecordedCallerSide.Allow => "The caller's own IAM side allowed it when it was sent (kept as recorded).",
            RecordedCallerSide.Deny => "The caller's own IAM side denied it when it was sent (kept as recorded).",
            _ => "The caller's own IAM side did not allow it when it was sent (kept as recorded).",
        });
        return string.Join(Environment.NewLine, lines);
    }

    private static bool CrossAccount(RequestPrincipal principal, string identityArn) =>
        !principal.IsService && !string.Equals(principal.Account, AccountOf(identityArn), StringComparison.Ordinal);

    private static bool IsOwnerRoot(RequestPrincipal principal, string identityArn) =>
        principal.Kind == Principals.PrincipalKind.AccountRoot && string.Equals(principal.Account, AccountOf(identityArn), StringComparison.Ordinal);

    private static string? AccountOf(string arn)
    {
        // arn:aws:ses:REGION:ACCOUNT:identity/NAME
        var start = 0;
        for (var i = 0; i < 4; i++)
        {
            start = arn.IndexOf(':', start) + 1;
            if (start == 0)
            {
                return null;
            }
        }

        var end = arn.IndexOf(':', start);
        return end < 0 ? null : arn[start..end];
    }

    private sealed class GroupBuilder(ImpactDirection direction, string sender, string? from)
    {
        public ImpactDirection Direction { get; } = direction;

        public string Sender { get; } = sender;

        public string? FromAddress { get; } = from;

        public int Count { get; set; }

        public DateTimeOffset Latest { get; set; }

        public List<ImpactExample> Examples { get; } = [];
    }
}
