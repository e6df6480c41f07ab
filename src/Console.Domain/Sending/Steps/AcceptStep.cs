using System.Globalization;
using SesConsole.Domain.Identities;

namespace SesConsole.Domain.Sending.Steps;

/// <summary>
/// Step 8: the accept plan. A message ID; the <c>X-SES-*</c> headers to strip; <c>Message-ID</c> and <c>Date</c> to set;
/// the MAIL FROM per the <em>owner's</em> From identity (custom domain when verified; otherwise the default, or
/// <c>MailFromDomainNotVerified</c> when the owner chose RejectMessage); and the DKIM decision: the owner's most specific
/// identity covering From decides whether to sign, with the key of the most specific covering domain whose DKIM is verified.
/// </summary>
public sealed class AcceptStep : ISendStep
{
    public string Name => "accept";

    /// <summary>An SES-style message ID: 16 hex digits (0x01 then epoch milliseconds), a GUID and <c>-000000</c>.</summary>
    public static string NewMessageId(DateTimeOffset now, Guid random) =>
        string.Create(CultureInfo.InvariantCulture, $"{0x0100000000000000L + now.ToUnixTimeMilliseconds():x16}-{random:D}-000000");

    /// <summary>The time (to the millisecond) <see cref="NewMessageId"/> wrote into <paramref name="messageId"/>; false for any other shape.</summary>
    public static bool TryTimeOf(string? messageId, out DateTimeOffset time)
    {
        time = default;
        if (messageId is not { Length: > 17 } || messageId[16] != '-' || !messageId.StartsWith("01", StringComparison.Ordinal)
            || !long.TryParse(messageId.AsSpan(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var stamp))
        {
            return false;
        }

        var milliseconds = stamp - 0x0100000000000000L;
        if (milliseconds < 0 || milliseconds > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return false;
        }

        time = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        return true;
    }

    /// <summary>
    /// The domain of a return address without a verified custom MAIL FROM domain: the installation's bounce domain
    /// (<paramref name="returnPathDomain"/>), else <c>{region}.{defaultMailFromDomain}</c> (docs/reputation.md#return-addresses-verp).
    /// </summary>
    public static string BounceDomain(string? returnPathDomain, string region, string defaultMailFromDomain) =>
        returnPathDomain is { Length: > 0 } own ? own : $"{region}.{defaultMailFromDomain}";

    public async ValueTask<StepResult> RunAsync(SendContext context, CancellationToken cancellationToken)
    {
        var message = context.Message ?? throw new InvalidOperationException("Step 2 (message) must run first.");
        var request = context.Request;
        var options = context.Options;
        var from = context.Identities.FirstOrDefault(i => i.Roles.Contains(AddressRole.From))
            ?? throw new InvalidOperationException("Step 3 (identities) must run first.");
        var source = context.Identities.First(i => i.Roles.Contains(AddressRole.Source));
        var returnPath = context.Identities.FirstOrDefault(i => i.Roles.Contains(AddressRole.ReturnPath));
        var messageId = NewMessageId(request.Time, options.NewGuid());
        var defaultDomain = $"{request.Region}.{options.DefaultMailFromDomain}";
        var returnAddresses = context.Ports.ReturnAddresses;
        var bounceDomain = BounceDomain(returnAddresses.ReturnPathDomain, request.Region, options.DefaultMailFromDomain);
        var returnLocalPart = await returnAddresses.LocalPartAsync(messageId, cancellationToken);

        var covering = from.OwnerIdentities.Where(i => IdentityCoverage.Covers(i.Name, from.Address)).ToArray();
        var (mailFromPlan, mailFromError) = PlanMailFrom(covering, from.Address, returnLocalPart, bounceDomain);
        if (mailFromPlan is null)
        {
            return StepResult.Reject(mailFromError!);
        }

        var dkim = PlanDkim(covering, from.Address);
        context.Accepted = new AcceptedMessage
        {
            MessageId = messageId,
            Timestamp = request.Time,
            Region = request.Region,
            Api = request.Api,
            SendingAccountId = context.SendingAccountId!,
            CallerIdentity = request.Caller.CallerIdentity,
            SourceIp = request.Caller.SourceIp,
            SourceArn = source.Identity.Arn.Value,
            FromIdentityArn = from.Identity.Arn.Value,
            ReturnPathIdentityArn = returnPath?.Identity.Arn.Value,
            IdentityOwnerAccountId = source.OwnerAccount,
            Source = message.Source,
            From = message.From,
            FeedbackAddress = message.FeedbackAddress,
            FeedbackForwardingAddress = message.FeedbackForwardingAddress,
            Destination = message.Recipients,
            HeadersToRemove = message.HeadersToRemove,
            HeadersToSet =
            [
                new RawHeader("Message-ID", $"<{messageId}@{defaultDomain}>"),
                new RawHeader("Date", request.Time.ToUniversalTime().ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture)),
            ],
            MailFrom = mailFromPlan,
            Dkim = dkim,
            ConfigurationSetName = context.ConfigurationSetName,
            Tags = request.Tags,
            Content = request.Content,
        };
        if (request.TraceDetails)
        {
            context.Details.Add($"MAIL FROM: {mailFromPlan.Reason}");
            context.Details.Add($"DKIM: {dkim.Reason}");
        }

        return StepResult.Continue(static c => Describe(c.Accepted!, c.Message!, c.Request.DryRun));
    }

