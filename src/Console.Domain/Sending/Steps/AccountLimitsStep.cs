namespace SesConsole.Domain.Sending.Steps;

/// <summary>
/// Step 7: the sending (delegate) account's status, then its quota through <see cref="ISendingQuota"/>: the rolling 24 h
/// quota counts recipients except the simulator's (suppressed recipients count), the rate counts every recipient (docs/ses-behaviour.md#quotas).
/// A dry run peeks without reserving.
/// </summary>
public sealed class AccountLimitsStep : ISendStep
{
    public string Name => "account";

    public async ValueTask<StepResult> RunAsync(SendContext context, CancellationToken cancellationToken)
    {
        var message = context.Message ?? throw new InvalidOperationException("Step 2 (message) must run first.");
        var account = context.SendingAccount ?? throw new InvalidOperationException("Step 5 (sandbox) must run first.");
        var request = context.Request;
        switch (account.Status)
        {
            case AccountSendingStatus.Paused:
                return StepResult.Reject(new SendError(SendErrorKind.AccountSendingPaused, $"Sending is paused for account {account.AccountId}."));
            case AccountSendingStatus.Suspended:
                return StepResult.Reject(new SendError(SendErrorKind.AccountSuspended, $"Sending is suspended for account {account.AccountId}."));
        }

        var charge = ChargeOf(message);
        var quota = request.DryRun
            ? await context.Ports.Quota.PeekAsync(account.AccountId, request.Region, charge, request.Time, cancellationToken).ConfigureAwait(false)
            : await context.Ports.Quota.TryReserveAsync(account.AccountId, request.Region, charge, request.Time, cancellationToken).ConfigureAwait(false);
        context.Quota = quota;
        return quota.Verdict switch
        {
            QuotaVerdict.DailyQuotaExceeded => StepResult.Reject(SendError.DailyQuotaExceeded(), $"Daily quota exceeded ({Numbers(quota, charge)})."),
            QuotaVerdict.MaxSendRateExceeded => StepResult.Reject(SendError.MaxSendRateExceeded(), $"Maximum send rate exceeded ({Numbers(quota, charge)})."),
            _ => StepResult.Continue(static c => $"Sending enabled; {(c.Request.DryRun ? "would reserve" : "reserved")}: {Numbers(c.Quota!, ChargeOf(c.Message!))}."),
        };
    }

    private static QuotaCharge ChargeOf(ParsedMessage message)
    {
        var simulator = message.Recipients.Count(MailboxSimulator.IsSimulator);
        return new QuotaCharge(message.Recipients.Count - simulator, message.Recipients.Count);
    }

    private static string Numbers(QuotaResult quota, QuotaCharge charge) =>
        $"daily {quota.SentLast24Hours}/{(quota.Max24HourSend < 0 ? "unlimited" : quota.Max24HourSend)}, rate {quota.MaxSendRate}/s, " +
        $"this message charges {charge.DailyRecipients} to the quota and {charge.RateRecipients} to the rate";
}
