using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using MimeKit.Utils;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Sending;
using SesConsole.Web.Sending;
using SesConsole.Web.Sending.Delivery;

namespace SesConsole.Web.Features.Mail;

/// <summary>
/// The embedded default transport: every message becomes a <see cref="MailboxMessageEntity"/> row (shown on the Mailbox
/// page) with the exact bytes it was given, and, when a pickup directory is configured, also an <c>.eml</c> file there.
/// A message's row key is derived from its account and Message-ID (<see cref="RowIdOf"/>), so "is it already here?" is one
/// primary-key lookup however full the mailbox is; with a <see cref="GroupCommitWriter"/> the row is written in the send
/// path's group commit (many deliveries per transaction) instead of a transaction of its own, and the delivery worker
/// stages it (<see cref="StageAsync"/>) to commit it together with its delivery record (docs/send-pipeline.md#delivery).
/// </summary>
public sealed class LocalSinkTransport(
    IDbContextFactory<ConsoleDbContext> dbFactory,
    TimeProvider time,
    string? pickupDirectory,
    ILogger<LocalSinkTransport> logger,
    GroupCommitWriter? writer = null) : IStagedMailTransport
{
    private const int HeaderColumnLength = 998;

    /// <summary>The absolute pickup directory, or <see langword="null"/> when messages go to the database only.</summary>
    public string? PickupDirectory { get; } = pickupDirectory;

    public async Task<Result<string>> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        var staged = await StageAsync(message, cancellationToken);
        if (!staged.IsSuccess)
        {
            return staged.Error;
        }

        if (staged.Value.Row is not { } entity)
        {
            return staged.Value.MessageId;
        }

        try
        {
            if (writer is not null)
            {
                await writer.CommitAsync(entity);
            }
            else
            {
                await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
                db.MailboxMessages.Add(entity);
                await db.SaveChangesAsync(cancellationToken);
            }
        }
        catch (Exception ex) when (ex is DbException or DbUpdateException)
        {
            if (!await AlreadyCaughtAsync(entity.Id, CancellationToken.None))
            {
                throw;
            }

            // Stored meanwhile by another hand-over of the same message (the key is the message's own).
            return staged.Value.MessageId;
        }

        logger.LogInformation("Local sink caught message {MessageId} from {From} to {Recipients}", entity.MessageId, entity.EnvelopeFrom, entity.Recipients);
        return staged.Value.MessageId;
    }

    /// <summary>
    /// Everything <see cref="SendAsync"/> does but the row's write: the delivery worker commits the row together with its
    /// "delivered" mark and Delivery event in one group commit (docs/send-pipeline.md#delivery).
    /// </summary>
    public async Task<Result<StagedDelivery>> StageAsync(OutboundMessage message, CancellationToken cancellationToken)
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
        var id = headers.Value.MessageId is null ? Guid.CreateVersion7(time.GetUtcNow()) : RowIdOf(message.AccountId, Truncate(messageId));
        if (headers.Value.MessageId is not null && await AlreadyCaughtAsync(id, cancellationToken))
        {
            // Idempotent by Message-ID: the delivery worker may hand the same outbox message over again after a crash
            // between delivering and recording it; the sink keeps one copy.
            logger.LogInformation("Local sink already holds message {MessageId}; not stored twice", messageId);
            return new StagedDelivery(messageId, null);
        }

        var entity = new MailboxMessageEntity
        {
            Id = id,
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

        return new StagedDelivery(messageId, entity);
    }

    public Task<bool> IsStoredAsync(StagedDelivery staged, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(staged);
        return staged.Row is null ? Task.FromResult(true) : AlreadyCaughtAsync(staged.Row.Id, cancellationToken);
    }

    private async Task<bool> AlreadyCaughtAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.MailboxMessages.AnyAsync(m => m.Id == id, cancellationToken);
    }

    /// <summary>
    /// The row key of a caught message: the first 16 bytes of SHA-256 over its account and Message-ID (as a version-8
    /// UUID), so the same message handed over twice maps to the same row. Rows stored before this (random keys) are not
    /// found by it; a message caught before the upgrade and handed over again after it would be kept twice.
    /// </summary>
    public static Guid RowIdOf(string? accountId, string messageId)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{accountId}\n{messageId}"), hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // version 8 (custom)
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(hash[..16], bigEndian: true);
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

            // Written aside and then renamed, so a process watching the directory never reads half a message. The file is
            // created new, never truncated: ext4 (auto_da_alloc) flushes a truncated file to disk when it is closed, which
            // made every caught message wait for the disk (docs/send-pipeline.md#delivery).
            File.Delete(partial); // a leftover of a crash mid-write
            await using (var file = new FileStream(partial, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous }))
            {
                await file.WriteAsync(entity.Mime, cancellationToken);
            }

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
