using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Sending;

namespace SesConsole.Web.Features.Sending;

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

    public int BatchSize { get; set; } = 50;
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
    /// <summary>Delivers every due message once; returns how many were delivered.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var due = (await db.OutboxMessages.Where(m => m.Status == OutboxStatus.Pending).ToListAsync(ct))
            .Where(m => m.NextAttemptAt <= now)
            .OrderBy(m => m.NextAttemptAt)
            .Take(options.Value.BatchSize)
            .ToList();
        var delivered = 0;
        foreach (var message in due)
        {
            var recipients = message.Recipients.Split(',', StringSplitOptions.RemoveEmptyEntries);
            var result = await transport.SendAsync(new OutboundMessage(message.AccountId, message.EnvelopeFrom, recipients, message.Mime), ct);
            var at = time.GetUtcNow();
            message.Attempts++;
            if (result.IsSuccess)
            {
                message.Status = OutboxStatus.Delivered;
                message.DeliveredAt = at;
                message.LastError = null;
                AddEvents(db, message, recipients, "Delivery", at, new JsonObject
                {
                    ["timestamp"] = Iso(at),
                    ["processingTimeMillis"] = (long)(at - message.CreatedAt).TotalMilliseconds,
                    ["recipients"] = new JsonArray(recipients.Select(r => (JsonNode)r!).ToArray()),
                    ["smtpResponse"] = "250 2.0.0 OK",
                    ["reportingMTA"] = "sesconsole",
                });
                delivered++;
            }
            else if (at - message.CreatedAt >= options.Value.GiveUpAfter)
            {
                message.Status = OutboxStatus.GaveUp;
                message.LastError = result.Error.Message;
                AddEvents(db, message, recipients, "Bounce", at, new JsonObject
                {
                    ["bounceType"] = "Undetermined",
                    ["bounceSubType"] = "Undetermined",
                    ["bouncedRecipients"] = new JsonArray(recipients.Select(r => (JsonNode)new JsonObject { ["emailAddress"] = r, ["diagnosticCode"] = result.Error.Message }).ToArray()),
                    ["timestamp"] = Iso(at),
                    ["feedbackId"] = Guid.NewGuid().ToString("N"),
                    ["reportingMTA"] = "sesconsole",
                });
                logger.LogWarning("Gave up delivering {MessageId} after {Attempts} attempts: {Error}", message.MessageId, message.Attempts, result.Error.Message);
            }
            else
            {
                var delay = TimeSpan.FromTicks(Math.Min(options.Value.MaxRetryDelay.Ticks, options.Value.RetryDelay.Ticks * (1L << Math.Min(message.Attempts - 1, 20))));
                message.NextAttemptAt = at + delay;
                message.LastError = result.Error.Message;
                AddEvents(db, message, recipients, "DeliveryDelay", at, new JsonObject
                {
                    ["timestamp"] = Iso(at),
                    ["delayType"] = "TransientCommunicationFailure",
                    ["expirationTime"] = Iso(message.CreatedAt + options.Value.GiveUpAfter),
                    ["delayedRecipients"] = new JsonArray(recipients.Select(r => (JsonNode)new JsonObject { ["emailAddress"] = r, ["status"] = "4.4.1", ["diagnosticCode"] = result.Error.Message }).ToArray()),
                });
                logger.LogInformation("Delivery of {MessageId} failed (attempt {Attempts}); retrying in {Delay}: {Error}", message.MessageId, message.Attempts, delay, result.Error.Message);
            }

            // Recorded per message, so a crash mid-batch re-delivers at most the message in hand.
            await db.SaveChangesAsync(ct);
        }

        return delivered;
    }

    private static void AddEvents(ConsoleDbContext db, OutboxMessageEntity message, string[] recipients, string type, DateTimeOffset at, JsonObject detail)
    {
        var json = new JsonObject
        {
            ["eventType"] = type,
            ["mail"] = new JsonObject
            {
                ["timestamp"] = Iso(message.CreatedAt),
                ["messageId"] = message.MessageId,
                ["source"] = message.EnvelopeFrom,
                ["sourceArn"] = message.SourceArn,
                ["sendingAccountId"] = message.AccountId,
                ["destination"] = new JsonArray(recipients.Select(r => (JsonNode)r!).ToArray()),
            },
            [char.ToLowerInvariant(type[0]) + type[1..]] = detail,
        }.ToJsonString(JsonOptions);
        db.SendEvents.Add(new SendEventEntity
        {
            Id = Guid.NewGuid(), MessageId = message.MessageId, AccountId = message.AccountId, SourceArn = message.SourceArn,
            OwnerAccountId = OwnerOf(message.SourceArn), Type = type, Recipient = recipients.Length == 1 ? recipients[0] : null, Json = json, At = at,
        });
    }

    private static string? OwnerOf(string sourceArn)
    {
        var parts = sourceArn.Split(':');
        return parts.Length >= 6 ? parts[4] : null;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = false };

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
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
