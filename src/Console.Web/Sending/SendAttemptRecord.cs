using System.Globalization;
using System.Text;
using System.Text.Json;
using SesConsole.Data.Entities;
using SesConsole.Domain.Authorization;
using SesConsole.Domain.Sending;
using SesConsole.Domain.Sending.Events;

using SesConsole.Web.Features.Sending;

namespace SesConsole.Web.Sending;

/// <summary>
/// Turns one pipeline run into its stored attempt (docs/storage-and-retention.md#attempts): who, as which identity, the
/// step that stopped it, each authorization check's decision with the statements that decided it, and for an accepted
/// message its <c>mail</c> object (the message's Send event). The full step-by-step explanation is kept only for test
/// sends and rejected attempts.
/// <para>
/// An attempt is read by two accounts: the sending account and the owner of the identity it was sent as
/// (<see cref="SendingActivityService"/>). A statement is therefore named only where both may see it: with its policy
/// name when the attempt stays within one account; by Sid alone for the owner's own policies under delegation (the
/// statements that decided name the caller, and the test-send page already shows those to it by Sid, the "Granted to me"
/// rule of docs/policy-editor.md); not at all for the caller's IAM policies under delegation, nor for a third
/// account's identity. The explanation is stored in the sending account's view (<see cref="AuthorizationExplanationView"/>)
/// and only ever shown to it.
/// </para>
/// </summary>
public static class SendAttemptRecord
{
    /// <summary>The attempt row for <paramref name="outcome"/> of <paramref name="request"/>, made through <paramref name="api"/> at <paramref name="now"/>.</summary>
    public static SendAttemptEntity Build(SendRequest request, SendOutcome outcome, string api, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(outcome);
        var accepted = outcome.Accepted;
        var first = outcome.Authorizations.Count > 0 ? outcome.Authorizations[0] : null;
        var identityArn = accepted?.FromIdentityArn ?? first?.IdentityArn;
        var attempt = new SendAttemptEntity
        {
            // Version-7 keys (time first) land at the end of the key index (docs/send-pipeline.md#performance).
            Id = Guid.CreateVersion7(now),
            AccountId = request.Caller.SendingAccount ?? "",
            CallerArn = request.Caller.Principal.Arn,
            Api = api,
            Accepted = accepted is not null,
            At = accepted?.Timestamp ?? now,
            IdentityArn = identityArn,
            OwnerAccountId = accepted?.IdentityOwnerAccountId ?? AccountOf(identityArn),
        };
        attempt.Decision = Decision(outcome.Authorizations, attempt.AccountId, attempt.OwnerAccountId);
        if (outcome.Authorizations.Count > 0 && outcome.AuthorizationContext is { } context)
        {
            // What the impact preview replays (docs/policy-editor.md#impact-preview); an accepted row's mail holds the rest.
            attempt.ReplayContext = StoredRequestContext.Serialize(context, accepted is not null);
        }
        if (outcome.Rejection is { } rejection)
        {
            attempt.Step = rejection.Step;
            attempt.ErrorCode = rejection.V1.Code;
            attempt.ErrorMessage = rejection.Error.Message.Length > 2000 ? rejection.Error.Message[..2000] : rejection.Error.Message;
        }
        else if (accepted is not null)
        {
            attempt.MessageId = accepted.MessageId;
            attempt.FromAddress = accepted.From.Address;
            attempt.RecipientCount = accepted.Destination.Count;
            attempt.Mail = SesNotificationJson.SerializeStoredMail(MailInfo.From(accepted), attempt.FromAddress, attempt.IdentityArn);
            // What feedback needs once the outbox row is gone (docs/storage-and-retention.md#outbox-rows).
            attempt.ConfigurationSetName = accepted.ConfigurationSetName;
            attempt.FeedbackAddress = string.Equals(accepted.FeedbackForwardingAddress, accepted.Source.Address, StringComparison.Ordinal) ? null : accepted.FeedbackForwardingAddress;
            attempt.MailFromDomain = accepted.MailFrom is { Custom: true, EnvelopeFrom: var envelope } ? envelope[(envelope.LastIndexOf('@') + 1)..] : null;
        }

        if (!attempt.Accepted || request.Explain)
        {
            attempt.Explanation = Explanation(outcome);
        }

        return attempt;
    }

