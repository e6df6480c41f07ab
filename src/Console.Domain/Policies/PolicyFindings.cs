using System.Globalization;
using SesConsole.Domain.Authorization;
using SesConsole.Domain.Principals;

namespace SesConsole.Domain.Policies;

/// <summary>How much a finding matters (docs/policy-editor.md#findings).</summary>
public enum FindingSeverity
{
    /// <summary>Worth knowing; often intended (a plain delegate grant).</summary>
    Info,

    /// <summary>Clutter or a grant that does nothing; tidy it up.</summary>
    Low,

    /// <summary>A grant wider or stranger than it looks; review it.</summary>
    Medium,

    /// <summary>Anyone may send as the identity; fix it now.</summary>
    High,
}

/// <summary>The kinds of finding (docs/policy-editor.md#findings).</summary>
public enum FindingKind
{
    /// <summary>An Allow for principal <c>*</c> without conditions.</summary>
    OpenPrincipal,

    /// <summary>An Allow for principal <c>*</c> limited only by <c>aws:PrincipalOrgID</c>.</summary>
    OrganizationWide,

    /// <summary>An Allow with no condition at all.</summary>
    UnconditionedAllow,

    /// <summary>An Allow that matched attempts in the window but never decided one (a Deny won each time).</summary>
    Shadowed,

    /// <summary>An Allow that matched no attempt in the window.</summary>
    Unused,

    /// <summary>A principal that is not registered any more.</summary>
    MissingPrincipal,

    /// <summary>Actions that are not sending actions: a delegate cannot use them on an identity.</summary>
    UnusableAction,

    /// <summary>An Allow whose principals and actions overlap a Deny's.</summary>
    OverlapsDeny,
}

/// <summary>One finding on one statement: where it is (<c>Line</c>: 1-based, for the editor link), why it matters and how to fix it.</summary>
public sealed record PolicyFinding(FindingKind Kind, FindingSeverity Severity, string PolicyName, string? Sid, int StatementIndex, int Line, string Title, string Why, string Fix)
{
    /// <summary>The Sid, or <c>#n</c> (1-based) without one.</summary>
    public string StatementLabel => Sid is { Length: > 0 } sid ? sid : "#" + (StatementIndex + 1).ToString(CultureInfo.InvariantCulture);
}

/// <summary>How often a statement mattered in the window: it applied (principal, action, resource, conditions) and it decided the owner's side.</summary>
public sealed record StatementUsage(int Applied, int Decided);

/// <summary>
/// Static and usage-based analysis of one identity's saved policies (docs/policy-editor.md#findings). Static findings read
/// the compiled statements; usage findings need the window's attempts replayed against the saved policies
/// (<see cref="Usage"/>) and are made only when the window holds attempts. Pure.
/// </summary>
public static class PolicyFindings
{
    private const string OrgKey = "aws:PrincipalOrgID";

