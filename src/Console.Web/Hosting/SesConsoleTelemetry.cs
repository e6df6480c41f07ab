using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Sending;

namespace SesConsole.Web.Hosting;

/// <summary>
/// The console's own instrumentation (docs/observability.md): the <c>SesConsole</c> ActivitySource with the <c>send</c>
/// span, and the names of the <c>SesConsole</c> meter's instruments and of every tag. The instruments themselves are in
/// <see cref="ConsoleMetrics"/>, made per host from the host's <see cref="IMeterFactory"/>. Nothing here costs anything
/// while no listener listens: <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null and every
/// recording first checks <see cref="Instrument.Enabled"/>.
/// </summary>
public static class SesConsoleTelemetry
{
    /// <summary>The ActivitySource's and the Meter's name.</summary>
    public const string Name = "SesConsole";

    /// <summary>The span of one send (docs/observability.md#traces).</summary>
    public const string SendSpan = "send";

    /// <summary>The span event of one pipeline step that ran (docs/observability.md#traces).</summary>
    public const string StepEvent = "send.step";

    public static ActivitySource Source { get; } = new(Name);

    /// <summary>Tag and attribute names (docs/observability.md#traces, docs/observability.md#metrics).</summary>
    public static class Tags
    {
        public const string Entry = "ses.entry";
        public const string Api = "ses.api";
        public const string CallerAccount = "ses.caller.account";
        public const string CallerArn = "ses.caller.arn";
        public const string SendingAccount = "ses.sending.account";
        public const string IdentityArn = "ses.identity.arn";
        public const string Outcome = "ses.outcome";
        public const string ErrorCode = "ses.error.code";
        public const string StoppedAt = "ses.step.stopped";
        public const string MessageId = "ses.message.id";
        public const string Recipients = "ses.recipients";
        public const string DryRun = "ses.dry_run";
        public const string Step = "ses.step.name";
        public const string StepStatus = "ses.step.status";
        public const string DeliveryResult = "ses.delivery.result";
        public const string NotificationResult = "sns.delivery.result";
        public const string NotificationProtocol = "sns.protocol";
    }

    /// <summary>The values of <see cref="Tags.Outcome"/>.</summary>
    public static class Outcomes
    {
        public const string Accepted = "accepted";
        public const string Denied = "denied";
        public const string Throttled = "throttled";
        public const string Rejected = "rejected";
    }

    /// <summary>The outcome a send counts under: denied (authorization), throttled (quota or rate) or rejected (anything else).</summary>
    public static string OutcomeOf(SendOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return outcome.Rejection?.Error.Kind switch
        {
            null => Outcomes.Accepted,
            SendErrorKind.AccessDenied or SendErrorKind.InvalidCaller => Outcomes.Denied,
            SendErrorKind.DailyQuotaExceeded or SendErrorKind.MaxSendRateExceeded => Outcomes.Throttled,
            _ => Outcomes.Rejected,
        };
    }

    /// <summary>The reason of a refused send: the SES v2 error code (<c>AccessDeniedException</c>, <c>MessageRejected</c>, …); null when accepted.</summary>
    public static string? ErrorCodeOf(SendOutcome outcome) =>
        outcome?.Rejection is { } rejection ? SendErrorCatalog.Codes(rejection.Error.Kind).V2Code : null;

    /// <summary>The API family as a short tag value: <c>v1</c>, <c>v2</c> or <c>smtp</c>.</summary>
    public static string ApiOf(SendApi api) => api.Dialect() switch
    {
        ErrorDialect.V1 => "v1",
        ErrorDialect.V2 => "v2",
        _ => "smtp",
    };

    /// <summary>
    /// The identity the send used or was refused for: the accepted message's Source identity, else the identity an
    /// authorization was refused for, else the first one checked, else the ARN the request named.
    /// </summary>
    public static string? IdentityArnOf(SendRequest request, SendOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Accepted is { } accepted)
        {
            return accepted.SourceArn;
        }

        foreach (var authorization in outcome.Authorizations)
        {
            if (!authorization.Result.IsAllowed)
            {
                return authorization.IdentityArn;
            }
        }

