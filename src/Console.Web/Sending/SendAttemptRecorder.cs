using SesConsole.Domain.Sending;

namespace SesConsole.Web.Sending;

/// <summary>
/// The attempt row every non-dry-run send leaves behind, accepted or rejected (docs/send-pipeline.md#the-sending-module):
/// the sending activity page and the message page explain a send from it. A rejected attempt is committed on its own;
/// an accepted one goes into the same group commit as its outbox row (<see cref="AcceptedMessageWriter"/>). What an
/// attempt stores is decided in one place, <see cref="SendAttemptRecord.Build"/>.
/// </summary>
public sealed class SendAttemptRecorder(GroupCommitWriter writer, TimeProvider time)
{
    /// <summary>
    /// Records a rejected attempt. One without a sending account (an anonymous or malformed caller) is not stored: no
    /// account's activity page could show it.
    /// </summary>
    public async Task RecordRejectedAsync(SendRequest request, string api, SendOutcome outcome)
    {
        var attempt = SendAttemptRecord.Build(request, outcome, api, time.GetUtcNow());
        if (attempt.AccountId.Length == 12)
        {
            await writer.CommitAsync(attempt);
        }
    }
}
