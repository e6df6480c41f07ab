namespace SesConsole.Domain.Sending.Steps;

/// <summary>
/// Step 9: what happens to each recipient. First the sending account's suppression list (docs/ses-behaviour.md#suppression): not delivered, a
/// Permanent/OnAccountSuppressionList bounce. Then the mailbox simulator's synthetic outcomes (docs/ses-behaviour.md#mailbox-simulator). Otherwise deliver.
/// Never rejects: SES accepts mail to suppressed addresses.
/// </summary>
public sealed class RecipientDispositionStep : ISendStep
{
    public string Name => "recipients";

    public async ValueTask<StepResult> RunAsync(SendContext context, CancellationToken cancellationToken)
    {
        var message = context.Message ?? throw new InvalidOperationException("Step 2 (message) must run first.");
        var accepted = context.Accepted ?? throw new InvalidOperationException("Step 8 (accept) must run first.");
        var suppressed = await context.Ports.Suppression
            .FindAsync(accepted.SendingAccountId, context.Request.Region, message.Recipients, cancellationToken).ConfigureAwait(false);
        var dispositions = new RecipientDisposition[message.Recipients.Count];
        for (var i = 0; i < dispositions.Length; i++)
        {
            var address = message.Recipients[i];
            dispositions[i] = suppressed.TryGetValue(address, out var reason)
                ? new RecipientDisposition(address, RecipientOutcome.SuppressedOnAccount, reason)
                : new RecipientDisposition(address, MailboxSimulator.Classify(address) switch
                {
                    SimulatorScenario.Success => RecipientOutcome.SimulatedDelivery,
                    SimulatorScenario.Bounce => RecipientOutcome.SimulatedBounce,
                    SimulatorScenario.OutOfOffice => RecipientOutcome.SimulatedOutOfOffice,
                    SimulatorScenario.Complaint => RecipientOutcome.SimulatedComplaint,
                    SimulatorScenario.SuppressionList => RecipientOutcome.SimulatedSuppressed,
                    _ => RecipientOutcome.Deliver,
                });
        }

        context.Accepted = accepted with { Recipients = dispositions };
        foreach (var d in context.Request.TraceDetails ? dispositions : [])
        {
            context.Details.Add(d.SuppressedFor is { } why ? $"{d.Address}: {d.Outcome} ({why})" : $"{d.Address}: {d.Outcome}");
        }

        return StepResult.Continue(static c => string.Join(", ", c.Accepted!.Recipients.GroupBy(d => d.Outcome).Select(g => $"{g.Count()} {g.Key}")) + ".");
    }
}