    /// <summary>The findings, most severe first, then by policy and line.</summary>
    /// <param name="policies">The identity's saved policies, compiled (principals checked against <paramref name="directory"/> here, not at compile time).</param>
    /// <param name="directory">The registered principals now.</param>
    /// <param name="usage">Per statement, from <see cref="Usage"/>; null when no usage data is available.</param>
    /// <param name="windowAttempts">Attempts in the window that reached the owner's policies.</param>
    public static IReadOnlyList<PolicyFinding> Analyze(IReadOnlyList<CompiledPolicy> policies, IPrincipalDirectory directory,
        IReadOnlyDictionary<StatementReference, StatementUsage>? usage, int windowAttempts)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(directory);
        var findings = new List<PolicyFinding>();
        var statements = policies.SelectMany(p => p.Statements).ToList();
        foreach (var s in statements)
        {
            var source = s.Source;
            var open = source.Principal is { } p && (p.IsEveryone || p.Aws.Any(a => a.Value == "*"));
            if (s.Effect == PolicyEffect.Allow)
            {
                if (open && source.Conditions.Count == 0)
                {
                    Add(findings, s, FindingKind.OpenPrincipal, FindingSeverity.High, "Anyone may send as this identity",
                        "Principal `*` with no condition lets every account (and every service) send as this identity; a spammer who learns the ARN can use your reputation.",
                        "Name the delegate accounts, users or roles in Principal, or add conditions (aws:SourceAccount, aws:PrincipalOrgID together with ses:FromAddress …).");
                }
                else if (open && source.Conditions.All(c => string.Equals(c.Key.Value, OrgKey, StringComparison.OrdinalIgnoreCase)))
                {
                    Add(findings, s, FindingKind.OrganizationWide, FindingSeverity.Medium, "A whole organization may send as this identity",
                        "Every account of the organization, present and future, and each of their IAM users and roles that their own policies allow, may send as this identity with any From address and recipients.",
                        "Name the accounts that need it, or narrow it with ses:FromAddress, ses:Recipients or aws:PrincipalAccount.");
                }
                else if (!open && source.Conditions.Count == 0)
                {
                    Add(findings, s, FindingKind.UnconditionedAllow, FindingSeverity.Info, "Allow without conditions",
                        "The named principals may send any message, from any address of the identity, to anyone, at any time. That is a plain delegate grant and often intended.",
                        "If the delegate only needs some From addresses or recipients, add ses:FromAddress or ses:Recipients conditions.");
                }

                UsageFindings(findings, s, usage, windowAttempts);
            }

            MissingPrincipals(findings, s, directory);
            UnusableActions(findings, s);
        }

        foreach (var allow in statements.Where(s => s.Effect == PolicyEffect.Allow))
        {
            foreach (var deny in statements.Where(s => s.Effect == PolicyEffect.Deny))
            {
                Overlap(findings, allow, deny);
            }
        }

