using SesConsole.Domain.Authorization;

namespace SesConsole.Domain.Sending;

/// <summary>Which address of a message an identity is checked for (docs/ses-behaviour.md#evaluation: each address is checked separately).</summary>
public enum AddressRole
{
    /// <summary>The envelope sender / v1 <c>Source</c>, named by <c>SourceArn</c>.</summary>
    Source,

    /// <summary>The <c>From:</c> header, named by <c>FromArn</c>.</summary>
    From,

    /// <summary>The Return-Path / feedback address, named by <c>ReturnPathArn</c>.</summary>
    ReturnPath,
}

/// <summary>Where an identity ARN came from (step 2's precedence: parameter, then first header, then SourceArn, docs/ses-behaviour.md#arns-in-requests).</summary>
public enum ArnOrigin
{
    /// <summary>No ARN: the caller's own verified identity is used.</summary>
    None,

    /// <summary>An API parameter.</summary>
    Parameter,

    /// <summary>The first <c>X-SES-*-ARN</c> header of that name.</summary>
    Header,

    /// <summary>FromArn / ReturnPathArn absent: SourceArn stands for it (documented v1 behaviour).</summary>
    DefaultedFromSource,
}

/// <summary>An identity ARN as step 2 chose it.</summary>
public sealed record ArnChoice(string? Arn, ArnOrigin Origin)
{
    public static ArnChoice Absent { get; } = new(null, ArnOrigin.None);

    /// <inheritdoc />
    public override string ToString() => Arn is null ? "none" : $"{Arn} ({Origin})";
}

/// <summary>Step 2's output: the message's addresses, recipients, ARNs, size and the headers to strip.</summary>
/// <param name="Source">The envelope sender (v1 Source; for raw without Source, the From header).</param>
/// <param name="From">The From mailbox (<c>ses:FromAddress</c>, <c>ses:FromDisplayName</c>, docs/ses-behaviour.md#condition-keys).</param>
/// <param name="FeedbackAddress">The Return-Path (<c>ses:FeedbackAddress</c>); null when none was given (the key is then absent).</param>
/// <param name="FeedbackForwardingAddress">Where bounces and complaints are mailed (docs/ses-behaviour.md#feedback-channels).</param>
/// <param name="Recipients">Every distinct recipient (To, Cc, Bcc or Destinations), normalized to 7-bit ASCII.</param>
/// <param name="SourceArn">The ARN for <see cref="Source"/>.</param>
/// <param name="FromArn">The ARN for <see cref="From"/>.</param>
/// <param name="ReturnPathArn">The ARN for <see cref="FeedbackAddress"/>.</param>
/// <param name="HeadersToRemove">The <c>X-SES-*</c> header names present in a raw message (removed before delivery, docs/ses-behaviour.md#x-ses-headers).</param>
/// <param name="SizeBytes">The message size.</param>
public sealed record ParsedMessage(
    MailAddress Source,
    MailAddress From,
    string? FeedbackAddress,
    string FeedbackForwardingAddress,
    IReadOnlyList<string> Recipients,
    ArnChoice SourceArn,
    ArnChoice FromArn,
    ArnChoice ReturnPathArn,
    IReadOnlyList<string> HeadersToRemove,
    long SizeBytes)
{
    /// <summary>The configuration set the send names: the request's parameter, else (raw sends) the first <c>X-SES-CONFIGURATION-SET</c> header.</summary>
    public string? ConfigurationSetName { get; init; }
}

/// <summary>Step 3's output for one address: the identity that lets it send.</summary>
/// <param name="Roles">The roles this address/ARN pair plays (Source and From are often the same).</param>
/// <param name="Address">The address.</param>
/// <param name="Identity">The named identity (from the ARN), or the caller's own most specific identity.</param>
/// <param name="ViaArn">Whether an ARN named it (a delegated or explicit send).</param>
/// <param name="OwnerIdentities">The owner's verified identities in the region (for policy selection, docs/ses-behaviour.md#policy-selection, and for DKIM and MAIL FROM).</param>
public sealed record ResolvedIdentity(
    IReadOnlyList<AddressRole> Roles,
    string Address,
    SendingIdentity Identity,
    bool ViaArn,
    IReadOnlyList<SendingIdentity> OwnerIdentities)
{
    public string OwnerAccount => Identity.Arn.Account.Value;
}

