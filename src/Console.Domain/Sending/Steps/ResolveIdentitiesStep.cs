using SesConsole.Domain.Identities;

namespace SesConsole.Domain.Sending.Steps;

/// <summary>
/// Step 3: each address (Source, From, Return-Path) needs a verified identity in this region that covers it. With an ARN,
/// the ARN must name a verified identity of its owner in this region (a <c>*</c> region, the global-endpoint form, is
/// accepted) covering the address; without one, the sending account's own most specific verified identity. Every address
/// that fails is listed in one <c>MessageRejected</c>.
/// </summary>
public sealed class ResolveIdentitiesStep : ISendStep
{
    public string Name => "identities";

    public async ValueTask<StepResult> RunAsync(SendContext context, CancellationToken cancellationToken)
    {
        var message = context.Message ?? throw new InvalidOperationException("Step 2 (message) must run first.");
        var request = context.Request;
        var sendingAccount = context.SendingAccountId ?? throw new InvalidOperationException("Step 1 (caller) must run first.");
        var checks = new List<(AddressRole Role, string Address, ArnChoice Arn)>
        {
            (AddressRole.Source, message.Source.Address, message.SourceArn),
            (AddressRole.From, message.From.Address, message.FromArn),
        };
        if (message.FeedbackAddress is not null)
        {
            checks.Add((AddressRole.ReturnPath, message.FeedbackAddress, message.ReturnPathArn));
        }

        var cache = new Dictionary<string, (IReadOnlyList<SendingIdentity> All, IReadOnlyList<SendingIdentity> CanSend)>(StringComparer.Ordinal);
        var resolved = new List<ResolvedIdentity>();
        var failed = new List<string>();
        foreach (var group in checks.GroupBy(c => (c.Address, c.Arn.Arn)))
        {
            var roles = group.Select(c => c.Role).ToArray();
            var (address, arnText) = group.Key;
            string owner;
            Func<IReadOnlyList<SendingIdentity>, SendingIdentity?> pick;
            if (arnText is null)
            {
                owner = sendingAccount;
                pick = identities => MostSpecific(identities, address);
            }
            else
            {
                var parsed = IdentityArn.Parse(arnText);
                if (!parsed.TryGetValue(out var arn))
                {
                    return StepResult.Reject(new SendError(SendErrorKind.InvalidParameterValue, parsed.Error!.Message));
                }

                if (arn.Region != "*" && !string.Equals(arn.Region, request.Region, StringComparison.Ordinal))
                {
                    context.Details.Add($"{string.Join("/", roles)} {address}: {arn} is in region {arn.Region}, not {request.Region}.");
                    Fail(failed, address);
                    continue;
                }

                owner = arn.Account.Value;
                pick = identities => Named(identities, arn, address);
            }

            if (!cache.TryGetValue(owner, out var ownerIdentities))
            {
                var all = await context.Ports.Identities.GetIdentitiesAsync(owner, request.Region, cancellationToken).ConfigureAwait(false);
                ownerIdentities = (all, [.. all.Where(i => i.CanSendAt(request.Time))]);
                cache[owner] = ownerIdentities;
            }

            var identity = pick(ownerIdentities.CanSend);
            if (identity is null)
            {
                context.Details.Add(arnText is null
                    ? $"{string.Join("/", roles)} {address}: no verified identity of account {owner} in {request.Region} covers it.{CannotSend(ownerIdentities.All, address, request.Time)}"
                    : $"{string.Join("/", roles)} {address}: {arnText} is not a verified identity of account {owner} in {request.Region} that covers it.{CannotSend(ownerIdentities.All, address, request.Time)}");
                Fail(failed, address);
                continue;
            }

            if (context.Request.TraceDetails)
            {
                context.Details.Add($"{string.Join("/", roles)} {address}: {identity.Arn}{(arnText is null ? " (caller's own identity)" : "")}.");
            }

            resolved.Add(new ResolvedIdentity(roles, address, identity, arnText is not null, ownerIdentities.CanSend));
        }

        if (failed.Count > 0)
        {
            return StepResult.Reject(SendError.NotVerified(request.Region, failed));
        }

        context.Identities = resolved;
        return StepResult.Continue(static c => string.Join("; ", c.Identities.Select(r => $"{string.Join("/", r.Roles)} → {r.Identity.Arn}")) + ".");
    }

    /// <summary>The covering identities that exist but cannot send now, with their status, for the trace.</summary>
    private static string CannotSend(IReadOnlyList<SendingIdentity> all, string address, DateTimeOffset now)
    {
        var blocked = all.Where(i => !i.CanSendAt(now) && IdentityCoverage.Covers(i.Name, address))
            .Select(i => new VerificationState(i.Status, i.StatusSince).AsOf(now) is var state && state.Status != i.Status
                ? $"{i.Name.Value} ({i.Status} since {i.StatusSince.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)} UTC, past its 72 h window: {state.Status})"
                : $"{i.Name.Value} ({i.Status})")
            .ToList();
        return blocked.Count == 0 ? "" : $" Covering identities that cannot send now: {string.Join(", ", blocked)}.";
    }

    private static void Fail(List<string> failed, string address)
    {
        if (!failed.Contains(address, StringComparer.Ordinal))
        {
            failed.Add(address);
        }
    }

    private static SendingIdentity? MostSpecific(IReadOnlyList<SendingIdentity> identities, string address)
    {
        var best = IdentityCoverage.MostSpecific(identities.Select(i => i.Name), address);
        return best is { } name ? identities.First(i => i.Name.Type == name.Type && i.Name.Value == name.Value) : null;
    }

    private static SendingIdentity? Named(IReadOnlyList<SendingIdentity> identities, IdentityArn arn, string address)
    {
        if (!SendingIdentityName.Parse(arn.IdentityName).TryGetValue(out var name))
        {
            return null;
        }

        foreach (var identity in identities)
        {
            if (identity.Name.Type == name.Type && string.Equals(identity.Name.Value, name.Value, StringComparison.Ordinal))
            {
                return IdentityCoverage.Covers(identity.Name, address) ? identity : null;
            }
        }

        return null;
    }
}
