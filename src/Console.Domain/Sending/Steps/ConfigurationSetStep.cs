using SesConsole.Domain.Identities;

namespace SesConsole.Domain.Sending.Steps;

/// <summary>
/// Step 6: which configuration set applies. A set named by the send (parameter, or <c>X-SES-CONFIGURATION-SET</c> on
/// raw sends and SMTP) must exist in the <em>sending</em> account in this region: under sending authorization the
/// delegate's own set applies, never the identity owner's. A send naming none gets the default configuration set of the
/// identity it is sent as, but only when the identity's owner is the sender: a delegate's send never gets the owner's
/// default (docs/configuration-sets.md#default-configuration-set). Runs before the quota step so that a refused send
/// reserves nothing.
/// </summary>
public sealed class ConfigurationSetStep : ISendStep
{
    public string Name => "configuration-set";

    public async ValueTask<StepResult> RunAsync(SendContext context, CancellationToken cancellationToken)
    {
        var message = context.Message ?? throw new InvalidOperationException("Step 2 (message) must run first.");
        var account = context.SendingAccountId ?? throw new InvalidOperationException("Step 1 (caller) must run first.");
        var region = context.Request.Region;
        var sets = context.Ports.ConfigurationSets;
        if (message.ConfigurationSetName is { } name)
        {
            if (!await sets.ExistsAsync(account, region, name, cancellationToken).ConfigureAwait(false))
            {
                return StepResult.Reject(SendError.ConfigurationSetDoesNotExist(name), $"Account {account} has no configuration set {name} in {region}.");
            }

            context.ConfigurationSetName = name;
            return StepResult.Continue($"Configuration set {name} of account {account} in {region}.");
        }

        var source = context.Identities.FirstOrDefault(i => i.Roles.Contains(AddressRole.Source));
        if (source is null || source.OwnerAccount != account)
        {
            if (source is not null)
            {
                context.Details.Add($"An identity's default configuration set applies only to its owner's sends, not to account {account}'s.");
            }

            return StepResult.Continue("No configuration set.");
        }

        var defaults = await sets.GetIdentityDefaultsAsync(account, region, cancellationToken).ConfigureAwait(false);
        if (DefaultFor(source.Address, source.OwnerIdentities, defaults) is not { } chosen)
        {
            return StepResult.Continue("No configuration set.");
        }

        if (!await sets.ExistsAsync(account, region, chosen.SetName, cancellationToken).ConfigureAwait(false))
        {
            return StepResult.Continue($"No configuration set (the default {chosen.SetName} of {chosen.IdentityName} no longer exists).");
        }

        context.ConfigurationSetName = chosen.SetName;
        return StepResult.Continue($"Configuration set {chosen.SetName}, the default of identity {chosen.IdentityName}.");
    }

    /// <summary>
    /// The default configuration set for an owner's own send from <paramref name="address"/>: that of the most specific of
    /// the owner's identities covering the address among those that have one (an address identity's default before its
    /// domain's, a subdomain's before its parent's). Null when none has one.
    /// </summary>
    /// <param name="address">The Source address of the send.</param>
    /// <param name="ownerIdentities">The owner's identities in the region.</param>
    /// <param name="defaults">Identity name → default configuration set name, for the owner's identities that have one.</param>
    public static (string IdentityName, string SetName)? DefaultFor(string address, IEnumerable<SendingIdentity> ownerIdentities, IReadOnlyDictionary<string, string> defaults)
    {
        ArgumentNullException.ThrowIfNull(ownerIdentities);
        ArgumentNullException.ThrowIfNull(defaults);
        if (defaults.Count == 0)
        {
            return null;
        }

        var candidates = ownerIdentities.Select(i => i.Name).Where(n => defaults.ContainsKey(n.Value));
        return IdentityCoverage.MostSpecific(candidates, address) is { } best ? (best.Value, defaults[best.Value]) : null;
    }
}
