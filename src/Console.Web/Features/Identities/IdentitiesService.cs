using System.Globalization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Sending;
using SesConsole.Web.Features.Mail;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Hosting;

namespace SesConsole.Web.Features.Identities;

/// <summary>
/// Sending identities of the caller's account in one region: create (email address or domain), verify, re-check DNS,
/// DKIM and MAIL FROM settings, delete. Every query is scoped by the caller's account; only the account root changes
/// identities, members may look. The email link flow (<see cref="VerifyEmailLinkAsync"/>) needs no sign-in.
/// </summary>
public sealed partial class IdentitiesService(
    IDbContextFactory<ConsoleDbContext> dbFactory,
    IDataProtectionProvider dataProtection,
    EmailVerificationLinks links,
    IMailTransport transport,
    MailComposer composer,
    IOptions<ConsoleOptions> options,
    DomainChecker checker,
    DnsRecordOptions recordOptions,
    DnsCheckLog checkLog,
    IOptions<IdentitiesOptions> identityOptions,
    IdentityCreationGate creationGate,
    TimeProvider time,
    Audit.AuditTrail audit)
{
    private static readonly Error RootOnly = new("auth.root_only", "Only the account's root user can change sending identities.");
    private readonly IDataProtector _dkimProtector = dataProtection.CreateProtector("SesConsole.Identities.DkimPrivateKey.v1");

    public async Task<Result<IReadOnlyList<IdentityRow>>> ListAsync(Caller caller, string region, CancellationToken ct = default)
    {
        if (caller.AccountId is null)
        {
            return new Error("auth.no_account", "This sign-in does not belong to an account, so it has no sending identities.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.SendingIdentities.AsNoTracking()
            .Where(i => i.AccountId == caller.AccountId && i.Region == region)
            .Select(i => new { Identity = i, Policies = i.Policies.Count })
            .ToListAsync(ct);
        IReadOnlyList<IdentityRow> result = rows.Select(r => Row(r.Identity, r.Policies))
            .OrderBy(r => r.Type).ThenBy(r => r.Name, StringComparer.Ordinal).ToList();
        return Result<IReadOnlyList<IdentityRow>>.Success(result);
    }

    public async Task<Result<IdentityDetails>> GetAsync(Caller caller, string region, string name, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var identity = await FindAsync(db, caller, region, name, tracking: false, ct);
        if (identity is null)
        {
            return NotFound(name, region);
        }

        return Details(identity);
    }

    /// <summary>Creates an email-address identity and mails it a verification link (valid 24 h, single use).</summary>
    public async Task<Result<IdentityRow>> CreateEmailAsync(Caller caller, string region, string address, Uri publicBaseUri, CancellationToken ct = default)
    {
        var check = await CheckCanCreateAsync(caller, region, ct);
        if (!check.IsSuccess)
        {
            return check.Error;
        }

        var parsed = ParseName(address);
        if (!parsed.IsSuccess)
        {
            return parsed.Error with { Location = "Name" };
        }

        if (parsed.Value.Type != SendingIdentityType.EmailAddress)
        {
            return new Error("identity.not_an_address", $"'{address}' is a domain; choose \"Domain\" to verify it.", "Name");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        SendingIdentityEntity identity;
        OutboundMessage mailed;
        await using (var gate = await creationGate.EnterAsync(db, caller.AccountId!, region, ct))
        {
            var refused = await LimitErrorAsync(db, caller, region, ct) ?? await DuplicateAsync(db, caller, region, parsed.Value.Value, ct);
            if (refused is not null)
            {
                return refused;
            }

            var now = time.GetUtcNow();
            identity = new SendingIdentityEntity
            {
                Id = Guid.NewGuid(), AccountId = caller.AccountId!, Region = region, Type = SendingIdentityType.EmailAddress, Name = parsed.Value.Value,
                VerificationStatus = VerificationStatus.Pending, VerificationStatusSince = now, CreatedAt = now,
            };
            mailed = await PrepareVerificationMailAsync(identity, publicBaseUri);
            db.SendingIdentities.Add(identity);
            Audited(db, caller, identity, AuditKinds.IdentityCreated, $"Created email address identity {identity.Name} in {region}.", null, AuditState(identity));
            await db.SaveChangesAsync(ct);
            await gate.CommitAsync(ct);
        }

        // Persist first, then send: a failed send leaves a Pending identity whose mail can be resent.
        var sent = await transport.SendAsync(mailed, ct);
        if (!sent.IsSuccess)
        {
            return new Error("identity.mail_failed", $"{identity.Name} was added, but the verification email could not be sent: {sent.Error.Message} Use \"Resend\" once mail works.");
        }

        return Row(identity, 0);
    }

    /// <summary>Restarts email verification: a new link (the old one stops working), status Pending for 24 h.</summary>
    public async Task<Result> ResendVerificationAsync(Caller caller, string region, string name, Uri publicBaseUri, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var found = await FindToChangeAsync(db, caller, region, name, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var identity = found.Value!;

        if (identity.Type != SendingIdentityType.EmailAddress)
        {
            return Result.Failure("identity.not_an_address", "Domains are verified through DNS; use \"Check DNS now\".");
        }

        if (identity.VerificationStatus == VerificationStatus.Success)
        {
            return Result.Failure("identity.already_verified", $"{identity.Name} is already verified.");
        }

        identity.VerificationStatus = VerificationStatus.Pending;
        identity.VerificationStatusSince = time.GetUtcNow();
        var mail = await PrepareVerificationMailAsync(identity, publicBaseUri);
        Audited(db, caller, identity, AuditKinds.IdentityVerification, $"Restarted verification of {identity.Name}: a new verification email.", null, null);
        await db.SaveChangesAsync(ct);
        var sent = await transport.SendAsync(mail, ct);
        return sent.IsSuccess ? Result.Success() : Result.Failure("identity.mail_failed", $"The verification email could not be sent: {sent.Error.Message}");
    }

    /// <summary>The verification link: anonymous, single use, 24 h. Returns the identity verified.</summary>
    public async Task<Result<IdentityRow>> VerifyEmailLinkAsync(string? token, CancellationToken ct = default)
    {
        var read = links.Read(token);
        if (!read.IsSuccess)
        {
            return read.Error;
        }

        var (identityId, nonce, _) = read.Value;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var identity = await db.SendingIdentities.SingleOrDefaultAsync(i => i.Id == identityId, ct);
        if (identity is null)
        {
            return new Error("identity.link_invalid", "The identity this link verifies no longer exists.");
        }

        if (identity.VerificationStatus == VerificationStatus.Success)
        {
            return new Error("identity.link_used", $"{identity.Name} is already verified; this link has been used.");
        }

        if (identity.EmailLinkNonceHash is null || identity.EmailLinkNonceHash != EmailVerificationLinks.Hash(nonce))
        {
            return new Error("identity.link_used", "This link has been replaced by a newer verification email or was already used. Use the newest link.");
        }

        if (identity.VerificationStatus == VerificationStatus.Failed)
        {
            return new Error("identity.link_expired", "Verification of this address failed because the link expired. Ask the owner to resend the verification email.");
        }

        var now = time.GetUtcNow();
        identity.VerificationStatus = VerificationStatus.Success;
        identity.VerificationStatusSince = now;
        identity.VerifiedAt = now;
        identity.EmailLinkNonceHash = null;
        identity.Version = Guid.NewGuid();
        await db.SaveChangesAsync(ct);
        return Row(identity, 0);
    }

    public async Task<Result> DeleteAsync(Caller caller, string region, string name, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var found = await FindToChangeAsync(db, caller, region, name, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var identity = found.Value!;

        // DKIM keys and sending authorization policies go with it (cascade), as in SES.
        db.SendingIdentities.Remove(identity);
        Audited(db, caller, identity, AuditKinds.IdentityDeleted, $"Deleted identity {identity.Name} from {region}, with its policies and DKIM keys.", AuditState(identity), null);
        await db.SaveChangesAsync(ct);
        return Result.Success();
    }

    /// <summary>Expires email identities whose link window (24 h) passed; called by the background re-check.</summary>
    public async Task<int> ExpireEmailVerificationsAsync(CancellationToken ct = default)
    {
        var cutoff = time.GetUtcNow() - EmailVerificationLinks.Lifetime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var pending = await db.SendingIdentities
            .Where(i => i.Type == SendingIdentityType.EmailAddress && i.VerificationStatus == VerificationStatus.Pending)
            .ToListAsync(ct);
        var expired = pending.Where(i => i.VerificationStatusSince <= cutoff).ToList();
        foreach (var identity in expired)
        {
            identity.VerificationStatus = VerificationStatus.Failed;
            identity.VerificationStatusSince = time.GetUtcNow();
            identity.EmailLinkNonceHash = null;
        }

        await db.SaveChangesAsync(ct);
        return expired.Count;
    }

    private async Task<OutboundMessage> PrepareVerificationMailAsync(SendingIdentityEntity identity, Uri publicBaseUri)
    {
        var (token, nonceHash) = links.Create(identity.Id);
        identity.EmailLinkNonceHash = nonceHash;
        var baseUri = options.Value.PublicBaseUrl is { Length: > 0 } configured ? new Uri(configured) : publicBaseUri;
        var link = new Uri(baseUri, $"verify-email?token={Uri.EscapeDataString(token)}").ToString();
        var subject = $"SesConsole – Email Address Verification Request in region {identity.Region}";
        var text = $"""
            Dear SesConsole customer,

            We have received a request to authorize this email address for use with SesConsole in region {identity.Region}.
            If you requested this verification, go to the following URL to confirm that you are authorized to use this email address:

            {link}

            Your request will not be processed unless you confirm the address using this URL. This link expires 24 hours after your original verification request.

            If you did NOT request to verify this email address, do not click on the link.
            """;
        var html = $"""
            <p>Dear SesConsole customer,</p>
            <p>We have received a request to authorize <b>{System.Net.WebUtility.HtmlEncode(identity.Name)}</b> for use with SesConsole in region <b>{identity.Region}</b>.
            If you requested this verification, confirm that you are authorized to use this address:</p>
            <p><a href="{System.Net.WebUtility.HtmlEncode(link)}">Verify {System.Net.WebUtility.HtmlEncode(identity.Name)}</a></p>
            <p>This link expires 24 hours after your original verification request. If you did NOT request to verify this address, do not click the link.</p>
            """;
        await Task.CompletedTask;
        return composer.Compose(new ProductMail(identity.AccountId, identity.Name, subject, text, html));
    }

    /// <summary>
    /// Root only, a configured region, and room under the quota. The quota is checked again, with the insert, inside
    /// <see cref="IdentityCreationGate"/> (<see cref="LimitErrorAsync"/>); this early check spares generating DKIM keys.
    /// </summary>
    private async Task<Result> CheckCanCreateAsync(Caller caller, string region, CancellationToken ct)
    {
        if (!caller.IsAccountRoot)
        {
            return RootOnly;
        }

        if (!options.Value.EffectiveRegions.Contains(region))
        {
            return Result.Failure("identity.unknown_region", $"Unknown region '{region}'.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await LimitErrorAsync(db, caller, region, ct) is { } limit ? Result.Failure(limit) : Result.Success();
    }

    /// <summary>The quota (<see cref="IdentitiesOptions.MaxIdentitiesPerRegion"/>); SES answers <c>LimitExceededException</c>.</summary>
    private async Task<Error?> LimitErrorAsync(ConsoleDbContext db, Caller caller, string region, CancellationToken ct)
    {
        var max = identityOptions.Value.MaxIdentitiesPerRegion;
        var count = await db.SendingIdentities.CountAsync(i => i.AccountId == caller.AccountId && i.Region == region, ct);
        return count >= max
            ? new Error("identity.limit",
                $"Limit exceeded: your account already has {count.ToString("N0", CultureInfo.InvariantCulture)} identities in {region}, "
                + $"the most allowed ({max.ToString("N0", CultureInfo.InvariantCulture)} per region). Delete identities you no longer use.")
            : null;
    }

    private static async Task<Error?> DuplicateAsync(ConsoleDbContext db, Caller caller, string region, string name, CancellationToken ct) =>
        await db.SendingIdentities.AnyAsync(i => i.AccountId == caller.AccountId && i.Region == region && i.Name == name, ct)
            ? new Error("identity.exists", $"{name} is already an identity of your account in {region}.", "Name")
            : null;

    /// <summary>The caller's own identity for a change: only the account root changes identities; another account's is not found.</summary>
    private static async Task<Result<SendingIdentityEntity>> FindToChangeAsync(ConsoleDbContext db, Caller caller, string region, string name, CancellationToken ct)
    {
        if (!caller.IsAccountRoot)
        {
            return RootOnly;
        }

        return await FindAsync(db, caller, region, name, tracking: true, ct) is { } identity ? identity : NotFound(name, region);
    }

    private static Task<SendingIdentityEntity?> FindAsync(ConsoleDbContext db, Caller caller, string region, string name, bool tracking, CancellationToken ct)
    {
        var query = db.SendingIdentities.Include(i => i.DkimKeys).Include(i => i.Policies)
            .Where(i => i.AccountId == caller.AccountId && caller.AccountId != null && i.Region == region && i.Name == name);
        return (tracking ? query : query.AsNoTracking()).SingleOrDefaultAsync(ct);
    }

    /// <summary>The row as of now: status and "can send" from the one domain rule (<see cref="VerificationState.CanSendAt"/>).</summary>
    private IdentityRow Row(SendingIdentityEntity i, int policies)
    {
        var now = time.GetUtcNow();
        var state = Verification(i, now);
        return new(i.Name, i.Arn, i.Type, i.Region, state.Status, i.DkimStatus, i.DkimSigningEnabled, policies, i.CreatedAt, state.CanSendAt(now));
    }

    /// <summary>The identity's verification state as the clock sees it at <paramref name="now"/> (<see cref="VerificationState.AsOf"/>).</summary>
    private static VerificationState Verification(SendingIdentityEntity i, DateTimeOffset now) =>
        new VerificationState(i.VerificationStatus, i.VerificationStatusSince).AsOf(now);

    private static Error NotFound(string name, string region) =>
        new("identity.not_found", $"{name} is not an identity of your account in {region}.");

    /// <summary>Adds the audit entry of a change to <paramref name="identity"/> to the context that saves it (docs/audit-log.md#same-transaction).</summary>
    private void Audited(ConsoleDbContext db, Caller caller, SendingIdentityEntity identity, string kind, string summary, object? before, object? after) =>
        audit.Record(db, caller, new Audit.AuditChange(identity.AccountId, identity.Region, kind, identity.Name, summary,
            before is null ? null : Audit.AuditTrail.Json(before), after is null ? null : Audit.AuditTrail.Json(after)));

    /// <summary>An identity as the audit log shows it: its settings, never its keys.</summary>
    private static object AuditState(SendingIdentityEntity i) => new
    {
        i.Name, Type = i.Type.ToString(), i.Region, DkimOrigin = i.DkimOrigin?.ToString(), i.DkimSigningEnabled, i.MailFromDomain, MailFromBehavior = i.MailFromBehavior.ToString(),
    };
}