        return outcome.Authorizations.Count > 0 ? outcome.Authorizations[0].IdentityArn : request.SourceArn ?? request.FromArn;
    }

    /// <summary>
    /// Fills the <c>send</c> span from the pipeline's result: the tags, and one <see cref="StepEvent"/> per step that ran
    /// (passed, or stopped the send). Call only with a span (the caller checked it is not null).
    /// </summary>
    public static void Describe(Activity activity, SendRequest request, SendOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(outcome);
        var principal = request.Caller.Principal;
        activity.SetTag(Tags.Api, ApiOf(request.Api));
        activity.SetTag(Tags.CallerAccount, principal.Account);
        activity.SetTag(Tags.CallerArn, principal.Arn);
        activity.SetTag(Tags.IdentityArn, IdentityArnOf(request, outcome));
        activity.SetTag(Tags.Outcome, OutcomeOf(outcome));
        if (request.DryRun)
        {
            activity.SetTag(Tags.DryRun, true);
        }

        if (outcome.Accepted is { } accepted)
        {
            activity.SetTag(Tags.SendingAccount, accepted.SendingAccountId);
            activity.SetTag(Tags.MessageId, accepted.MessageId);
            activity.SetTag(Tags.Recipients, accepted.Destination.Count);
        }
        else if (outcome.Rejection is { } rejection)
        {
            activity.SetTag(Tags.ErrorCode, ErrorCodeOf(outcome));
            activity.SetTag(Tags.StoppedAt, rejection.Step);
        }

        foreach (var step in outcome.Trace)
        {
            if (step.Status == StepStatus.NotRun)
            {
                continue;
            }

            activity.AddEvent(new ActivityEvent(StepEvent, tags: new ActivityTagsCollection
            {
                [Tags.Step] = step.Step,
                [Tags.StepStatus] = step.Status == StepStatus.Passed ? "passed" : "stopped",
            }));
        }
    }
}

/// <summary>
/// The instruments of the <c>SesConsole</c> meter (docs/observability.md#metrics), one set per host, from the host's
/// <see cref="IMeterFactory"/> (so the backlog gauge reads this host's database, and a test's listener sees only its own host).
/// </summary>
public sealed class ConsoleMetrics
{
    /// <summary>The backlog gauge queries the database at most this often; between queries it reports the last count.</summary>
    public static readonly TimeSpan BacklogRefresh = TimeSpan.FromSeconds(5);

    private static readonly double[] CommitBuckets = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

