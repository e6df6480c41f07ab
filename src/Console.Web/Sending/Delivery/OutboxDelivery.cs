using System.Data.Common;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Sending;
using SesConsole.Domain.Sending.Events;
using SesConsole.Web.Features.Sending;
using SesConsole.Web.Hosting;
using SesConsole.Web.Notifications.Feedback;
using SesConsole.Web.Reputation;

namespace SesConsole.Web.Sending.Delivery;

/// <summary>Bound from <c>Sending:Delivery</c>.</summary>
public sealed class DeliveryOptions
{
    public const string SectionName = "Sending:Delivery";

    /// <summary>How often the worker looks for due messages. Defaults to 1 second; zero turns the worker off.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>First retry delay; doubles per attempt up to <see cref="MaxRetryDelay"/>. Defaults to 30 seconds.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>After this long undelivered, the worker gives up and records a bounce. Defaults to 12 hours.</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// How many due messages one claim takes (one read and one transaction); a round keeps claiming batches until the
    /// outbox has no more due. Defaults to 100.
    /// </summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>
    /// How many messages are in hand at once: at the transport (with the SMTP relay, that many pooled connections) or
    /// waiting for their delivery to be recorded. A crash re-delivers at most this many. Defaults to 16.
    /// </summary>
    public int Parallelism { get; set; } = 16;

    /// <summary>How long a worker holds a message it is delivering before another may try it. Defaults to 5 minutes.</summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Flow control (docs/send-pipeline.md#flow-control): while more than this many accepted messages are due and not yet
    /// delivered, an accept with real recipients waits for the backlog to fall below it (at most <see cref="InFlowDelay"/>).
    /// Defaults to 200; zero turns flow control off.
    /// </summary>
    public int MaxBacklog { get; set; } = 200;