/// <summary>Step 4's output for one identity and action: the two-sided decision, and the explanation when asked for.</summary>
/// <param name="Roles">The roles of the address.</param>
/// <param name="Address">The address.</param>
/// <param name="IdentityArn">The resource: the identity ARN named (or the caller's own identity).</param>
/// <param name="Action">The IAM action.</param>
/// <param name="PolicyIdentity">The ARN of the identity whose policies applied, and against which they were evaluated (docs/ses-behaviour.md#policy-selection);
/// null when no covering identity of the owner has policies.</param>
/// <param name="Result">Both sides' decisions from <see cref="SendAuthorizer"/>.</param>
/// <param name="OwnerSendsAsItself">The account root sends from its own identity: allowed without any policy.</param>
/// <param name="ResourceExplanation">The owner side statement by statement (when <see cref="SendRequest.Explain"/>).</param>
/// <param name="CallerExplanation">The caller side statement by statement (when asked and evaluated).</param>
/// <param name="PolicySource">Which identity's policies were the owner's side, and why, in one sentence.</param>
public sealed record IdentityAuthorization(
    IReadOnlyList<AddressRole> Roles,
    string Address,
    string IdentityArn,
    string Action,
    string? PolicyIdentity,
    SendAuthorizationResult Result,
    bool OwnerSendsAsItself,
    PolicyExplanation? ResourceExplanation = null,
    PolicyExplanation? CallerExplanation = null,
    string? PolicySource = null)
{
    public bool IsAllowed => Result.IsAllowed || OwnerSendsAsItself;

    /// <summary>One line for the trace: the decision, then whose policies were the owner's side and why.</summary>
    public string Describe()
    {
        var head = OwnerSendsAsItself
            ? $"{Action} on {IdentityArn} ({string.Join("/", Roles)} {Address}): allowed — the owner account sends from its own identity."
            : $"{Action} on {IdentityArn} ({string.Join("/", Roles)} {Address}): {Result.Describe()}";
        return PolicySource is null || OwnerSendsAsItself ? head : $"{head} {PolicySource}";
    }
}

/// <summary>The envelope sender decision of step 7.</summary>
/// <param name="EnvelopeFrom">The SMTP <c>MAIL FROM</c> to use.</param>
/// <param name="Custom">Whether the owner's custom MAIL FROM domain is used.</param>
/// <param name="Reason">Why, for the trace.</param>
public sealed record MailFromPlan(string EnvelopeFrom, bool Custom, string Reason);

/// <summary>The DKIM decision of step 7: sign with the owner's key or not.</summary>
/// <param name="Sign">Whether to sign.</param>
/// <param name="SigningDomain">The <c>d=</c> domain.</param>
/// <param name="Selector">The <c>s=</c> selector.</param>
/// <param name="KeyIdentityArn">The owner's domain identity whose private key signs.</param>
/// <param name="Reason">Why, for the trace.</param>
public sealed record DkimPlan(bool Sign, string? SigningDomain, string? Selector, string? KeyIdentityArn, string Reason);

/// <summary>What happens to one recipient (step 8).</summary>
public enum RecipientOutcome
{
    /// <summary>Hand to the transport.</summary>
    Deliver,

    /// <summary>On the sending account's suppression list: not delivered; Permanent/OnAccountSuppressionList bounce.</summary>
    SuppressedOnAccount,

    /// <summary><c>success@simulator</c>: Delivery event, nothing sent.</summary>
    SimulatedDelivery,

    /// <summary><c>bounce@simulator</c>: Permanent/General bounce (550 5.1.1).</summary>
    SimulatedBounce,

    /// <summary><c>ooto@simulator</c>: Delivery event, then an auto-reply to the feedback-forwarding address.</summary>
    SimulatedOutOfOffice,

    /// <summary><c>complaint@simulator</c>: Delivery event, then an <c>abuse</c> complaint.</summary>
    SimulatedComplaint,

    /// <summary><c>suppressionlist@simulator</c>: Permanent/Suppressed bounce.</summary>
    SimulatedSuppressed,
}

/// <summary>One recipient's disposition.</summary>
public sealed record RecipientDisposition(string Address, RecipientOutcome Outcome, SuppressionReason? SuppressedFor = null)
{
    /// <summary>Whether the transport must deliver to this recipient.</summary>
    public bool GoesToTransport => Outcome == RecipientOutcome.Deliver;
}

/// <summary>
/// The accepted message, as a plan the web layer executes: it renders (simple/template) or takes (raw) the MIME, removes
/// <see cref="HeadersToRemove"/>, sets <see cref="HeadersToSet"/>, DKIM-signs per <see cref="Dkim"/> with the owner's key,
/// persists it to the outbox with <see cref="MailFrom"/>'s envelope sender and the recipients that go to the transport.
/// </summary>
public sealed record AcceptedMessage
{
    /// <summary>SES-style message ID: <c>{16 hex}-{guid}-000000</c>.</summary>
    public required string MessageId { get; init; }

    public required DateTimeOffset Timestamp { get; init; }

    public required string Region { get; init; }

    public required SendApi Api { get; init; }

    /// <summary>The delegate's (sending) account: quota, events, suppression, billing (<c>sendingAccountId</c>).</summary>
    public required string SendingAccountId { get; init; }

    /// <summary><c>mail.callerIdentity</c>.</summary>
    public required string CallerIdentity { get; init; }

    public string? SourceIp { get; init; }

    /// <summary>The identity used for Source: under delegation, the <em>owner's</em> identity ARN (<c>mail.sourceArn</c>).</summary>
    public required string SourceArn { get; init; }

    /// <summary>The identity used for the From header.</summary>
    public required string FromIdentityArn { get; init; }