        return findings.OrderByDescending(f => f.Severity).ThenBy(f => f.PolicyName, StringComparer.Ordinal).ThenBy(f => f.Line).ThenBy(f => f.Kind).ToList();
    }

    /// <summary>
    /// How often each statement of <paramref name="policies"/> applied to and decided the owner's side of
    /// <paramref name="attempts"/> (those whose owner side these policies decide: <see cref="ReplayScope.BeforeArn"/> = <paramref name="identityArn"/>).
    /// </summary>
    public static IReadOnlyDictionary<StatementReference, StatementUsage> Usage(IReadOnlyList<ReplayAttempt> attempts, string identityArn, CompiledPolicySet policies)
    {
        ArgumentNullException.ThrowIfNull(attempts);
        ArgumentNullException.ThrowIfNull(policies);
        var statements = policies.StatementArray;
        var applied = new int[statements.Length];
        var decided = new int[statements.Length];
        var hits = new bool[statements.Length];
        foreach (var attempt in attempts)
        {
            if (!string.Equals(attempt.Scope.BeforeArn, identityArn, StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var check in attempt.Checks)
            {
                var request = new AuthorizationRequest(attempt.Principal, check.Action, identityArn, attempt.Context);
                var anyDeny = false;
                for (var i = 0; i < statements.Length; i++)
                {
                    hits[i] = PolicyEvaluator.Applies(statements[i], request, out _);
                    anyDeny |= hits[i] && statements[i].Effect == PolicyEffect.Deny;
                }

                for (var i = 0; i < statements.Length; i++)
                {
                    if (hits[i])
                    {
                        applied[i]++;
                        if ((statements[i].Effect == PolicyEffect.Deny) == anyDeny)
                        {
                            decided[i]++;
                        }
                    }
                }
            }
        }

        var result = new Dictionary<StatementReference, StatementUsage>();
        for (var i = 0; i < statements.Length; i++)
        {
            result[StatementReference.Of(statements[i])] = new StatementUsage(applied[i], decided[i]);
        }

        return result;
    }

    private static void UsageFindings(List<PolicyFinding> findings, CompiledStatement s, IReadOnlyDictionary<StatementReference, StatementUsage>? usage, int windowAttempts)
    {
        if (usage is null || windowAttempts == 0 || !usage.TryGetValue(StatementReference.Of(s), out var u))
        {
            return;
        }

        if (u.Applied == 0)
        {
            Add(findings, s, FindingKind.Unused, FindingSeverity.Low, "Not used in the window",
                $"None of the {Plural(windowAttempts, "send attempt")} of the window matched this statement. A grant nobody uses still lets its principals send at any time.",
                "If the delegate no longer sends as this identity, remove the statement (the impact preview shows what that changes).");
        }
        else if (u.Decided == 0)
        {
            Add(findings, s, FindingKind.Shadowed, FindingSeverity.Low, "Shadowed by a Deny",
                $"It matched {Plural(u.Applied, "send attempt")} in the window, but a Deny applied to each of them, so it never decided one.",
                "Remove the statement, or narrow the Deny if these sends should go through.");
        }
    }

    private static void MissingPrincipals(List<PolicyFinding> findings, CompiledStatement s, IPrincipalDirectory directory)
    {
        if (s.Source.Principal is not { } principal)
        {
            return;
        }

        var missing = new List<string>();
        foreach (var text in principal.Aws.Select(a => a.Value).Where(a => a != "*"))
        {
            var exists = AccountId.Parse(text).TryGetValue(out var account) ? directory.AccountExists(account)
                : !PrincipalArn.Parse(text).TryGetValue(out var arn) || directory.PrincipalExists(arn);
            if (!exists)
            {
                missing.Add(text);
            }
        }

        missing.AddRange(principal.Services.Select(v => v.Value).Where(v => !directory.IsKnownService(v)));
        if (missing.Count == 0)
        {
            return;
        }

        var names = string.Join(", ", missing.Select(m => $"`{m}`"));
        if (s.Effect == PolicyEffect.Allow)
        {
            Add(findings, s, FindingKind.MissingPrincipal, FindingSeverity.Medium, "Names a principal that no longer exists",
                $"{names} {(missing.Count == 1 ? "is" : "are")} not registered any more. Whoever is later created under the same account ID or name would get this grant without you deciding it.",
                "Remove the principal from the statement (or the statement, if it names no one else).");
        }
        else
        {
            Add(findings, s, FindingKind.MissingPrincipal, FindingSeverity.Low, "Denies a principal that no longer exists",
                $"{names} {(missing.Count == 1 ? "is" : "are")} not registered any more; the Deny protects against a principal that cannot send.",
                "Keep it if you want the name blocked should it come back; otherwise remove it.");
        }
    }

    private static void UnusableActions(List<PolicyFinding> findings, CompiledStatement s)
    {
        if (s.Effect != PolicyEffect.Allow)
        {
            return;
        }

        var unusable = s.Source.Actions.Select(a => a.Value)
            .Where(a => !PolicyCatalog.SendActions.Any(send => Wildcard.IsMatch(a, send, ignoreCase: true)))
            .ToList();
        if (unusable.Count == 0)
        {
            return;
        }

        var none = unusable.Count == s.Source.Actions.Count;
        Add(findings, s, FindingKind.UnusableAction, none ? FindingSeverity.Medium : FindingSeverity.Low,
            none ? "Grants no sending action" : "Grants actions a delegate cannot use here",
            $"{string.Join(", ", unusable.Select(a => $"`{a}`"))} {(unusable.Count == 1 ? "is not a sending action" : "are not sending actions")}: on an email identity a delegate can only send (ses:SendEmail, ses:SendRawEmail, templated and bulk sends). {(none ? "The statement lets nobody send." : "Those actions do nothing here.")}",
            "Replace them with the sending actions the delegate needs (ses:SendEmail, ses:SendRawEmail), or remove them.");
    }

    private static void Overlap(List<PolicyFinding> findings, CompiledStatement allow, CompiledStatement deny)
    {
        var sharedActions = PolicyCatalog.SendActions.Where(a => Matches(allow, a) && Matches(deny, a)).ToList();
        if (sharedActions.Count == 0 || !PrincipalsOverlap(allow, deny, out var denyCoversAll))
        {
            return;
        }

        var allowActions = PolicyCatalog.SendActions.Where(a => Matches(allow, a)).ToList();
        var total = deny.Source.Conditions.Count == 0 && denyCoversAll && sharedActions.Count == allowActions.Count;
        var denyName = $"{deny.PolicyName}/{deny.DisplayName}";
        if (total)
        {
            Add(findings, allow, FindingKind.OverlapsDeny, FindingSeverity.Medium, "Cancelled by a Deny",
                $"Deny `{denyName}` has no condition and covers every principal and sending action this Allow grants, so the Allow can never take effect.",
                "Remove the Allow, or the Deny if these principals should send.");
        }
        else
        {
            Add(findings, allow, FindingKind.OverlapsDeny, FindingSeverity.Info, "Overlaps a Deny",
                $"Deny `{denyName}` applies to some of the same principals and actions ({string.Join(", ", sharedActions)}){(deny.Source.Conditions.Count > 0 ? " when its conditions hold" : "")}; there the Deny wins.",
                "Check that the Deny carves out what you mean; the simulator beside the editor shows which statement decides a given send.");
        }
    }

    private static bool Matches(CompiledStatement s, string action) => s.Source.Actions.Any(a => Wildcard.IsMatch(a.Value, action, ignoreCase: true));

    /// <summary>Whether some principal could be named by both; <paramref name="denyCoversAll"/> when the Deny names every principal the Allow does.</summary>
    private static bool PrincipalsOverlap(CompiledStatement allow, CompiledStatement deny, out bool denyCoversAll)
    {
        denyCoversAll = false;
        if (deny.Source.Principal is not { } d || allow.Source.Principal is not { } a)
        {
            return false;
        }

        if (d.IsEveryone || d.Aws.Any(x => x.Value == "*"))
        {
            denyCoversAll = d.IsEveryone || a.Services.Count == 0;
            return true;
        }

        if (a.IsEveryone || a.Aws.Any(x => x.Value == "*"))
        {
            return true;
        }

        var allowNames = Names(a).ToList();
        var denyNames = Names(d).Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var covered = allowNames.Count(n => denyNames.Contains(n.Name) || (n.Account is { } account && denyNames.Contains(account)));
        denyCoversAll = covered == allowNames.Count;
        return covered > 0 || denyNames.Any(n => allowNames.Any(x => x.Account == n && x.Name != n));
    }

    private static IEnumerable<(string Name, string? Account)> Names(PolicyPrincipal p) =>
        p.Aws.Select(x => (x.Value, PrincipalArn.Parse(x.Value).TryGetValue(out var arn) && arn.Kind != PrincipalKind.AccountRoot ? arn.Account.Value : null))
            .Select(x => (AccountRootOf(x.Value) ?? x.Value, x.Item2))
            .Concat(p.Services.Select(s => (s.Value.ToLowerInvariant(), (string?)null)));

    /// <summary><c>arn:aws:iam::123:root</c> names the same principal as <c>123</c>.</summary>
    private static string? AccountRootOf(string text) =>
        PrincipalArn.Parse(text).TryGetValue(out var arn) && arn.Kind == PrincipalKind.AccountRoot ? arn.Account.Value : null;

    private static void Add(List<PolicyFinding> findings, CompiledStatement s, FindingKind kind, FindingSeverity severity, string title, string why, string fix) =>
        findings.Add(new PolicyFinding(kind, severity, s.PolicyName, s.Sid, s.Index, s.Source.Location.Line, title, why, fix));

    private static string Plural(int n, string word) => n.ToString(CultureInfo.InvariantCulture) + " " + (n == 1 ? word : word + "s");
}