    private static string Describe(AcceptedMessage accepted, ParsedMessage message, bool dryRun)
    {
        var strip = message.HeadersToRemove.Count == 0 ? "no X-SES headers" : $"strip {string.Join(", ", message.HeadersToRemove)}";
        var dkim = accepted.Dkim;
        return $"{(dryRun ? "Would accept" : "Accepted")} as {accepted.MessageId}; MAIL FROM {accepted.MailFrom.EnvelopeFrom}; " +
               $"{(dkim.Sign ? $"DKIM-sign d={dkim.SigningDomain} s={dkim.Selector}" : "no DKIM signature")}; {strip}.";
    }

    /// <summary>
    /// The MAIL FROM decision over the owner's verified identities covering the From address: the message's return
    /// address (<paramref name="returnLocalPart"/>) in the verified custom MAIL FROM domain, else in <paramref name="defaultDomain"/>
    /// (the installation's bounce domain; docs/reputation.md#return-addresses-verp).
    /// </summary>
    public static (MailFromPlan? Plan, SendError? Error) PlanMailFrom(IReadOnlyList<SendingIdentity> covering, string fromAddress, string returnLocalPart, string defaultDomain)
    {
        var withMailFrom = covering.Where(i => i.MailFrom is not null).ToArray();
        var best = IdentityCoverage.MostSpecific(withMailFrom.Select(i => i.Name), fromAddress);
        var defaultFrom = $"{returnLocalPart}@{defaultDomain}";
        if (best is not { } name)
        {
            return (new MailFromPlan(defaultFrom, false, $"no custom MAIL FROM domain is set; using {defaultDomain}."), null);
        }

        var identity = withMailFrom.First(i => i.Name.Value == name.Value && i.Name.Type == name.Type);
        var setting = identity.MailFrom!;
        if (setting.Status == VerificationStatus.Success)
        {
            return (new MailFromPlan($"{returnLocalPart}@{setting.Domain}", true, $"custom MAIL FROM domain {setting.Domain} of {identity.Arn} is verified."), null);
        }

        if (setting.BehaviorOnMxFailure == MailFromFailureBehavior.RejectMessage)
        {
            return (null, new SendError(SendErrorKind.MailFromDomainNotVerified,
                $"The custom MAIL FROM domain {setting.Domain} of identity {identity.Name.Value} is not verified ({setting.Status}) and its behavior on MX failure is RejectMessage."));
        }

        return (new MailFromPlan(defaultFrom, false,
            $"custom MAIL FROM domain {setting.Domain} of {identity.Arn} is {setting.Status}; behavior on MX failure is UseDefaultValue, so {defaultDomain} is used."), null);
    }

    /// <summary>The DKIM decision over the owner's verified identities covering the From address.</summary>
    public static DkimPlan PlanDkim(IReadOnlyList<SendingIdentity> covering, string fromAddress)
    {
        var decidingName = IdentityCoverage.MostSpecific(covering.Select(i => i.Name), fromAddress);
        if (decidingName is not { } dn)
        {
            return new DkimPlan(false, null, null, null, "no owner identity covers the From address.");
        }

        var deciding = covering.First(i => i.Name.Value == dn.Value && i.Name.Type == dn.Type);
        var keyed = covering.Where(i => i.DkimKey is not null).ToArray();
        var keyName = IdentityCoverage.MostSpecific(keyed.Select(i => i.Name), fromAddress);
        var keyOwner = keyName is { } kn ? keyed.First(i => i.Name.Value == kn.Value && i.Name.Type == kn.Type) : null;
        if (!deciding.DkimSigningEnabled)
        {
            return new DkimPlan(false, null, null, null, $"DKIM signing is disabled on {deciding.Arn} (the most specific identity).");
        }

        if (keyOwner is null)
        {
            return new DkimPlan(false, null, null, null, $"DKIM signing is enabled on {deciding.Arn} but no covering domain has a verified DKIM key.");
        }

        return new DkimPlan(true, keyOwner.DkimKey!.SigningDomain, keyOwner.DkimKey.Selector, keyOwner.Arn.Value,
            $"signing enabled on {deciding.Arn}; signing with the owner's key of {keyOwner.Arn} (d={keyOwner.DkimKey.SigningDomain}, s={keyOwner.DkimKey.Selector}).");
    }
}