    private static readonly double[] LatencyBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14400, 43200];

    private readonly IDbContextFactory<ConsoleDbContext> _dbFactory;
    private readonly TimeProvider _time;
    private readonly Lock _backlogLock = new();
    private long _backlog;
    private DateTimeOffset _backlogAt = DateTimeOffset.MinValue;

    public ConsoleMetrics(IMeterFactory meters, IDbContextFactory<ConsoleDbContext> dbFactory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _dbFactory = dbFactory;
        _time = time;
        var meter = meters.Create(SesConsoleTelemetry.Name);
        Sends = meter.CreateCounter<long>("sesconsole.sends", "{send}", "Sends by outcome (accepted, denied, throttled, rejected) and reason (the SES error code).");
        RecipientsCharged = meter.CreateCounter<long>("sesconsole.quota.recipients_charged", "{recipient}",
            "Recipients charged to the sending account's 24-hour quota by accepted sends (mailbox-simulator addresses are free).");
        Deliveries = meter.CreateCounter<long>("sesconsole.deliveries", "{message}",
            "Delivery attempts of accepted messages by result: delivered, failed (retried later) or bounced.");
        DeliveryLatency = meter.CreateHistogram("sesconsole.delivery.latency", "s",
            "From acceptance to delivery, per delivered message.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        NotificationDeliveries = meter.CreateCounter<long>("sesconsole.notifications.deliveries", "{delivery}",
            "SNS deliveries by result: delivered, retrying, failed or refused.");
        GroupCommitDuration = meter.CreateHistogram("sesconsole.group_commit.duration", "s",
            "One group-commit transaction of the send path's writer, from taking the batch to the commit's return (fsync included).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = CommitBuckets });
        GroupCommitSize = meter.CreateHistogram<int>("sesconsole.group_commit.size", "{write}",
            "The writes (one per accepted message, bulk call or delivery record) one group-commit transaction made durable together.");
        SendStoreDuration = meter.CreateHistogram("sesconsole.send.store.duration", "s",
            "How long an accepted send waited for its rows to be durable: the group commit it joined, the one ahead of it and the hand-back to its request.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = CommitBuckets });
        meter.CreateObservableGauge("sesconsole.outbox.backlog", ObserveBacklog, "{message}", "Accepted messages not yet delivered (pending in the outbox).");
    }

    public Counter<long> Sends { get; }

    public Counter<long> RecipientsCharged { get; }

    public Counter<long> Deliveries { get; }

    public Histogram<double> DeliveryLatency { get; }

    public Counter<long> NotificationDeliveries { get; }

    /// <summary>Per group-commit transaction of <see cref="Sending.GroupCommitWriter"/>: how long it took (docs/observability.md#metrics).</summary>
    public Histogram<double> GroupCommitDuration { get; }

    /// <summary>Per group-commit transaction: how many callers' writes it carried.</summary>
    public Histogram<int> GroupCommitSize { get; }

    /// <summary>
    /// Per accepted send (not bulk): from its accepted outcome to its rows being durable, as its caller waited
    /// (docs/observability.md#metrics). Next to <see cref="GroupCommitDuration"/> it shows how much of a request is the
    /// wait for the commit ahead of it (docs/send-performance.md#where-a-request-waits).
    /// </summary>
    public Histogram<double> SendStoreDuration { get; }

    /// <summary>Counts one send that was not a dry run: <see cref="Sends"/> and, when accepted, <see cref="RecipientsCharged"/>.</summary>
    public void RecordSend(SendRequest request, SendOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(outcome);
        if (Sends.Enabled)
        {
            var tags = new TagList
            {
                { SesConsoleTelemetry.Tags.Outcome, SesConsoleTelemetry.OutcomeOf(outcome) },
                { SesConsoleTelemetry.Tags.Api, SesConsoleTelemetry.ApiOf(request.Api) },
            };
            if (SesConsoleTelemetry.ErrorCodeOf(outcome) is { } code)
            {
                tags.Add(SesConsoleTelemetry.Tags.ErrorCode, code);
            }

            Sends.Add(1, tags);
        }

        if (RecipientsCharged.Enabled && outcome.Accepted is { } accepted)
        {
            var charged = 0;
            foreach (var recipient in accepted.Destination)
            {
                if (!MailboxSimulator.IsSimulator(recipient))
                {
                    charged++;
                }
            }

            if (charged > 0)
            {
                RecipientsCharged.Add(charged, new KeyValuePair<string, object?>(SesConsoleTelemetry.Tags.SendingAccount, accepted.SendingAccountId));
            }
        }
    }

    /// <summary>Counts one delivery attempt; a delivered one also records its latency from <paramref name="acceptedAt"/>.</summary>
    public void RecordDelivery(string result, DateTimeOffset acceptedAt, DateTimeOffset at)
    {
        if (Deliveries.Enabled)
        {
            Deliveries.Add(1, new KeyValuePair<string, object?>(SesConsoleTelemetry.Tags.DeliveryResult, result));
        }

        if (result == DeliveryResults.Delivered && DeliveryLatency.Enabled)
        {
            DeliveryLatency.Record(Math.Max(0, (at - acceptedAt).TotalSeconds));
        }
    }

    /// <summary>Counts one SNS delivery outcome.</summary>
    public void RecordNotification(string result, string? protocol)
    {
        if (NotificationDeliveries.Enabled)
        {
            NotificationDeliveries.Add(1,
                new KeyValuePair<string, object?>(SesConsoleTelemetry.Tags.NotificationResult, result),
                new KeyValuePair<string, object?>(SesConsoleTelemetry.Tags.NotificationProtocol, protocol ?? "unknown"));
        }
    }

    /// <summary>The values of <see cref="SesConsoleTelemetry.Tags.DeliveryResult"/>.</summary>
    public static class DeliveryResults
    {
        public const string Delivered = "delivered";
        public const string Failed = "failed";
        public const string Bounced = "bounced";
    }

    /// <summary>The values of <see cref="SesConsoleTelemetry.Tags.NotificationResult"/>.</summary>
    public static class NotificationResults
    {
        public const string Delivered = "delivered";
        public const string Retrying = "retrying";
        public const string Failed = "failed";
        public const string Refused = "refused";
    }

    /// <summary>The pending outbox count, queried at most every <see cref="BacklogRefresh"/> (the collector calls this on its export interval).</summary>
    private IEnumerable<Measurement<long>> ObserveBacklog()
    {
        var now = _time.GetUtcNow();
        lock (_backlogLock)
        {
            if (now - _backlogAt >= BacklogRefresh || now < _backlogAt)
            {
                try
                {
                    using var db = _dbFactory.CreateDbContext();
                    _backlog = db.OutboxMessages.Count(m => m.Status == OutboxStatus.Pending);
                    _backlogAt = now;
                }
                catch (Exception ex) when (ex is InvalidOperationException or System.Data.Common.DbException)
                {
                    // The database is away: no measurement this time (the ready check reports it).
                    return [];
                }
            }

            return [new Measurement<long>(_backlog)];
        }
    }
}
