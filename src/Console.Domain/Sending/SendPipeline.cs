using SesConsole.Domain.Sending.Steps;

namespace SesConsole.Domain.Sending;

/// <summary>Deployment settings of the pipeline.</summary>
public sealed record SendPipelineOptions
{
    /// <summary>To + Cc + Bcc (or Destinations) per message (docs/ses-behaviour.md#message-limits).</summary>
    public int MaxRecipients { get; init; } = 50;

    /// <summary>Maximum message size in bytes; SES v1's 10 MB by default.</summary>
    public long MaxMessageBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>When true, a raw message whose From differs from Source needs its own FromArn (docs/ses-behaviour.md#arns-in-requests).</summary>
    public bool StrictRawArns { get; init; }

    /// <summary>
    /// The default MAIL FROM is <c>{return local part}@{region}.{this}</c> unless the installation set its own bounce domain
    /// (<see cref="IReturnAddresses.ReturnPathDomain"/>); Message-ID headers use <c>{region}.{this}</c> always.
    /// </summary>
    public string DefaultMailFromDomain { get; init; } = "amazonses.com";

    /// <summary>The random part of message IDs (tests pin it).</summary>
    public Func<Guid> NewGuid { get; init; } = Guid.NewGuid;

    public static SendPipelineOptions Default { get; } = new();
}

/// <summary>The ports the pipeline reads and writes through; the data and web layers implement them.</summary>
public sealed record SendPipelinePorts(
    ISendingIdentityDirectory Identities,
    ICallerPolicyStore CallerPolicies,
    ISendingAccountDirectory Accounts,
    ISendingQuota Quota,
    ISuppressionList Suppression,
    IMimeParser MimeParser)
{
    /// <summary>The sending accounts' configuration sets; by default none exist, so a send naming one is refused.</summary>
    public IConfigurationSetDirectory ConfigurationSets { get; init; } = NoConfigurationSets.Instance;

    /// <summary>The per-message return addresses (docs/reputation.md#return-addresses-verp); by default untagged ones.</summary>
    public IReturnAddresses ReturnAddresses { get; init; } = UntaggedReturnAddresses.Instance;
}

/// <summary>
/// Everything one run accumulates. Each step reads the outputs of the steps before it and sets its own; a step run alone in
/// a test gets its inputs set by hand.
/// </summary>
public sealed class SendContext(SendRequest request, SendPipelinePorts ports, SendPipelineOptions options)
{
    public SendRequest Request { get; } = request ?? throw new ArgumentNullException(nameof(request));

    public SendPipelinePorts Ports { get; } = ports ?? throw new ArgumentNullException(nameof(ports));

    public SendPipelineOptions Options { get; } = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>Step 1: the account the send is charged to.</summary>
    public string? SendingAccountId { get; set; }

    /// <summary>Step 2.</summary>
    public ParsedMessage? Message { get; set; }

    /// <summary>Step 3.</summary>
    public IReadOnlyList<ResolvedIdentity> Identities { get; set; } = [];

    /// <summary>Step 4.</summary>
    public IReadOnlyList<IdentityAuthorization> Authorizations { get; set; } = [];

    /// <summary>Step 4: the condition-key values the checks were evaluated with (kept for the impact preview's replay).</summary>
    public Authorization.RequestContext? AuthorizationContext { get; set; }

    /// <summary>Step 5: the sending account.</summary>
    public SendingAccount? SendingAccount { get; set; }

    /// <summary>Step 6: the configuration set that applies (the one the send names, or the identity's default for its owner's own send).</summary>
    public string? ConfigurationSetName { get; set; }

    /// <summary>Step 7.</summary>
    public QuotaResult? Quota { get; set; }

    /// <summary>Step 8 (step 9 adds the recipients).</summary>
    public AcceptedMessage? Accepted { get; set; }

