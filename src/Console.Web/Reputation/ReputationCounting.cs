using Microsoft.Extensions.Options;
using SesConsole.Data;
using SesConsole.Domain.Sending;
using SesConsole.Domain.Sending.Events;

namespace SesConsole.Web.Reputation;

/// <summary>
/// What an event means for the sending account's reputation, as bucket deltas (docs/reputation.md#rates), per recipient:
/// a delivery is sent and delivered (and complaint-eligible unless the receiver sends no complaint feedback); a permanent
/// bounce is a hard bounce (sent too when it came at the hand-over rather than later by a report); an account-suppressed
/// bounce or complaint is a suppressed recipient, never sent; transient and undetermined bounces are soft bounces;
/// a complaint counts unless account-suppressed. Mailbox-simulator recipients go to test buckets.
/// </summary>
public sealed class ReputationCounting(IOptions<ReputationOptions> options)
{
    private const string OnAccountSuppressionList = "OnAccountSuppressionList";

    /// <param name="e">The event.</param>
    /// <param name="accountId">The sending (delegate) account.</param>
    /// <param name="sourceArn">The identity the message was sent as.</param>
    /// <param name="atHandOver">
    /// A bounce raised when the mail was handed over (the receiving server refused it, the delivery gave up, the simulator
    /// or the suppression list decided at acceptance): its recipients count as sent. False for a bounce reported later by a DSN.
    /// </param>
    public IEnumerable<ReputationDelta> For(SendEvent e, string accountId, string? sourceArn, bool atHandOver)
    {
        ArgumentNullException.ThrowIfNull(e);
        var owner = OwnerOf(sourceArn);
        var hour = ReputationDelta.HourOf(e.Timestamp);
        ReputationDelta Bucket(string recipient) => new(accountId, owner, sourceArn ?? "", hour, MailboxSimulator.IsSimulator(recipient));
        switch (e.Type)
        {
            case SendEventType.Delivery:
                foreach (var r in e.Delivery!.Recipients)
                {
                    yield return Bucket(r) with { Sent = 1, Delivered = 1, ComplaintEligible = SendsComplaintFeedback(r) ? 1 : 0 };
                }

                break;
            case SendEventType.Bounce:
                var bounce = e.Bounce!;
                foreach (var r in bounce.BouncedRecipients)
                {
                    yield return bounce switch
                    {
                        { BounceSubType: OnAccountSuppressionList } => Bucket(r.EmailAddress) with { Suppressed = 1 },
                        { BounceType: "Permanent" } => Bucket(r.EmailAddress) with { Sent = atHandOver ? 1 : 0, HardBounces = 1 },
                        _ => Bucket(r.EmailAddress) with { Sent = atHandOver ? 1 : 0, SoftBounces = 1 },
                    };
                }

                break;
            case SendEventType.Complaint:
                var complaint = e.Complaint!;
                foreach (var r in complaint.ComplainedRecipients)
                {
                    yield return complaint.ComplaintSubType == OnAccountSuppressionList ? Bucket(r) with { Suppressed = 1 } : Bucket(r) with { Complaints = 1 };
                }

                break;
            default:
                break;
        }
    }

    /// <summary>Whether the receiver of <paramref name="recipient"/> sends complaint feedback (not on <see cref="ReputationOptions.NoComplaintFeedbackDomains"/>).</summary>
    public bool SendsComplaintFeedback(string recipient)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        var at = recipient.LastIndexOf('@');
        var domain = at < 0 ? recipient : recipient[(at + 1)..];
        return !options.Value.NoComplaintFeedbackDomains.Any(d =>
            domain.Equals(d, StringComparison.OrdinalIgnoreCase) || domain.EndsWith("." + d, StringComparison.OrdinalIgnoreCase));
    }

    private static string OwnerOf(string? sourceArn)
    {
        var parts = (sourceArn ?? "").Split(':');
        return parts.Length >= 6 ? parts[4] : "";
    }
}
