using System.Globalization;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using MimeKit.Utils;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Sending;

namespace SesConsole.Web.Features.Mail;

/// <summary>
/// The embedded default transport: every message becomes a <see cref="MailboxMessageEntity"/> row (shown on the Mailbox
/// page) with the exact bytes it was given, and, when a pickup directory is configured, also an <c>.eml</c> file there.
/// </summary>
public sealed class LocalSinkTransport(
    IDbContextFactory<ConsoleDbContext> dbFactory,
    TimeProvider time,
    string? pickupDirectory,
    ILogger<LocalSinkTransport> logger) : IMailTransport
{
    private const int HeaderColumnLength = 998;

    /// <summary>The absolute pickup directory, or <see langword="null"/> when messages go to the database only.</summary>
    public string? PickupDirectory { get; } = pickupDirectory;

    public async Task<Result<string>> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var check = MailEnvelope.Check(message);
        if (!check.IsSuccess)
        {
            return check.Error;
        }

        var headers = await MailEnvelope.ReadHeadersAsync(message.Mime, cancellationToken);
        if (!headers.IsSuccess)
        {
            return headers.Error;
        }

        // The bytes are kept exactly as given; a message without a Message-ID gets one recorded beside it.
        var messageId = headers.Value.MessageId ?? MimeUtils.GenerateMessageId();
        if (headers.Value.MessageId is not null && await AlreadyCaughtAsync(message.AccountId, Truncate(messageId), cancellationToken))
        {
            // Idempotent by Message-ID: the delivery worker may hand the same outbox message over again after a crash
            // between delivering and recording it; the sink keeps one copy.
            logger.LogInformation("Local sink already holds message {MessageId}; not stored twice", messageId);
            return messageId;
        }

        var entity = new MailboxMessageEntity
        {
            Id = Guid.NewGuid(),
            AccountId = message.AccountId,
            MessageId = Truncate(messageId),
            EnvelopeFrom = message.EnvelopeFrom,
            Recipients = string.Join(",", message.Recipients),
            Subject = Truncate(headers.Value.Subject ?? ""),
            Mime = message.Mime,
            ReceivedAt = time.GetUtcNow(),
        };

        if (PickupDirectory is not null)
        {
            var written = await WritePickupFileAsync(entity, cancellationToken);
            if (!written.IsSuccess)
            {
                return written.Error;
            }
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.MailboxMessages.Add(entity);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Local sink caught message {MessageId} from {From} to {Recipients}", messageId, entity.EnvelopeFrom, entity.Recipients);
        return messageId;
    }

    private async Task<bool> AlreadyCaughtAsync(string? accountId, string messageId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.MailboxMessages.AnyAsync(m => m.MessageId == messageId && m.AccountId == accountId, cancellationToken);
    }

    /// <summary>The pickup file's name: <c>yyyyMMddTHHmmssfffZ-&lt;id&gt;.eml</c>, which sorts by arrival.</summary>
    public static string PickupFileName(DateTimeOffset receivedAt, Guid id) =>
        $"{receivedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture)}-{id:N}.eml";

    private async Task<Result> WritePickupFileAsync(MailboxMessageEntity entity, CancellationToken cancellationToken)
    {
        var path = Path.Combine(PickupDirectory!, PickupFileName(entity.ReceivedAt, entity.Id));
        var partial = path + ".partial";
        try
        {
            Directory.CreateDirectory(PickupDirectory!);

            // Written aside and then renamed, so a process watching the directory never reads half a message.
            await File.WriteAllBytesAsync(partial, entity.Mime, cancellationToken);
            File.Move(partial, path);
            return Result.Success();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogError(ex, "Could not write {Path}", path);
            return new Error("mail.pickup_failed", $"The message could not be written to the pickup directory {PickupDirectory}: {ex.Message}");
        }
    }

    private static string Truncate(string value) => value.Length <= HeaderColumnLength ? value : value[..HeaderColumnLength];
}

/// <summary>Checks shared by the transports.</summary>
internal static class MailEnvelope
{
    public static Result Check(OutboundMessage message)
    {
        if (!MailboxAddress.TryParse(message.EnvelopeFrom, out var from) || from.Address.Length == 0)
        {
            return Result.Failure("mail.invalid_address", $"The envelope sender '{message.EnvelopeFrom}' is not an email address.");
        }

        if (message.Recipients.Count == 0)
        {
            return Result.Failure("mail.no_recipients", "The message has no envelope recipients.");
        }

        foreach (var recipient in message.Recipients)
        {
            if (!MailboxAddress.TryParse(recipient, out var to) || to.Address.Length == 0)
            {
                return Result.Failure("mail.invalid_address", $"The envelope recipient '{recipient}' is not an email address.");
            }
        }

        if (message.Mime is not { Length: > 0 })
        {
            return Result.Failure("mail.invalid_message", "The message is empty.");
        }

        return Result.Success();
    }

    public static async Task<Result<MimeMessage>> ParseAsync(byte[] mime, CancellationToken cancellationToken)
    {
        try
        {
            using var stream = new MemoryStream(mime, writable: false);
            return await MimeMessage.LoadAsync(stream, cancellationToken);
        }
        catch (FormatException ex)
        {
            return new Error("mail.invalid_message", $"The message is not MIME: {ex.Message}");
        }
    }

    public static async Task<Result<(string? MessageId, string? Subject)>> ReadHeadersAsync(byte[] mime, CancellationToken cancellationToken)
    {
        var parsed = await ParseAsync(mime, cancellationToken);
        return parsed.Map(m => (m.MessageId, (string?)m.Subject));
    }
}