    /// <summary>The longest one accept waits for the backlog before it goes ahead anyway. Defaults to 1 second.</summary>
    public TimeSpan InFlowDelay { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// Takes accepted messages from the outbox to the transport (docs/send-pipeline.md#delivery). At-least-once towards the
/// transport, exactly-once into the local sink (it is idempotent by Message-ID): a crash after delivering but before
/// recording it re-delivers, and the sink keeps one copy. Failures are retried with exponential backoff (DeliveryDelay
/// events) until <see cref="DeliveryOptions.GiveUpAfter"/>, then the message bounces.
/// </summary>
public sealed class OutboxDelivery(
    IDbContextFactory<ConsoleDbContext> dbFactory,
    IMailTransport transport,
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    ILogger<OutboxDelivery> logger,
    GroupCommitWriter? writer = null,
    FeedbackFanOut? feedback = null,
    ReputationCounting? counting = null,
    ReputationSignal? signal = null,
    ConsoleMetrics? metrics = null,
    WorkerHeartbeats? heartbeats = null)
{
    /// <summary>A claimed message with the <c>mail</c> object its events carry (null for a simulator auto-reply).</summary>
    private sealed record Claimed(OutboxMessageEntity Message, MessageMail? Mail);


    /// <summary>
    /// Delivers every message due now, oldest first; returns how many were delivered. Due messages are claimed
    /// <see cref="DeliveryOptions.BatchSize"/> at a time (one read and one transaction per batch) and handed to the transport
    /// by <see cref="DeliveryOptions.Parallelism"/> workers that take the next message as soon as they are free; each
    /// successful delivery is recorded through one group commit shared by the workers (see <see cref="OutcomeRecorder"/>),
    /// and a worker takes its next message only once its last one is recorded, so at most Parallelism messages are ever
    /// delivered but not recorded. A message is tried at most once per call, so a round ends even when the transport keeps failing.
    /// </summary>
    public async Task<int> DeliverDueAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var batchSize = Math.Max(1, options.Value.BatchSize);
        var delivered = 0;
        await using var recorder = new OutcomeRecorder(dbFactory, writer, logger);
        var queue = Channel.CreateBounded<Claimed>(new BoundedChannelOptions(batchSize) { SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producer = ClaimAllDueAsync(now, batchSize, queue.Writer, stop.Token);
        try
        {
            await Parallel.ForEachAsync(
                queue.Reader.ReadAllAsync(stop.Token),
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Value.Parallelism), CancellationToken = stop.Token },
                async (claimed, token) =>
                {
                    if (await DeliverOneAsync(claimed, recorder, token))
                    {
                        Interlocked.Increment(ref delivered);
                    }
                });
        }
        finally
        {
            // A failed worker stops the claiming too; what was claimed and not delivered waits for its lease to end.
            await stop.CancelAsync();
            await producer;
        }

        return delivered;
    }

    /// <summary>Claims due messages batch after batch into <paramref name="queue"/> until none is left; completes the queue (with the error, if any).</summary>
    private async Task ClaimAllDueAsync(DateTimeOffset now, int batchSize, ChannelWriter<Claimed> queue, CancellationToken ct)
    {
        Exception? error = null;
        try
        {
            var tried = new HashSet<Guid>();
            while (true)
            {
                // A long round is alive while it claims (docs/observability.md#health-checks).
                heartbeats?.Beat(WorkerHeartbeats.Delivery);
                var (claimed, read) = await ClaimBatchAsync(now, batchSize, tried, ct);
                foreach (var message in claimed)
                {
                    await queue.WriteAsync(message, ct);
                }

                if (read < batchSize)
                {
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            error = ex;
        }
        finally
        {
            queue.TryComplete(error);
        }
    }

    /// <summary>
    /// Reads up to <paramref name="batchSize"/> due messages and takes them for one attempt each: moves their next attempt a
    /// lease ahead, only if no one else did since they were read — one UPDATE for the batch in one transaction, and row by
    /// row only when another worker took some of them in between. Two workers (two processes on one database, or a test
    /// calling in beside the background worker) never hand the same message to the transport at once; a worker that dies
    /// holding a lease is retried when it ends. Returns the claimed messages with their <c>mail</c> objects and how many
    /// rows were read (0 when the round is over: nothing due, or only messages this round already tried).
    /// </summary>
    private async Task<(List<Claimed> Claimed, int Read)> ClaimBatchAsync(DateTimeOffset now, int batchSize, HashSet<Guid> tried, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var batch = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.Status == OutboxStatus.Pending && m.NextAttemptAt <= now)
            .OrderBy(m => m.NextAttemptAt)
            .Take(batchSize)
            .ToListAsync(ct);
        var fresh = batch.Where(m => tried.Add(m.Id)).ToList();
        if (fresh.Count == 0)
        {
            return ([], 0);
        }

        var lease = time.GetUtcNow() + options.Value.ClaimLease;
        var ids = fresh.Select(m => m.Id).ToList();
        List<OutboxMessageEntity> won;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            var taken = await db.OutboxMessages
                .Where(m => ids.Contains(m.Id) && m.Status == OutboxStatus.Pending && m.NextAttemptAt <= now)
                .ExecuteUpdateAsync(u => u.SetProperty(m => m.NextAttemptAt, lease), ct);
            if (taken == fresh.Count)
            {
                won = fresh;
            }
            else
            {
                // Someone took part of the batch since it was read: claim row by row, each only if it is as it was read.
                await transaction.RollbackAsync(ct);
                await using var retry = await db.Database.BeginTransactionAsync(ct);
                won = [];
                foreach (var message in fresh)
                {
                    var seen = message.NextAttemptAt;
                    if (await db.OutboxMessages
                            .Where(m => m.Id == message.Id && m.Status == OutboxStatus.Pending && m.NextAttemptAt == seen)
                            .ExecuteUpdateAsync(u => u.SetProperty(m => m.NextAttemptAt, lease), ct) == 1)
                    {
                        won.Add(message);
                    }
                }

                await retry.CommitAsync(ct);
                return (await WithMailAsync(db, won, lease, ct), batch.Count);
            }

            await transaction.CommitAsync(ct);
        }

        return (await WithMailAsync(db, won, lease, ct), batch.Count);
    }

    /// <summary>
    /// The claimed messages with their <c>mail</c> objects: read back from their accepted attempts, which the accepted-message
    /// writer stored with every field (one query for the batch, by the attempts' account-and-time index:
    /// docs/storage-and-retention.md#events). Older rows have it in their Send event; rows without either get what the row
    /// knows. A simulator auto-reply is no SES message and has none.
    /// </summary>
    private static async Task<List<Claimed>> WithMailAsync(ConsoleDbContext db, List<OutboxMessageEntity> claimed, DateTimeOffset lease, CancellationToken ct)
    {
        claimed.ForEach(m => m.NextAttemptAt = lease);
        var byId = await MessageMailReader.ReadAsync(db, [.. claimed.Where(m => !NoEvents(m.MessageId))], ct);
        return [.. claimed.Select(m => new Claimed(m, NoEvents(m.MessageId) ? null : byId[m.MessageId]))];
    }

    /// <summary>
    /// One attempt at one claimed message. A delivery is recorded through the round's group commit; a bounce, a retry or
    /// giving up (rare, and a bounce may feed the suppression list) in its own unit of work. Either way the attempt is
    /// recorded before this returns, so a crash re-delivers at most the messages in hand.
    /// </summary>
    private async Task<bool> DeliverOneAsync(Claimed claimed, OutcomeRecorder recorder, CancellationToken ct)
    {
        var (message, mail) = claimed;
        var recipients = message.Recipients.Split(',', StringSplitOptions.RemoveEmptyEntries);

        // The events of this attempt carry the Send event's `mail` object (callerIdentity, sourceIp, every recipient in
        // destination, tags); the event detail names this attempt's recipients.
        var outbound = new OutboundMessage(message.AccountId, message.EnvelopeFrom, recipients, message.Mime);
        Result<string> result;
        if (writer is not null && transport is IStagedMailTransport staging)
        {
            // The local sink: its row, the "delivered" mark and the Delivery event go into one group commit.
            var staged = await staging.StageAsync(outbound, ct);
            if (staged.IsSuccess)
            {
                await RecordDeliveredAsync(recorder, message, mail, recipients, staged.Value, staging);
                return true;
            }

            result = staged.Error;
        }
        else
        {
            result = await transport.SendAsync(outbound, ct);
        }

        var at = time.GetUtcNow();
        if (result.IsSuccess)
        {
            await RecordDeliveredAsync(recorder, message, mail, recipients, null, null);
            return true;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.OutboxMessages.Attach(message);
        message.Attempts++;
        var raised = new List<SendEvent>();
        var outcome = ConsoleMetrics.DeliveryResults.Bounced;
        if (result.Error is { Code: MailTransportErrors.RecipientRejected, Location: { } refused }
                 && recipients.FirstOrDefault(r => string.Equals(r, refused, StringComparison.OrdinalIgnoreCase)) is { } bounced)
        {
            // A hard bounce for that address (onto the sender's suppression list); the others go out on the next pass.
            AddBounce(db, message, mail, [bounced], "Permanent", "General", result.Error.Message, at, raised);
            if (mail is not null)
            {
                await SuppressionService.FeedAsync(db, message.AccountId, [bounced], "BOUNCE", at, ct);
            }

            var rest = recipients.Where(r => r != bounced).ToArray();
            message.Recipients = string.Join(',', rest);
            message.LastError = result.Error.Message;
            message.NextAttemptAt = at;
            if (rest.Length == 0)
            {
                message.Status = OutboxStatus.GaveUp;
            }

            logger.LogInformation("{Recipient} of {MessageId} bounced permanently: {Error}", bounced, message.MessageId, result.Error.Message);
        }
        else if (result.Error.Code == MailTransportErrors.ContentRejected)
        {
            message.Status = OutboxStatus.GaveUp;
            message.LastError = result.Error.Message;
            AddBounce(db, message, mail, recipients, "Transient", "ContentRejected", result.Error.Message, at, raised);
            logger.LogWarning("The receiving server refused the content of {MessageId}: {Error}", message.MessageId, result.Error.Message);
        }
        else if (at - message.CreatedAt >= options.Value.GiveUpAfter)
        {
            message.Status = OutboxStatus.GaveUp;
            message.LastError = result.Error.Message;
            AddBounce(db, message, mail, recipients, "Undetermined", "Undetermined", result.Error.Message, at, raised);
            logger.LogWarning("Gave up delivering {MessageId} after {Attempts} attempts: {Error}", message.MessageId, message.Attempts, result.Error.Message);
        }
        else
        {
            outcome = ConsoleMetrics.DeliveryResults.Failed;
            var delay = TimeSpan.FromTicks(Math.Min(options.Value.MaxRetryDelay.Ticks, options.Value.RetryDelay.Ticks * (1L << Math.Min(message.Attempts - 1, 20))));
            message.NextAttemptAt = at + delay;
            message.LastError = result.Error.Message;
            var error = result.Error.Message;
            AddEvent(db, message, mail, m => SendEvents.DeliveryDelay(m, "TransientCommunicationFailure",
                [.. recipients.Select(r => new DelayedRecipient(r, "4.4.1", error))], at, message.CreatedAt + options.Value.GiveUpAfter), raised);
            logger.LogInformation("Delivery of {MessageId} failed (attempt {Attempts}); retrying in {Delay}: {Error}", message.MessageId, message.Attempts, delay, result.Error.Message);
        }

        var fannedOut = await FeedbackAsync(message, mail, raised, ct);
        foreach (var row in fannedOut.Rows)
        {
            db.Add(row);
        }

        // A bounce here was raised at the hand-over (refused at RCPT, content refused, given up): its recipients count as
        // sent, and its bucket counts commit with it (docs/reputation.md#rollups).
        var counts = CountsOf(message, raised);
        await using (var transaction = counts.Count > 0 ? await db.Database.BeginTransactionAsync(ct) : null)
        {
            await db.SaveChangesAsync(ct);
            if (transaction is not null)
            {
                await ReputationRollup.ApplyAsync(db, counts, ct: ct);
                await transaction.CommitAsync(ct);
            }
        }

        feedback?.Committed(fannedOut);
        signal?.Changed(message.AccountId, counts);
        metrics?.RecordDelivery(outcome, message.CreatedAt, at);
        return false;
    }

    /// <summary>
    /// Records a delivery the transport took (or, with <paramref name="staged"/>, a local-sink delivery whose row commits
    /// with its record): the "delivered" mark, its Delivery event, its feedback rows and reputation counts go to the
    /// round's <see cref="OutcomeRecorder"/>, which commits the deliveries waiting together; returns once this one is committed.
    /// </summary>
    private async Task RecordDeliveredAsync(OutcomeRecorder recorder, OutboxMessageEntity message, MessageMail? mail, string[] recipients,
        StagedDelivery? staged, IStagedMailTransport? staging)
    {
        var at = time.GetUtcNow();
        var delivered = Raise(mail, m => SendEvents.Delivery(m, recipients, at, "250 2.0.0 OK", "sesconsole"));

        // The transport has the message: what follows is recorded even if the round is being cancelled. The hand-built
        // recorder (no group commit writer) keeps to deliveries.
        var heard = writer is null ? FeedbackRows.None : await FeedbackAsync(message, mail, [delivered], CancellationToken.None);
        var counted = writer is null ? [] : CountsOf(message, [delivered]);
        await recorder.RecordAsync(new OutcomeRecorder.Delivered(message, message.Attempts + 1, at, EventOf(message, mail, delivered), heard.Rows, counted,
            staged?.Row, staged is null || staging is null ? null : token => staging.IsStoredAsync(staged, token)));
        feedback?.Committed(heard);
        metrics?.RecordDelivery(ConsoleMetrics.DeliveryResults.Delivered, message.CreatedAt, at);
    }

    /// <summary>What <paramref name="events"/> (raised at the hand-over) add to the sending account's reputation buckets; none without counting.</summary>
    private IReadOnlyList<ReputationDelta> CountsOf(OutboxMessageEntity message, IReadOnlyList<SendEvent?> events) =>
        counting is null ? [] : [.. events.OfType<SendEvent>().SelectMany(e => counting.For(e, message.AccountId, message.SourceArn, atHandOver: true))];

    private static void AddBounce(ConsoleDbContext db, OutboxMessageEntity message, MessageMail? mail, string[] recipients, string type, string subType, string diagnostic, DateTimeOffset at, List<SendEvent> raised) =>
        AddEvent(db, message, mail, m =>
        {
            var bounce = SendEvents.Bounce(m, type, subType,
                [.. recipients.Select(r => new BouncedRecipient(r, "failed", type == "Permanent" ? "5.1.1" : "5.0.0", diagnostic))], at, "dns; sesconsole");

            // One feedback ID per bounce, stable across a re-run of the same attempt.
            return bounce with { Bounce = bounce.Bounce! with { FeedbackId = SendEvents.FeedbackId(m.MessageId, $"bounce-{subType}-{string.Join(',', recipients)}") } };
        }, raised);

    /// <summary>Stores one event of <paramref name="message"/> and adds it to <paramref name="raised"/>; none for a simulator auto-reply (<paramref name="mail"/> null).</summary>
    private static void AddEvent(ConsoleDbContext db, OutboxMessageEntity message, MessageMail? mail, Func<MailInfo, SendEvent> build, List<SendEvent> raised)
    {
        var e = Raise(mail, build);
        if (e is not null && EventOf(message, mail, e) is { } row)
        {
            db.SendEvents.Add(row);
            raised.Add(e);
        }
    }

    /// <summary>Whether an outbox row is the console's own mail (a simulator auto-reply or a feedback notice): no SES message, no events.</summary>
    private static bool NoEvents(string messageId) => SimulatorAutoReply.IsAutoReply(messageId) || FeedbackMail.IsFeedback(messageId);

    private static SendEvent? Raise(MessageMail? mail, Func<MailInfo, SendEvent> build) => mail is null ? null : build(mail.Info);

    /// <summary>The feedback rows for <paramref name="events"/> (docs/notifications.md#feedback-routing-under-delegation), committed with them.</summary>
    private async Task<FeedbackRows> FeedbackAsync(OutboxMessageEntity message, MessageMail? mail, IReadOnlyList<SendEvent?> events, CancellationToken ct)
    {
        var raised = events.OfType<SendEvent>().ToList();
        return feedback is null || mail is null || raised.Count == 0
            ? FeedbackRows.None
            : await feedback.RowsForAsync(raised, new FeedbackContext(message.AccountId, message.SourceArn, message.ConfigurationSetName,
                message.FeedbackAddress ?? mail.Info.Source, _ => Task.FromResult<byte[]?>(message.Mime)), ct);
    }

    private static SendEventEntity? EventOf(OutboxMessageEntity message, MessageMail? mail, SendEvent? e)
    {
        if (mail is null || e is null)
        {
            return null;
        }

        return new SendEventEntity
        {
            Id = Guid.CreateVersion7(e.Timestamp), MessageId = message.MessageId, AccountId = message.AccountId, SourceArn = message.SourceArn,
            OwnerAccountId = OwnerOf(message.SourceArn), Type = e.Type.JsonName(), Recipient = e.Recipients.Count == 1 ? e.Recipients[0] : null,
            Json = mail.HeldByAttempt ? SesNotificationJson.SerializeWithoutMail(e) : SesNotificationJson.Serialize(e), At = e.Timestamp, CountsTowardReputation = e.CountsTowardReputation,
        };
    }

    private static string? OwnerOf(string sourceArn)
    {
        var parts = sourceArn.Split(':');
        return parts.Length >= 6 ? parts[4] : null;
    }

}

/// <summary>
/// The group commit of one delivery round's successes (docs/send-pipeline.md#delivery): the workers' "delivered" marks
/// (status, time, attempt count), their Delivery events, feedback rows, reputation counts and (for the staged local sink)
/// mailbox rows are committed together, and each worker's task completes only once that commit is done. Whatever arrived
/// while the last commit ran goes in the next one, so under load one commit carries many deliveries: one change to the
/// app's <see cref="GroupCommitWriter"/> (its transaction beside the accepted sends' rows) with the reputation counts of
/// all of them merged into one upsert per bucket, instead of one change and two upserts per message. Without the writer
/// (an <see cref="OutboxDelivery"/> built by hand) it commits on its own context. A batch that fails is recorded message by
/// message, so one bad row fails only its own worker (whose message is then delivered again after its lease); a staged
/// mailbox row that another hand-over stored meanwhile is left out and the delivery recorded alone.
/// </summary>
internal sealed class OutcomeRecorder : IAsyncDisposable
{
    private const int MaxBatch = 256;

    private readonly IDbContextFactory<ConsoleDbContext> _dbFactory;
    private readonly GroupCommitWriter? _writer;
    private readonly ILogger _logger;
    private readonly Channel<(Delivered Item, TaskCompletionSource Done)> _queue =
        Channel.CreateUnbounded<(Delivered, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public OutcomeRecorder(IDbContextFactory<ConsoleDbContext> dbFactory, GroupCommitWriter? writer, ILogger logger)
    {
        _dbFactory = dbFactory;
        _writer = writer;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>
    /// One delivered message: its outbox row is marked delivered at <paramref name="At"/> with <paramref name="Attempts"/>,
    /// and its Delivery event, feedback rows, reputation counts and staged mailbox row (if any) are written with the mark.
    /// <paramref name="RowStoredMeanwhile"/> tells whether the staged row is in the mailbox already (then the mark goes alone).
    /// </summary>
    public sealed record Delivered(OutboxMessageEntity Message, int Attempts, DateTimeOffset At, SendEventEntity? Event,
        IReadOnlyList<object> FeedbackRows, IReadOnlyList<ReputationDelta> Counts,
        MailboxMessageEntity? SinkRow = null, Func<CancellationToken, Task<bool>>? RowStoredMeanwhile = null);

    /// <summary>Queues <paramref name="delivered"/> for the next commit; completes once it is committed.</summary>
    public Task RecordAsync(Delivered delivered)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((delivered, done)))
        {
            done.SetException(new InvalidOperationException("The delivery round is over."));
        }

        return done.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<(Delivered Item, TaskCompletionSource Done)>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            try
            {
                await CommitAsync([.. batch.Select(b => b.Item)], withRows: true);
                batch.ForEach(b => b.Done.TrySetResult());
            }
            catch (Exception ex)
            {
                if (batch.Count > 1)
                {
                    _logger.LogWarning(ex, "Recording {Count} deliveries together failed; recording them one by one.", batch.Count);
                }

                foreach (var (item, done) in batch)
                {
                    try
                    {
                        await CommitOneAsync(item, batch.Count > 1 ? null : ex);
                        done.TrySetResult();
                    }
                    catch (Exception single)
                    {
                        done.TrySetException(single);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Records one delivery alone (<paramref name="failed"/>: how it already failed alone, if it did). If its staged row is
    /// what failed because another hand-over of the same message stored it meanwhile, the mark goes without the row.
    /// </summary>
    private async Task CommitOneAsync(Delivered item, Exception? failed)
    {
        if (failed is null)
        {
            try
            {
                await CommitAsync([item], withRows: true);
                return;
            }
            catch (Exception ex)
            {
                failed = ex;
            }
        }

        if (failed is not (DbException or DbUpdateException) || item.SinkRow is null || item.RowStoredMeanwhile is null
            || !await item.RowStoredMeanwhile(CancellationToken.None))
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failed);
        }

        await CommitAsync([item], withRows: false);
    }

    private async Task CommitAsync(IReadOnlyList<Delivered> batch, bool withRows)
    {
        if (_writer is not null)
        {
            await _writer.CommitAsync(db => MarkDeliveredAsync(db, batch, withRows));
            return;
        }

        await using var db = await _dbFactory.CreateDbContextAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        await MarkDeliveredAsync(db, batch, withRows);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }

    /// <summary>
    /// Stages "these messages were delivered" on <paramref name="db"/>: each row's status, time, attempt count and error
    /// (absolute values, so running it again on a fresh context after a failed save writes the same), its Delivery event,
    /// feedback rows and (<paramref name="withRows"/>) staged mailbox row, and the reputation counts of all of them merged.
    /// </summary>
    private static async Task MarkDeliveredAsync(ConsoleDbContext db, IReadOnlyList<Delivered> batch, bool withRows)
    {
        foreach (var (message, attempts, at, deliveryEvent, feedbackRows, _, sinkRow, _) in batch)
        {
            if (withRows && sinkRow is not null)
            {
                db.MailboxMessages.Add(sinkRow);
            }

            var entry = db.OutboxMessages.Attach(message);
            message.Attempts = attempts;
            message.Status = OutboxStatus.Delivered;
            message.DeliveredAt = at;
            message.LastError = null;
            entry.Property(m => m.Attempts).IsModified = true;
            entry.Property(m => m.Status).IsModified = true;
            entry.Property(m => m.DeliveredAt).IsModified = true;
            entry.Property(m => m.LastError).IsModified = true;
            if (deliveryEvent is not null)
            {
                db.SendEvents.Add(deliveryEvent);
            }

            foreach (var row in feedbackRows)
            {
                db.Add(row);
            }
        }

        // In the same transaction: the bucket counts commit with the deliveries (docs/reputation.md#rollups).
        if (batch.Any(d => d.Counts.Count > 0))
        {
            await ReputationRollup.ApplyAsync(db, [.. batch.SelectMany(d => d.Counts)]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }
}

/// <summary>
/// Runs <see cref="OutboxDelivery"/> every <see cref="DeliveryOptions.PollInterval"/> on the injected clock, and again at
/// once after a round that delivered something (under a sustained load the next messages are already due).
/// </summary>
public sealed class DeliveryWorker(IServiceScopeFactory scopes, IOptions<DeliveryOptions> options, TimeProvider time, ILogger<DeliveryWorker> logger,
    WorkerHeartbeats? heartbeats = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.PollInterval <= TimeSpan.Zero)
        {
            logger.LogInformation("The delivery worker is off (Sending:Delivery:PollInterval <= 0).");
            return;
        }

        using var beat = WorkerHeartbeats.StartOrNone(heartbeats, WorkerHeartbeats.Delivery, options.Value.PollInterval);
        using var timer = new PeriodicTimer(options.Value.PollInterval, time);
        do
        {
            var delivered = 1;
            while (delivered > 0 && !stoppingToken.IsCancellationRequested)
            {
                beat.Beat();
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    delivered = await scope.ServiceProvider.GetRequiredService<OutboxDelivery>().DeliverDueAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "A delivery round failed; the next round retries.");
                    delivered = 0;
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
