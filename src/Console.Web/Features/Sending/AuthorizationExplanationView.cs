using System.Globalization;
using SesConsole.Domain.Authorization;
using SesConsole.Domain.Sending;

namespace SesConsole.Web.Features.Sending;

/// <summary>One statement as the test-send page shows it: the engine's sentence and whether the statement applied.</summary>
public sealed record ExplainedStatement(string Text, StatementOutcome Outcome);

/// <summary>
/// One side of an authorization (the owner's identity policies or the caller's own IAM policies): its decision and, when
/// the engine explained it, every statement.
/// </summary>
/// <param name="Title">"Owner's identity policies" or "Your IAM policies".</param>
/// <param name="Decision">The side's decision in one sentence (policy names blanked for another account's policies).</param>
/// <param name="Statements">The statements shown, by Sid (or #n) and the engine's explanation.</param>
/// <param name="HiddenNote">For another account's policies: how many statements do not name the caller and are not shown.</param>
public sealed record ExplainedSide(string Title, string Decision, IReadOnlyList<ExplainedStatement> Statements, string? HiddenNote);

/// <summary>One authorization check of a send (an identity and an action) with both sides explained.</summary>
/// <param name="PolicySource">Whose policies were the owner's side and why (the address identity's take precedence over its
/// domain's); null when the owner sends from its own identity without needing them.</param>
public sealed record ExplainedAuthorization(string Heading, bool Allowed, string Summary, IReadOnlyList<ExplainedSide> Sides, string? PolicySource = null);

/// <summary>
/// Turns the pipeline's <see cref="IdentityAuthorization"/>s (computed with <see cref="SendRequest.Explain"/>) into what
/// the test-send page shows under the authorization step. Follows the "Granted to me" rule for another account's
/// policies: no policy names (statements by Sid only) and only the statements that name the caller; the caller's own
/// policies are shown in full.
/// </summary>
public static class AuthorizationExplanationView
{
    public const string OwnerTitle = "Owner's identity policies";
    public const string CallerTitle = "Your IAM policies";

    public static IReadOnlyList<ExplainedAuthorization> From(IEnumerable<IdentityAuthorization> authorizations) =>
        [.. authorizations.Select(From)];

    public static ExplainedAuthorization From(IdentityAuthorization authorization)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        var result = authorization.Result;
        var foreignOwner = result.IsCrossAccount;
        var heading = $"{authorization.Action} on {authorization.IdentityArn} ({string.Join("/", authorization.Roles)} {authorization.Address})";
        var sides = new List<ExplainedSide>
        {
            Side(OwnerTitle, result.ResourceSide, authorization.ResourceExplanation, foreignOwner, authorization.OwnerSendsAsItself),
        };
        if (result.IdentitySide is { } identitySide)
        {
            sides.Add(result.IdentitySideIsImplicit
                ? new ExplainedSide(CallerTitle, "The account root needs no IAM policy: its own side always allows.", [], null)
                : Side(CallerTitle, identitySide, authorization.CallerExplanation, foreign: false, notNeeded: false));
        }

        return new ExplainedAuthorization(heading, authorization.IsAllowed, Summary(authorization), sides,
            authorization.OwnerSendsAsItself ? null : authorization.PolicySource);
    }

    private static string Summary(IdentityAuthorization authorization)
    {
        var result = authorization.Result;
        if (authorization.OwnerSendsAsItself)
        {
            return "Allowed: the owner account sends from its own identity, which needs no policy.";
        }

        return result.Decision switch
        {
            Decision.Allow when result.IdentitySide is null => "Allowed: the service principal is allowed by the identity's policies.",
            Decision.Allow when result.IsCrossAccount => "Allowed: cross-account sends need an Allow on both sides, and both allow.",
            Decision.Allow => "Allowed: in the same account an Allow on either side is enough.",
            Decision.ExplicitDeny => "Denied: an explicit Deny on either side wins.",
            _ when result.IdentitySide is null => "Denied: the identity's policies do not allow this service principal.",
            _ when result.IsCrossAccount => "Denied: cross-account sends need an Allow on both sides (the owner's identity policies and your own IAM policies).",
            _ => "Denied: neither side allows this request.",
        };
    }

    private static ExplainedSide Side(string title, AuthorizationDecision decision, PolicyExplanation? explanation, bool foreign, bool notNeeded)
    {
        var decisionText = notNeeded ? $"Not needed: the owner sends from its own identity. ({Describe(decision, foreign)})" : Describe(decision, foreign);
        if (explanation is null)
        {
            return new ExplainedSide(title, decisionText, [], null);
        }

        var shown = foreign
            ? explanation.Statements.Where(s => s.PrincipalMatched).ToList()
            : [.. explanation.Statements];
        var hidden = explanation.Statements.Count - shown.Count;
        string? note = null;
        if (explanation.Statements.Count == 0)
        {
            note = title != OwnerTitle ? "No IAM policy is attached to you."
                : foreign ? "The owner has no policy on this identity."
                : "This identity has no sending authorization policy.";
        }
        else if (hidden > 0)
        {
            note = string.Format(CultureInfo.InvariantCulture, "{0} other statement(s) of the owner do not name you and are not shown.", hidden);
        }

        return new ExplainedSide(title, decisionText, [.. shown.Select(s => new ExplainedStatement(s.Describe(), s.Outcome))], note);
    }

    /// <summary><see cref="AuthorizationDecision.Describe"/> with another account's policy names left out.</summary>
    private static string Describe(AuthorizationDecision decision, bool foreign)
    {
        if (!foreign)
        {
            return decision.Describe();
        }

        string Name(StatementReference r) => $"statement `{(r.Sid is { Length: > 0 } sid ? sid : "#" + (r.Index + 1).ToString(CultureInfo.InvariantCulture))}`";
        return decision.Decision switch
        {
            Decision.Allow => $"Allowed by {string.Join(", ", decision.Reasons.Select(Name))}.",
            Decision.ExplicitDeny => $"Explicitly denied by {string.Join(", ", decision.Reasons.Select(Name))}.",
            _ => decision.Errors.Count == 0
                ? "Implicitly denied: no statement allows this request."
                : $"Implicitly denied: no statement allows this request ({decision.Errors.Count} skipped on error: {string.Join("; ", decision.Errors.Select(e => $"{Name(e.Statement)}: {e.Message}"))}).",
        };
    }
}
