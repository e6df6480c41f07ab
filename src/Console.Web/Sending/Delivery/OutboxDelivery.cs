using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Sending;
using SesConsole.Domain.Sending.Events;
using SesConsole.Web.Features.Sending;

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

    /// <summary>How many due messages one read takes; a round keeps reading batches until the outbox has no more due.</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>How many messages of a batch are handed to the transport at once. Defaults to 4.</summary>
    public int Parallelism { get; set; } = 4;

    /// <summary>How long a worker holds a message it is delivering before another may try it. Defaults to 5 minutes.</summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// Takes accepted messages from the outbox to the transport. At-least-once towards the transport, exactly-once into
/// the local sink (it is idempotent by Message-ID): a crash after delivering but before recording it re-delivers, and
/// the sink keeps one copy. Failures are retried with exponential backoff (DeliveryDelay events) until
/// <see cref="DeliveryOptions.GiveUpAfter"/>, then the message bounces.
/// </summary>
public sealed class OutboxDelivery(
    IDbContextFactory<ConsoleDbContext> dbFactory,
    IMailTransport transport,
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    ILogger<OutboxDelivery> logger)
{
    /// <summary>
    /// Delivers every message due now, oldest first, in batches of <see cref="DeliveryOptions.BatchSize"/> with up to
    /// <see cref="DeliveryOptions.Parallelism"/> in flight; returns how many were delivered. A message is tried at most
    /// once per call, so a round ends even when the transport keeps failing.
    /// </summary>
    public async Task<int> DeliverDueAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var batchSize = Math.Max(1, options.Value.BatchSize);
        var tried = new HashSet<Guid>();
        var delivered = 0;
        while (true)
        {
            List<OutboxMessageEntity> batch;
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
            {
                batch = await db.OutboxMessages.AsNoTracking()
                    .Where(m => m.Status == OutboxStatus.Pending && m.NextAttemptAt <= now)
                    .OrderBy(m => m.NextAttemptAt)
                    .Take(batchSize)
                    .ToListAsync(ct);
            }

            var fresh = batch.Where(m => tried.Add(m.Id)).ToList();
            if (fresh.Count == 0)
            {
                return delivered;
            }

            await Parallel.ForEachAsync(
                fresh,
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Value.Parallelism), CancellationToken = ct },
                async (message, token) =>
                {
                    if (await DeliverOneAsync(message, now, token))
                    {
                        Interlocked.Increment(ref delivered);
                    }
                });
            if (batch.Count < batchSize)
            {
                return delivered;
            }
        }
    }

    /// <summary>One attempt at one message, recorded in its own unit of work so that a crash re-delivers at most it.</summary>
    private async Task<bool> DeliverOneAsync(OutboxMessageEntity message, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.OutboxMessages.Attach(message);
        if (!await ClaimAsync(db, message, now, ct))
        {
            return false; // Another worker (another process, or a second pass) has it.
        }

        var delivered = false;
        var recipients = message.Recipients.Split(',', StringSplitOptions.RemoveEmptyEntries);

        // The events of this attempt carry the Send event's `mail` object (callerIdentity, sourceIp, every recipient in
        // destination, tags); the event detail names this attempt's recipients. A simulator auto-reply is no SES message.
        var mail = SimulatorAutoReply.IsAutoReply(message.MessageId) ? null : await MailOfAsync(db, message, recipients, ct);
        var result = await transport.SendAsync(new OutboundMessage(message.AccountId, message.EnvelopeFrom, recipients, message.Mime), ct);
        var at = time.GetUtcNow();
        message.Attempts++;
        if (result.IsSuccess)
        {
            message.Status = OutboxStatus.Delivered;
            message.DeliveredAt = at;
            message.LastError = null;
            AddEvent(db, message, mail, m => SendEvents.Delivery(m, recipients, at, "250 2.0.0 OK", "sesconsole"));
            delivered = true;
        }
        else if (result.Error is { Code: MailTransportErrors.RecipientRejected, Location: { } refused }
                 && recipients.FirstOrDefault(r => string.Equals(r, refused, StringComparison.OrdinalIgnoreCase)) is { } bounced)
        {
            // A hard bounce for that address (onto the sender's suppression list); the others go out on the next pass.
            AddBounce(db, message, mail, [bounced], "Permanent", "General", result.Error.Message, at);
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
            AddBounce(db, message, mail, recipients, "Transient", "ContentRejected", result.Error.Message, at);
            logger.LogWarning("The receiving server refused the content of {MessageId}: {Error}", message.MessageId, result.Error.Message);
        }
        else if (at - message.CreatedAt >= options.Value.GiveUpAfter)
        {
            message.Status = OutboxStatus.GaveUp;
            message.LastError = result.Error.Message;
            AddBounce(db, message, mail, recipients, "Undetermined", "Undetermined", result.Error.Message, at);
            logger.LogWarning("Gave up delivering {MessageId} after {Attempts} attempts: {Error}", message.MessageId, message.Attempts, result.Error.Message);
        }
        else
        {
            var delay = TimeSpan.FromTicks(Math.Min(options.Value.MaxRetryDelay.Ticks, options.Value.RetryDelay.Ticks * (1L << Math.Min(message.Attempts - 1, 20))));
            message.NextAttemptAt = at + delay;
            message.LastError = result.Error.Message;
            var error = result.Error.Message;
            AddEvent(db, message, mail, m => SendEvents.DeliveryDelay(m, "TransientCommunicationFailure",
                [.. recipients.Select(r => new DelayedRecipient(r, "4.4.1", error))], at, message.CreatedAt + options.Value.GiveUpAfter));
            logger.LogInformation("Delivery of {MessageId} failed (attempt {Attempts}); retrying in {Delay}: {Error}", message.MessageId, message.Attempts, delay, result.Error.Message);
        }

        await db.SaveChangesAsync(ct);
        return delivered;
    }

    /// <summary>
    /// The message's <c>mail</c> object: read back from its accepted attempt, which SendService wrote at acceptance with
    /// every field (one index seek: the attempt's account and time are the row's; docs/storage-and-retention.md#events).
    /// Older rows have it in their Send event; rows without either get what the row knows.
    /// </summary>
    private static async Task<MessageMail> MailOfAsync(ConsoleDbContext db, OutboxMessageEntity message, string[] recipients, CancellationToken ct)
    {
        var attempt = await db.SendAttempts.AsNoTracking()
            .Where(a => a.AccountId == message.AccountId && a.At == message.CreatedAt && a.MessageId == message.MessageId && a.Mail != null)
            .FirstOrDefaultAsync(ct);
        if (attempt is not null && SendAttemptRecord.MailOf(attempt) is { } stored)
        {
            return new MessageMail(stored, HeldByAttempt: true);
        }

        var send = SendEventType.Send.JsonName();
        var json = await db.SendEvents.AsNoTracking()
            .Where(e => e.MessageId == message.MessageId && e.Type == send)
            .Select(e => e.Json)
            .FirstOrDefaultAsync(ct);
        return new MessageMail((json is null ? null : SesNotificationJson.ReadMail(json))
               ?? new MailInfo(message.CreatedAt, message.MessageId, message.EnvelopeFrom, message.SourceArn, SourceIp: null, message.AccountId, CallerIdentity: "", recipients), HeldByAttempt: false);
    }

    /// <summary>A message's <c>mail</c>, and whether its attempt holds it (then events are stored without it).</summary>
    private sealed record MessageMail(MailInfo Info, bool HeldByAttempt);

    /// <summary>
    /// Takes <paramref name="message"/> for one attempt: moves its next attempt a lease ahead, only if no one else did since
    /// it was read. Two workers (two processes on one database, or a test calling in beside the background worker) never
    /// hand the same message to the transport at once; a worker that dies holding a lease is retried when it ends.
    /// </summary>
    private async Task<bool> ClaimAsync(ConsoleDbContext db, OutboxMessageEntity message, DateTimeOffset now, CancellationToken ct)
    {
        var seen = message.NextAttemptAt;
        var lease = now + options.Value.ClaimLease;
        var claimed = await db.OutboxMessages
            .Where(m => m.Id == message.Id && m.Status == OutboxStatus.Pending && m.NextAttemptAt == seen)
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.NextAttemptAt, lease), ct);
        if (claimed == 0)
        {
            db.Entry(message).State = EntityState.Detached;
            return false;
        }

        // The tracked copy agrees with the row, so the attempt's own changes are all that SaveChanges writes.
        db.Entry(message).Property(m => m.NextAttemptAt).OriginalValue = lease;
        message.NextAttemptAt = lease;
        return true;
    }

    private static void AddBounce(ConsoleDbContext db, OutboxMessageEntity message, MessageMail? mail, string[] recipients, string type, string subType, string diagnostic, DateTimeOffset at) =>
        AddEvent(db, message, mail, m =>
        {
            var bounce = SendEvents.Bounce(m, type, subType,
                [.. recipients.Select(r => new BouncedRecipient(r, "failed", type == "Permanent" ? "5.1.1" : "5.0.0", diagnostic))], at, "dns; sesconsole");

            // One feedback ID per bounce, stable across a re-run of the same attempt.
            return bounce with { Bounce = bounce.Bounce! with { FeedbackId = SendEvents.FeedbackId(m.MessageId, $"bounce-{subType}-{string.Join(',', recipients)}") } };
        });

    /// <summary>Stores one event of <paramref name="message"/>; none for a simulator auto-reply (<paramref name="mail"/> null).</summary>
    private static void AddEvent(ConsoleDbContext db, OutboxMessageEntity message, MessageMail? mail, Func<MailInfo, SendEvent> build)
    {
        if (mail is null)
        {
            return;
        }

        var e = build(mail.Info);
        db.SendEvents.Add(new SendEventEntity
        {
            Id = Guid.CreateVersion7(e.Timestamp), MessageId = message.MessageId, AccountId = message.AccountId, SourceArn = message.SourceArn,
            OwnerAccountId = OwnerOf(message.SourceArn), Type = e.Type.JsonName(), Recipient = e.Recipients.Count == 1 ? e.Recipients[0] : null,
            Json = mail.HeldByAttempt ? SesNotificationJson.SerializeWithoutMail(e) : SesNotificationJson.Serialize(e), At = e.Timestamp, CountsTowardReputation = e.CountsTowardReputation,
        });
    }

    private static string? OwnerOf(string sourceArn)
    {
        var parts = sourceArn.Split(':');
        return parts.Length >= 6 ? parts[4] : null;
    }

}

/// <summary>Runs <see cref="OutboxDelivery"/> every <see cref="DeliveryOptions.PollInterval"/> on the injected clock.</summary>
public sealed class DeliveryWorker(IServiceScopeFactory scopes, IOptions<DeliveryOptions> options, TimeProvider time, ILogger<DeliveryWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.PollInterval <= TimeSpan.Zero)
        {
            logger.LogInformation("The delivery worker is off (Sending:Delivery:PollInterval <= 0).");
            return;
        }

        using var timer = new PeriodicTimer(options.Value.PollInterval, time);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<OutboxDelivery>().DeliverDueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "A delivery round failed; the next round retries.");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
