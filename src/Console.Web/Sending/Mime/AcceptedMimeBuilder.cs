using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using MimeKit.Cryptography;
using SesConsole.Data;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Sending;

namespace SesConsole.Web.Sending.Mime;

/// <summary>
/// The bytes an accepted message is delivered as: the caller's raw MIME or a message built from simple content, with the
/// headers the pipeline set, finalized by <see cref="MimeProcessing"/> (X-SES-* stripped, Message-ID and Date) and
/// DKIM-signed with the owner's key when the owner enabled it.
/// </summary>
public sealed class AcceptedMimeBuilder(IDbContextFactory<ConsoleDbContext> dbFactory, IDataProtectionProvider dataProtection, SendingReadCache cache)
{
    private readonly IDataProtector _dkimProtector = dataProtection.CreateProtector("SesConsole.Identities.DkimPrivateKey.v1");

    public async Task<byte[]> BuildAsync(AcceptedMessage accepted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(accepted);
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
            foreach (var (name, value) in simple.Headers)
            {
                message.Headers.Add(name, value); // checked by MessageHeaderRules in the pipeline (docs/ses-behaviour.md#custom-headers)
            }
        }

        foreach (var header in accepted.HeadersToSet)
        {
            message.Headers.Replace(header.Name, header.Value);
        }

        DkimSigner? dkim = null;
        if (accepted.Dkim is { Sign: true, KeyIdentityArn: { } keyArn, Selector: { } selector, SigningDomain: { } domain }
            && IdentityArn.Parse(keyArn).TryGetValue(out var arn))
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