    /// <summary>Lines a step wants under its trace entry (for example the authorization explanations).</summary>
    public List<string> Details { get; } = [];
}

/// <summary>A step's verdict: continue, or reject with an error; with a one-line summary for the trace.</summary>
public readonly record struct StepResult(SendError? Error, string Summary)
{
    public bool IsContinue => Error is null;

    /// <summary>
    /// Writes the summary of a step that continued when the trace is read, from the context the step left (then
    /// <see cref="Summary"/> is empty here). Steps pass a static lambda, so nothing is allocated until then
    /// (docs/send-pipeline.md#the-trace).
    /// </summary>
    public Func<SendContext, string>? Describe { get; init; }

    public static StepResult Continue(string summary) => new(null, summary);

    /// <summary>Continue, with the summary written from the context when the trace is read.</summary>
    public static StepResult Continue(Func<SendContext, string> describe) => new(null, "") { Describe = describe };

    public static StepResult Reject(SendError error, string? summary = null) => new(error, summary ?? error.Message);
}

/// <summary>One step of the pipeline (style convention 8).</summary>
public interface ISendStep
{
    /// <summary>The name shown in the trace and stored with rejections.</summary>
    string Name { get; }

    ValueTask<StepResult> RunAsync(SendContext context, CancellationToken cancellationToken);
}

/// <summary>
/// The one path every message takes (test-send page, HTTP APIs, SMTP). The steps run in the order of <see cref="Steps"/>,
/// built here in code; the first rejection stops the run. Thread-safe: one instance serves concurrent sends.
/// </summary>
public sealed class SendPipeline
{
    private readonly SendPipelinePorts _ports;
    private readonly SendPipelineOptions _options;

    public SendPipeline(SendPipelinePorts ports, SendPipelineOptions? options = null)
    {
        _ports = ports ?? throw new ArgumentNullException(nameof(ports));
        _options = options ?? SendPipelineOptions.Default;
        Steps =
        [
            new ValidateCallerStep(),
            new ParseMessageStep(),
            new ResolveIdentitiesStep(),
            new AuthorizeStep(),
            new SandboxStep(),
            new ConfigurationSetStep(),
            new AccountLimitsStep(),
            new AcceptStep(),
            new RecipientDispositionStep(),
        ];
    }

    /// <summary>The steps, in order.</summary>
    public IReadOnlyList<ISendStep> Steps { get; }

    /// <summary>Runs every step. Never throws for anything a caller can cause; port failures propagate as exceptions.</summary>
    public async Task<SendOutcome> RunAsync(SendRequest request, CancellationToken cancellationToken = default)
    {
        var context = new SendContext(request, _ports, _options);
        var trace = new List<StepTrace>(Steps.Count);
        SendRejection? rejection = null;
        for (var i = 0; i < Steps.Count; i++)
        {
            var step = Steps[i];
            context.Details.Clear();
            StepResult result;
            try
            {
                result = await step.RunAsync(context, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (context.Quota?.ReservationId is not null)
            {
                // A port failed after quota was reserved: give the reservation back, then let the failure propagate.
                await _ports.Quota.ReleaseAsync(context.Quota.ReservationId, CancellationToken.None).ConfigureAwait(false);
                throw;
            }

            var details = context.Details.Count == 0 ? null : context.Details.ToArray();
            if (result.IsContinue)
            {
                trace.Add(result.Describe is { } describe
                    ? new StepTrace(step.Name, StepStatus.Passed, describe, context, details)
                    : new StepTrace(step.Name, StepStatus.Passed, result.Summary, details));
                continue;
            }

            trace.Add(new StepTrace(step.Name, StepStatus.Stopped, result.Summary, details));
            rejection = new SendRejection(step.Name, result.Error!);
            for (var j = i + 1; j < Steps.Count; j++)
            {
                trace.Add(new StepTrace(Steps[j].Name, StepStatus.NotRun, "Not run."));
            }

            if (context.Quota?.ReservationId is { } reservation)
            {
                await _ports.Quota.ReleaseAsync(reservation, cancellationToken).ConfigureAwait(false);
            }

            break;
        }

        return new SendOutcome(rejection is null ? context.Accepted : null, rejection, trace, context.Authorizations, context.Quota, request.DryRun)
        {
            AuthorizationContext = context.AuthorizationContext,
        };
    }
}
