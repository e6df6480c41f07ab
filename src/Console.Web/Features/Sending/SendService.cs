using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using MimeKit.Cryptography;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Authorization;
using SesConsole.Domain.Principals;
using SesConsole.Domain.Sending;
using SesConsole.Domain.Sending.Events;
using SesConsole.Web.Features.Principals;

namespace SesConsole.Web.Features.Sending;

/// <summary>
/// The one path every message takes (test-send page, HTTP API, SMTP): runs the domain <see cref="SendPipeline"/>, records
/// the attempt, and for an accepted message builds the final MIME (X-SES-* stripped, Message-ID and Date, DKIM-signed
/// with the owner's key when the owner enabled it), and persists outbox row, Send/synthetic events and the attempt in
/// one group commit before returning — so the caller gets its MessageId only once the message is durable.
/// </summary>
public sealed class SendService(
    IServiceProvider services,
    IDbContextFactory<ConsoleDbContext> dbFactory,
    GroupCommitWriter writer,
    IDataProtectionProvider dataProtection,
    SendingReadCache cache,
    TimeProvider time,
    ILogger<SendService> logger)
{
    private readonly IDataProtector _dkimProtector = dataProtection.CreateProtector("SesConsole.Identities.DkimPrivateKey.v1");

    /// <summary>The pipeline's view of a console or API caller (principal ARN, organization of its account).</summary>
    public async Task<SendCaller> CallerAsync(Caller caller, string? sourceIp, bool secureTransport, CancellationToken ct = default)
    {
        OrganizationId? organization = null;
        var account = caller.AccountId is null ? null : await AccountSettings.GetAsync(cache, dbFactory, caller.AccountId, ct);
        if (account?.OrganizationId is { } org && OrganizationId.Parse(org).TryGetValue(out var parsed))
        {
            organization = parsed;
        }

        var arn = PrincipalArn.Parse(caller.PrincipalArn).GetValueOrThrow();
        return new SendCaller(RequestPrincipal.ForArn(arn, organization), SourceIp: sourceIp, SecureTransport: secureTransport);
    }

    public async Task<SendOutcome> SendAsync(SendRequest request, string api, CancellationToken ct = default)
    {
        var pipeline = new SendPipeline(new SendPipelinePorts(
            services.GetRequiredService<DbSendingIdentityDirectory>(),
            services.GetRequiredService<DbCallerPolicyStore>(),
            services.GetRequiredService<DbSendingAccountDirectory>(),
            services.GetRequiredService<LedgerSendingQuota>(),
            services.GetRequiredService<DbSuppressionList>(),
            services.GetRequiredService<MimeKitParser>())
        {
            ConfigurationSets = services.GetRequiredService<SesConsole.Web.Features.ConfigurationSets.DbConfigurationSetDirectory>(),
        });
        var outcome = await pipeline.RunAsync(request, ct);
        if (request.DryRun)
        {
            return outcome;
        }

        // Row keys are version-7 GUIDs (time first): on SQLite they land at the end of each key index instead of at a
        // random page, which made durable acceptance about 40 % faster than random GUIDs once the tables hold some rows.
        var now = time.GetUtcNow();
        var attempt = SendAttemptRecord.Build(request, outcome, api, now);
        if (outcome.Rejection is not null)
        {
            if (attempt.AccountId.Length == 12)
            {
                await writer.CommitAsync(attempt);
            }

            return outcome;
        }

        var accepted = outcome.Accepted!;
        var rows = new List<object> { attempt };
        if (accepted.TransportRecipients.Count > 0)
        {
            var mime = await BuildMimeAsync(accepted, ct);
            rows.Add(new OutboxMessageEntity
            {
                Id = Guid.CreateVersion7(now), MessageId = accepted.MessageId, AccountId = accepted.SendingAccountId, SourceArn = accepted.SourceArn,
                EnvelopeFrom = accepted.MailFrom.EnvelopeFrom, Recipients = string.Join(',', accepted.TransportRecipients), Mime = mime,
                CreatedAt = accepted.Timestamp, NextAttemptAt = accepted.Timestamp,
            });
        }

        if (SimulatorAutoReply.For(accepted, now) is { } autoReply)
        {
            rows.Add(autoReply); // ooto@simulator: the auto-reply is durable with the message, delivered by the worker
        }

        // The Send event is the attempt itself (its Mail); the others are stored without `mail`
        // (docs/storage-and-retention.md#events).
        foreach (var e in SendEvents.ForAccepted(accepted).Where(e => e.Type != SendEventType.Send))
        {
            rows.Add(new SendEventEntity
            {
                Id = Guid.CreateVersion7(now), MessageId = accepted.MessageId, AccountId = accepted.SendingAccountId, OwnerAccountId = accepted.IdentityOwnerAccountId,
                SourceArn = accepted.SourceArn, Type = e.Type.JsonName(), Recipient = e.Recipients.Count == 1 ? e.Recipients[0] : null,
                Json = SesNotificationJson.SerializeWithoutMail(e), At = e.Timestamp, CountsTowardReputation = e.CountsTowardReputation,
            });
        }

        var ledger = services.GetRequiredService<QuotaLedger>();
        var reservation = outcome.Quota?.ReservationId;
        if (reservation is not null && ledger.Confirm(reservation, accepted.SendingAccountId, accepted.MessageId) is { } usage)
        {
            rows.Add(usage); // the charge is durable with the message, in the same commit
        }

        try
        {
            await writer.CommitAsync([.. rows]);
        }
        catch when (reservation is not null)
        {
            ledger.Release(reservation); // not accepted after all: no charge
            throw;
        }

        if (reservation is not null)
        {
            ledger.Settle(reservation);
        }

        logger.LogDebug("Accepted {MessageId} from {Caller} as {Identity} to {Count} recipient(s)", accepted.MessageId, attempt.CallerArn, accepted.FromIdentityArn, accepted.Destination.Count);
        return outcome;
    }

    private async Task<byte[]> BuildMimeAsync(AcceptedMessage accepted, CancellationToken ct)
    {
        MimeMessage message;
        if (accepted.Content is RawContent raw)
        {
            using var stream = new MemoryStream(raw.Mime.ToArray(), writable: false);
            message = await MimeMessage.LoadAsync(stream, ct);
        }
        else
        {
            var simple = (SimpleContent)accepted.Content;
            message = new MimeMessage { Subject = simple.Subject ?? "" };
            message.From.Add(new MailboxAddress(accepted.From.DisplayName ?? "", accepted.From.Address));
            message.To.AddRange(simple.To.Select(MailboxAddress.Parse));
            message.Cc.AddRange((simple.Cc ?? []).Select(MailboxAddress.Parse));
            message.ReplyTo.AddRange((simple.ReplyTo ?? []).Select(MailboxAddress.Parse));
            message.Body = new BodyBuilder { TextBody = simple.TextBody, HtmlBody = simple.HtmlBody }.ToMessageBody();
        }

        foreach (var header in accepted.HeadersToSet)
        {
            message.Headers.Replace(header.Name, header.Value);
        }

        DkimSigner? dkim = null;
        if (accepted.Dkim is { Sign: true, KeyIdentityArn: { } keyArn, Selector: { } selector, SigningDomain: { } domain }
            && Domain.Identities.IdentityArn.Parse(keyArn).TryGetValue(out var arn))
        {
            // The owner's key: the identity the pipeline chose for signing, by its ARN's account, region and name. The
            // parsed signer is cached with the identities (unprotecting and parsing RSA per message cost more than signing).
            dkim = await cache.GetAsync(SendingData.Identities, (arn.Account.Value, arn.Region, arn.IdentityName, selector, domain), LoadSignerAsync, ct);
        }

        return MimeProcessing.Finalize(message, accepted.RfcMessageId, accepted.Timestamp, dkim);
    }

    private async Task<DkimSigner?> LoadSignerAsync((string Owner, string Region, string Name, string Selector, string Domain) key, CancellationToken ct)
    {
        var (owner, region, name, selector, domain) = key;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var protectedKey = await db.DkimKeys.AsNoTracking()
            .Where(k => k.Selector == selector && db.SendingIdentities.Any(i =>
                i.Id == k.IdentityId && i.AccountId == owner && i.Region == region && i.Name == name))
            .Select(k => k.ProtectedPrivateKey).FirstOrDefaultAsync(ct);
        return protectedKey is null ? null : new DkimSigningKey(domain, selector, _dkimProtector.Unprotect(protectedKey)).CreateSigner();
    }
}
