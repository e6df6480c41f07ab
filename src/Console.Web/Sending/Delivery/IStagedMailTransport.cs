using SesConsole.Data.Entities;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Sending;

namespace SesConsole.Web.Sending.Delivery;

/// <summary>
/// A transport whose delivery is a row in the console's own database (the local sink). Instead of committing that row
/// itself it hands it to the delivery worker, which commits it in the same group-commit transaction as the "delivered" mark
/// and the Delivery event: one commit per delivered message instead of two in a row (docs/send-pipeline.md#delivery).
/// </summary>
public interface IStagedMailTransport : IMailTransport
{
    /// <summary>
    /// Does what <see cref="IMailTransport.SendAsync"/> does except writing the row: the same checks and errors, the pickup
    /// file, the "already stored?" lookup. The caller stores <see cref="StagedDelivery.Row"/> and only then is the message delivered.
    /// </summary>
    Task<Result<StagedDelivery>> StageAsync(OutboundMessage message, CancellationToken cancellationToken);

    /// <summary>Whether the row of <paramref name="staged"/> is stored (after the transaction carrying it failed: another hand-over of the same message may have stored it).</summary>
    Task<bool> IsStoredAsync(StagedDelivery staged, CancellationToken cancellationToken);
}

/// <summary>A delivery staged by an <see cref="IStagedMailTransport"/>: its Message-ID and the row to add (null when the message is stored already).</summary>
public sealed record StagedDelivery(string MessageId, MailboxMessageEntity? Row);
