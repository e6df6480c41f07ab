using SesConsole.Domain.Identities;

namespace SesConsole.Domain.Sending.Steps;

/// <summary>
/// Step 5: when the sending account <em>or</em> any identity owner is in the sandbox (docs/ses-behaviour.md#sandbox: both must be out), every
/// recipient must be the mailbox simulator or covered by a verified identity of the <em>sending</em> (delegate) account in
/// this region — our choice where AWS is unclear (docs/ses-behaviour.md#sandbox; boto3 #3873 verified the recipient in the delegate account).
/// </summary>
public sealed class SandboxStep : ISendStep
{
    public string Name => "sandbox";

    public async ValueTask<StepResult> RunAsync(SendContext context, CancellationToken cancellationToken)
    {
        var message = context.Message ?? throw new InvalidOperationException("Step 2 (message) must run first.");
        var request = context.Request;
        var sendingAccountId = context.SendingAccountId ?? throw new InvalidOperationException("Step 1 (caller) must run first.");
        var accounts = context.Ports.Accounts;
        var sending = await accounts.GetAsync(sendingAccountId, request.Region, cancellationToken).ConfigureAwait(false);
        if (sending is null)
        {
            return StepResult.Reject(new SendError(SendErrorKind.InvalidCaller, $"Account {sendingAccountId} does not exist in {request.Region}."));
        }

        context.SendingAccount = sending;
        var sandboxed = new List<string>();
        if (sending.Sandbox)
        {
            sandboxed.Add($"sending account {sending.AccountId}");
        }

        foreach (var owner in context.Identities.Select(i => i.OwnerAccount).Distinct(StringComparer.Ordinal))
        {
            if (owner == sending.AccountId)
            {
                continue;
            }

            var ownerAccount = await accounts.GetAsync(owner, request.Region, cancellationToken).ConfigureAwait(false);
            if (ownerAccount is null || ownerAccount.Sandbox)
            {
                sandboxed.Add($"identity owner {owner}");
            }
        }

        if (sandboxed.Count == 0)
        {
            return StepResult.Continue("Neither the sending account nor the identity owner is in the sandbox.");
        }

        var identities = await context.Ports.Identities.GetIdentitiesAsync(sending.AccountId, request.Region, cancellationToken).ConfigureAwait(false);
        var verified = identities.Where(i => i.CanSendAt(request.Time)).Select(i => i.Name).ToArray();
        var failed = message.Recipients
            .Where(r => !MailboxSimulator.IsSimulator(r) && !verified.Any(v => IdentityCoverage.Covers(v, r)))
            .ToArray();
        var who = string.Join(" and ", sandboxed);
        if (failed.Length > 0)
        {
            return StepResult.Reject(SendError.NotVerified(request.Region, failed),
                $"In the sandbox ({who}); not verified by account {sending.AccountId}: {string.Join(", ", failed)}.");
        }

        return StepResult.Continue($"In the sandbox ({who}); every recipient is verified by account {sending.AccountId} or is the mailbox simulator.");
    }
}
