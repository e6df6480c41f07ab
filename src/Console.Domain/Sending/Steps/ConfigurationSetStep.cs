namespace SesConsole.Domain.Sending.Steps;

/// <summary>
/// Step 6: a configuration set named by the send (parameter, or <c>X-SES-CONFIGURATION-SET</c> on raw sends and SMTP)
/// must exist in the <em>sending</em> account in this region: under sending authorization the delegate's own set applies,
/// never the identity owner's (docs/configuration-sets.md). Runs before the quota step so that a refused send reserves
/// nothing.
/// </summary>
public sealed class ConfigurationSetStep : ISendStep
{
    public string Name => "configuration-set";

    public async ValueTask<StepResult> RunAsync(SendContext context, CancellationToken cancellationToken)
    {
        var message = context.Message ?? throw new InvalidOperationException("Step 2 (message) must run first.");
        var account = context.SendingAccountId ?? throw new InvalidOperationException("Step 1 (caller) must run first.");
        if (message.ConfigurationSetName is not { } name)
        {
            return StepResult.Continue("No configuration set.");
        }

        var region = context.Request.Region;
        return await context.Ports.ConfigurationSets.ExistsAsync(account, region, name, cancellationToken).ConfigureAwait(false)
            ? StepResult.Continue($"Configuration set {name} of account {account} in {region}.")
            : StepResult.Reject(SendError.ConfigurationSetDoesNotExist(name), $"Account {account} has no configuration set {name} in {region}.");
    }
}