    /// <summary>The identity used for the Return-Path; null without a Return-Path.</summary>
    public string? ReturnPathIdentityArn { get; init; }

    /// <summary>The owner account of the Source identity (who gets identity notifications).</summary>
    public required string IdentityOwnerAccountId { get; init; }

    public required MailAddress Source { get; init; }

    public required MailAddress From { get; init; }

    /// <summary>The Return-Path given by the sender, if any.</summary>
    public string? FeedbackAddress { get; init; }

    /// <summary>Where feedback forwarding mails bounces and complaints (docs/ses-behaviour.md#feedback-channels).</summary>
    public required string FeedbackForwardingAddress { get; init; }

    /// <summary>All recipients (<c>mail.destination</c>).</summary>
    public required IReadOnlyList<string> Destination { get; init; }

    /// <summary>Filled by step 8.</summary>
    public IReadOnlyList<RecipientDisposition> Recipients { get; init; } = [];

    /// <summary>Header names to remove from a raw message before signing (every <c>X-SES-*</c> header, docs/ses-behaviour.md#x-ses-headers).</summary>
    public required IReadOnlyList<string> HeadersToRemove { get; init; }

    /// <summary>Headers to set, replacing any existing ones: <c>Message-ID</c> and <c>Date</c> (SES replaces both, docs/ses-behaviour.md#x-ses-headers).</summary>
    public required IReadOnlyList<RawHeader> HeadersToSet { get; init; }

    /// <summary>
    /// The RFC 5322 Message-ID the delivered mail carries, without angle brackets: the <c>Message-ID</c> of
    /// <see cref="HeadersToSet"/> (<c>MESSAGEID@REGION.DefaultMailFromDomain</c>, as SES sets it).
    /// </summary>
    public string RfcMessageId =>
        HeadersToSet.FirstOrDefault(h => string.Equals(h.Name, "Message-ID", StringComparison.OrdinalIgnoreCase))?.Value.Trim('<', '>')
        ?? $"{MessageId}@{Region}.amazonses.com";

    public required MailFromPlan MailFrom { get; init; }

    public required DkimPlan Dkim { get; init; }

    public string? ConfigurationSetName { get; init; }

    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>The content as received, for the web layer to render or to edit.</summary>
    public required SendContent Content { get; init; }

    /// <summary>The recipients the transport must deliver to (SMTP <c>RCPT TO</c>).</summary>
    public IReadOnlyList<string> TransportRecipients => [.. Recipients.Where(r => r.GoesToTransport).Select(r => r.Address)];
}

/// <summary>What one step did, for the trace.</summary>
public enum StepStatus
{
    Passed,
    Stopped,
    NotRun,
}

/// <summary>
/// One line of the trace: the step, what it did and, for authorization, the engine's explanations. A passed step's
/// sentence may be written only when it is first read, from what the step left in the send's context: most sends are
/// accepted through the API and nobody reads their trace (docs/send-pipeline.md#the-trace).
/// </summary>
public sealed class StepTrace
{
    private readonly Func<SendContext, string>? _describe;
    private readonly SendContext? _context;
    private string? _summary;

    public StepTrace(string step, StepStatus status, string summary, IReadOnlyList<string>? details = null)
    {
        (Step, Status, _summary, Details) = (step, status, summary, details);
    }

    internal StepTrace(string step, StepStatus status, Func<SendContext, string> describe, SendContext context, IReadOnlyList<string>? details)
    {
        (Step, Status, _describe, _context, Details) = (step, status, describe, context, details);
    }

    public string Step { get; }

    public StepStatus Status { get; }

    /// <summary>What the step did, in one sentence.</summary>
    public string Summary => _summary ??= _describe!(_context!);

    public IReadOnlyList<string>? Details { get; }
}

/// <summary>A rejection: the step that stopped the send, the error, and how each API spells it.</summary>
public sealed record SendRejection(string Step, SendError Error)
{
    public WireError V1 => SendErrorCatalog.Render(Error, ErrorDialect.V1);

    public WireError V2 => SendErrorCatalog.Render(Error, ErrorDialect.V2);

    public WireError Smtp => SendErrorCatalog.Render(Error, ErrorDialect.Smtp);

    public WireError For(ErrorDialect dialect) => SendErrorCatalog.Render(Error, dialect);
}

/// <summary>
/// The result of <see cref="SendPipeline.RunAsync"/>: accepted (with the plan) or rejected (with the step and error), plus the
/// trace, every authorization decision and the quota numbers. Every attempt should be stored with it (style convention 8).
/// </summary>
public sealed record SendOutcome(
    AcceptedMessage? Accepted,
    SendRejection? Rejection,
    IReadOnlyList<StepTrace> Trace,
    IReadOnlyList<IdentityAuthorization> Authorizations,
    QuotaResult? Quota,
    bool DryRun)
{
    public bool IsAccepted => Accepted is not null;

    /// <summary>The condition-key values step 4 evaluated the checks with; null when it did not run.</summary>
    public Authorization.RequestContext? AuthorizationContext { get; init; }

    public string? MessageId => Accepted?.MessageId;
}
