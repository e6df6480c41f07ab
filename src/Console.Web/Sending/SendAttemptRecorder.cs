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
    public static SendAttemptEntity Build(SendRequest request, string api, SendOutcome outcome, DateTimeOffset now) =>
        SendAttemptRecord.Build(request, outcome, api, now);

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
}