    /// <summary>
    /// The accepted message's whole <c>mail</c> object: the stored part (<see cref="SendAttemptEntity.Mail"/>) with the
    /// fields the row keeps itself (time, message ID, sending account, From address and identity ARN); null for an attempt
    /// without one.
    /// </summary>
    public static MailInfo? MailOf(SendAttemptEntity attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        return attempt.Mail is null || attempt.MessageId is null
            ? null
            : SesNotificationJson.ReadStoredMail(attempt.Mail, attempt.At, attempt.MessageId, attempt.AccountId, attempt.FromAddress, attempt.IdentityArn);
    }

    /// <summary>
    /// One line per authorization check ("ses:SendEmail: owner Allow by AllowAgency, caller Allow"; with the identity's name
    /// after the action when the send used several identities), statements named as the class summary says; null without checks.
    /// </summary>
    internal static string? Decision(IReadOnlyList<IdentityAuthorization> authorizations, string accountId, string? ownerAccountId)
    {
        if (authorizations.Count == 0)
        {
            return null;
        }

        var oneAccount = ownerAccountId is null || ownerAccountId == accountId;
        var severalIdentities = authorizations.Select(a => a.IdentityArn).Distinct(StringComparer.Ordinal).Skip(1).Any();
        var text = new StringBuilder();
        foreach (var a in authorizations)
        {
            if (text.Length > 0)
            {
                text.Append('\n');
            }

            var identityOwner = AccountOf(a.IdentityArn);
            var ownerNaming = identityOwner == accountId && oneAccount ? Naming.Full
                : identityOwner is not null && identityOwner == ownerAccountId ? Naming.SidOnly
                : Naming.None;
            text.Append(a.Action);
            if (severalIdentities)
            {
                text.Append(' ').Append(a.IdentityArn[(a.IdentityArn.IndexOf("identity/", StringComparison.Ordinal) is var i and >= 0 ? i + 9 : 0)..]);
            }

            text.Append(": owner ");
            if (a.OwnerSendsAsItself)
            {
                text.Append("not needed (own identity)");
            }
            else
            {
                Side(text, a.Result.ResourceSide, ownerNaming);
            }

            if (a.Result.IdentitySide is { } callerSide)
            {
                text.Append(", caller ");
                if (a.Result.IdentitySideIsImplicit)
                {
                    text.Append("Allow (account root)");
                }
                else
                {
                    Side(text, callerSide, oneAccount ? Naming.Full : Naming.None);
                }
            }
        }

        var result = text.ToString();
        return result.Length > 2000 ? result[..2000] : result;
    }

    private enum Naming
    {
        None,
        SidOnly,
        Full,
    }

    private static void Side(StringBuilder text, AuthorizationDecision side, Naming naming)
    {
        text.Append(side.Decision switch
        {
            Domain.Authorization.Decision.Allow => "Allow",
            Domain.Authorization.Decision.ExplicitDeny => "Deny",
            _ => "no Allow",
        });
        if (naming == Naming.None || side.Reasons.Count == 0)
        {
            return;
        }

        text.Append(" by ").AppendJoin(", ", side.Reasons.Select(r => naming == Naming.Full
            ? r.ToString()
            : r.Sid is { Length: > 0 } sid ? sid : "#" + (r.Index + 1).ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>The trace with the authorization step told as the test-send page tells it to the caller.</summary>
    private static string Explanation(SendOutcome outcome)
    {
        var explained = AuthorizationExplanationView.From(outcome.Authorizations);
        var trace = outcome.Trace.Select(step => step.Step != "authorization" || step.Status == StepStatus.NotRun
            ? step
            // The engine's own sentences name the owner's policies; the view's do not.
            : new StepTrace(step.Step, step.Status, explained.FirstOrDefault(c => !c.Allowed) is { } denied ? $"{denied.Heading}: {denied.Summary}" : step.Summary,
                [.. explained.SelectMany(Lines)]));
        return JsonSerializer.Serialize(trace.ToList());
    }

    private static IEnumerable<string> Lines(ExplainedAuthorization check)
    {
        yield return $"{check.Heading}: {check.Summary}";
        if (check.PolicySource is { } source)
        {
            yield return "  " + source;
        }

        foreach (var side in check.Sides)
        {
            yield return $"  {side.Title}: {side.Decision}";
            foreach (var statement in side.Statements)
            {
                yield return $"    [{statement.Outcome}] {statement.Text}";
            }

            if (side.HiddenNote is { } note)
            {
                yield return "    " + note;
            }
        }
    }

    private static string? AccountOf(string? arn)
    {
        var parts = arn?.Split(':');
        return parts is { Length: >= 6 } ? parts[4] : null;
    }
}
