using System.Collections.Concurrent;
using Microsoft.AspNetCore.DataProtection;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Primitives;
using SesConsole.Web.Features.Principals;

namespace SesConsole.Web.Features.Identities;

/// <summary>What each record's last lookup found, per identity, for the "Found" column (kept in memory only).</summary>
public sealed class DnsCheckLog
{
    private readonly ConcurrentDictionary<Guid, IReadOnlyList<RecordCheckResult>> _last = new();

    public void Record(Guid identityId, IReadOnlyList<RecordCheckResult> results) => _last[identityId] = results;

    public IReadOnlyList<RecordCheckResult>? Last(Guid identityId) => _last.TryGetValue(identityId, out var r) ? r : null;
}

public sealed partial class IdentitiesService
{
    /// <summary>Easy DKIM publishes three selectors, as SES does.</summary>
    public const int EasyDkimSelectors = 3;

    /// <summary>The <see cref="DnsRecordView.Purpose"/> of the DKIM records (the API returns them: <c>docs/identities.md</c>).</summary>
    public const string DkimRecordPurpose = "DKIM";

    /// <summary>
    /// Creates a domain identity: a verification token for TXT <c>_amazonses.DOMAIN</c> and Easy DKIM keys (three RSA key
    /// pairs, private keys encrypted at rest), or the owner's own key (BYODKIM). Status Pending until DNS shows the records.
    /// </summary>
    public async Task<Result<IdentityRow>> CreateDomainAsync(Caller caller, string region, string domain, NewDomainIdentity input, CancellationToken ct = default)
    {
        var check = await CheckCanCreateAsync(caller, region, ct);
        if (!check.IsSuccess)
        {
            return check.Error;
        }

        var parsed = ParseName(domain);
        if (!parsed.IsSuccess)
        {
            return parsed.Error with { Location = "Name" };
        }

        if (parsed.Value.Type != SendingIdentityType.Domain)
        {
            return new Error("identity.not_a_domain", $"'{domain}' is an email address; choose \"Email address\" to verify it.", "Name");
        }

        var keys = CreateKeys(input);
        if (!keys.IsSuccess)
        {
            return keys.Error;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var gate = await creationGate.EnterAsync(db, caller.AccountId!, region, ct);
        var refused = await LimitErrorAsync(db, caller, region, ct) ?? await DuplicateAsync(db, caller, region, parsed.Value.Value, ct);
        if (refused is not null)
        {
            return refused;
        }

        var now = time.GetUtcNow();
        var identity = new SendingIdentityEntity
        {
            Id = Guid.NewGuid(), AccountId = caller.AccountId!, Region = region, Type = SendingIdentityType.Domain, Name = parsed.Value.Value,
            VerificationStatus = VerificationStatus.Pending, VerificationStatusSince = now, CreatedAt = now,
            VerificationToken = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            DkimOrigin = keys.Value.Origin, DkimStatus = VerificationStatus.Pending, DkimStatusSince = now, DkimSigningEnabled = true,
            DkimKeyLength = keys.Value.Keys[0].Pair.KeyLength,
        };
        foreach (var (selector, pair) in keys.Value.Keys)
        {
            identity.DkimKeys.Add(new DkimKeyEntity
            {
                Id = Guid.NewGuid(), IdentityId = identity.Id, Selector = selector, PublicKey = pair.PublicKey, KeyLength = pair.KeyLength,
                ProtectedPrivateKey = _dkimProtector.Protect(pair.PrivateKeyPem), CreatedAt = now,
            });
        }

        db.SendingIdentities.Add(identity);
        Audited(db, caller, identity, AuditKinds.IdentityCreated, $"Created domain identity {identity.Name} in {region} ({identity.DkimOrigin} DKIM).", null, AuditState(identity));
        await db.SaveChangesAsync(ct);
        await gate.CommitAsync(ct);
        return Row(identity, 0);
    }

    /// <summary>Looks up the domain's records now and updates its statuses (the "Check DNS now" button).</summary>
    public async Task<Result> CheckNowAsync(Caller caller, string region, string name, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var identity = await FindAsync(db, caller, region, name, tracking: true, ct);
        if (identity is null)
        {
            return NotFound(name, region);
        }

        if (identity.Type != SendingIdentityType.Domain)
        {
            return Result.Failure("identity.not_a_domain", "Email addresses are verified by their link, not DNS.");
        }

        await CheckAsync(identity, ct);
        await db.SaveChangesAsync(ct);
        return Result.Success();
    }

    /// <summary>The background re-check: every domain identity that is being searched for or watched.</summary>
    public async Task<int> RecheckDomainsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var domains = await db.SendingIdentities.Include(i => i.DkimKeys)
            .Where(i => i.Type == SendingIdentityType.Domain)
            .ToListAsync(ct);
        var checkedCount = 0;
        foreach (var identity in domains.Where(NeedsCheck))
        {
            await CheckAsync(identity, ct);
            checkedCount++;
        }

        await db.SaveChangesAsync(ct);
        return checkedCount;
    }

    /// <summary>
    /// Restarts verification of a domain whose verification or DKIM status is Failed (SES: calling VerifyDomainIdentity
    /// or re-putting the DKIM attributes again): each Failed status goes back to Pending from now, so the 72 h search
    /// starts over. The token and DKIM keys stay, so records already published keep counting.
    /// </summary>
    public async Task<Result> RestartVerificationAsync(Caller caller, string region, string name, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var found = await FindToChangeAsync(db, caller, region, name, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var identity = found.Value!;

        if (identity.Type != SendingIdentityType.Domain)
        {
            return Result.Failure("identity.not_a_domain", "Email addresses restart verification with \"Resend verification email\".");
        }

        var now = time.GetUtcNow();
        var verification = Verification(identity, now);
        if (verification.Status != VerificationStatus.Failed && identity.DkimStatus != VerificationStatus.Failed)
        {
            return Result.Failure("identity.not_failed",
                $"Verification of {identity.Name} has not failed ({verification.Status}); there is nothing to restart.");
        }

        if (verification.Status == VerificationStatus.Failed)
        {
            (identity.VerificationStatus, identity.VerificationStatusSince) = (VerificationStatus.Pending, now);
        }

        if (identity.DkimStatus == VerificationStatus.Failed)
        {
            (identity.DkimStatus, identity.DkimStatusSince) = (VerificationStatus.Pending, now);
        }

        identity.Version = Guid.NewGuid();
        Audited(db, caller, identity, AuditKinds.IdentityVerification, $"Restarted DNS verification of {identity.Name}.", null, null);
        await db.SaveChangesAsync(ct);
        return Result.Success();
    }

    /// <summary>
    /// For the platform admin: in CNAME mode (the default, with a DKIM zone), the TXT records the platform must publish
    /// in its DKIM zone for every Easy DKIM domain of every account and region (whatever its status: an owner's CNAME may
    /// be published at any time). Empty, with a null zone, when owners publish TXT records (TXT mode, or no zone).
    /// Sorted by account, region, domain.
    /// </summary>
    public async Task<Result<PlatformDkimZone>> ListPlatformDkimRecordsAsync(Caller caller, CancellationToken ct = default)
    {
        if (!caller.IsAdmin)
        {
            return new Error("auth.admin_only", "Only platform admins can see the records of the platform DKIM zone.");
        }

        if (recordOptions.CnameZone is not { } zone)
        {
            return new PlatformDkimZone(null, []);
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var domains = await db.SendingIdentities.AsNoTracking().Include(i => i.DkimKeys)
            .Where(i => i.Type == SendingIdentityType.Domain && i.DkimOrigin == DkimOrigin.EasyDkim)
            .ToListAsync(ct);
        var records = domains
            .OrderBy(i => i.AccountId, StringComparer.Ordinal).ThenBy(i => i.Region, StringComparer.Ordinal).ThenBy(i => i.Name, StringComparer.Ordinal)
            .SelectMany(i => DnsRecordSet.For(Snapshot(i), recordOptions).PlatformRecords
                .Select(r => new PlatformDkimRecord(i.AccountId, i.Region, i.Name, i.DkimStatus, r.TypeName, r.Name, r.Value)))
            .ToList();
        return new PlatformDkimZone(zone, records);
    }

    /// <summary>
    /// The owner's DKIM signing switch. As in SES it may be turned on at any time after verification started; mail is
    /// signed only once the DKIM records are verified (<c>SendPorts</c> checks both).
    /// </summary>
    public async Task<Result> SetDkimSigningAsync(Caller caller, string region, string name, bool enabled, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var found = await FindToChangeAsync(db, caller, region, name, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var identity = found.Value!;

        if (identity.Type != SendingIdentityType.Domain || identity.DkimOrigin is null)
        {
            return Result.Failure("identity.no_dkim", "DKIM is set up on domain identities; verify the domain to sign this address's mail.");
        }

        var before = new { identity.DkimSigningEnabled };
        identity.DkimSigningEnabled = enabled;
        identity.Version = Guid.NewGuid();
        Audited(db, caller, identity, AuditKinds.IdentityDkim, $"{(enabled ? "Enabled" : "Disabled")} DKIM signing for {identity.Name}.", before, new { identity.DkimSigningEnabled });
        await db.SaveChangesAsync(ct);
        return Result.Success();
    }

    /// <summary>
    /// Sets (or, with an empty domain, removes) the custom MAIL FROM domain of a domain identity. A new domain, or the
    /// same domain saved again while its status is Failed, is Pending from now (the 72 h search restarts).
    /// </summary>
    public async Task<Result> SetMailFromAsync(Caller caller, string region, string name, string? mailFromDomain, MailFromBehavior behavior, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var found = await FindToChangeAsync(db, caller, region, name, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var identity = found.Value!;

        if (identity.Type != SendingIdentityType.Domain)
        {
            return Result.Failure("identity.not_a_domain", "A custom MAIL FROM domain is set on a domain identity.");
        }

        var before = MailFromState(identity);

        if (string.IsNullOrWhiteSpace(mailFromDomain))
        {
            (identity.MailFromDomain, identity.MailFromStatus, identity.MailFromStatusSince) = (null, VerificationStatus.NotStarted, null);
        }
        else
        {
            var parsed = SendingIdentityName.ParseDomain(mailFromDomain);
            if (!parsed.IsSuccess)
            {
                return Result.Failure(parsed.Error with { Location = "MailFromDomain" });
            }

            var value = parsed.Value.Value;
            if (!value.EndsWith("." + identity.Name, StringComparison.Ordinal))
            {
                return Result.Failure("identity.mail_from_not_subdomain",
                    $"The MAIL FROM domain must be a subdomain of {identity.Name}, for example mail.{identity.Name}.", "MailFromDomain");
            }

            // A new domain, or the same one saved again after it failed, starts a new 72 h search (SES: "Failed needs a restart").
            if (value != identity.MailFromDomain || identity.MailFromStatus == VerificationStatus.Failed)
            {
                (identity.MailFromDomain, identity.MailFromStatus, identity.MailFromStatusSince) = (value, VerificationStatus.Pending, time.GetUtcNow());
            }
        }

        identity.MailFromBehavior = behavior;
        identity.Version = Guid.NewGuid();
        Audited(db, caller, identity, AuditKinds.IdentityMailFrom, identity.MailFromDomain is { } mailFrom
            ? $"Set the MAIL FROM domain of {identity.Name} to {mailFrom} ({behavior})." : $"Removed the custom MAIL FROM domain of {identity.Name}.",
            before, MailFromState(identity));
        await db.SaveChangesAsync(ct);
        return Result.Success();
    }

    private static object MailFromState(SendingIdentityEntity i) => new { i.MailFromDomain, MailFromBehavior = i.MailFromBehavior.ToString() };

    private async Task CheckAsync(SendingIdentityEntity identity, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var result = await checker.CheckAsync(Snapshot(identity, now), now, ct);
        if (result.Verification.Status == VerificationStatus.Success && identity.VerificationStatus != VerificationStatus.Success)
        {
            identity.VerifiedAt = now;
        }

        (identity.VerificationStatus, identity.VerificationStatusSince) = (result.Verification.Status, result.Verification.Since);
        (identity.DkimStatus, identity.DkimStatusSince) = (result.Dkim.Status, result.Dkim.Since);
        if (identity.MailFromDomain is not null)
        {
            (identity.MailFromStatus, identity.MailFromStatusSince) = (result.MailFrom.Status, result.MailFrom.Since);
        }

        identity.LastCheckedAt = now;
        identity.Version = Guid.NewGuid();
        checkLog.Record(identity.Id, result.Records);
    }

    private static bool NeedsCheck(SendingIdentityEntity i) =>
        i.VerificationStatus is VerificationStatus.Pending or VerificationStatus.Success or VerificationStatus.TemporaryFailure
        || i.DkimStatus is VerificationStatus.Pending or VerificationStatus.Success or VerificationStatus.TemporaryFailure
        || i.MailFromStatus is VerificationStatus.Pending or VerificationStatus.Success or VerificationStatus.TemporaryFailure;

    /// <param name="now">When given (a check), the verification state is taken as of then: a TemporaryFailure past its
    /// 72 h window is Failed, as reported, and the check writes it so (a restart is needed, as in SES).</param>
    private static DomainIdentitySnapshot Snapshot(SendingIdentityEntity i, DateTimeOffset? now = null) => new()
    {
        Domain = i.Name,
        Region = i.Region,
        VerificationToken = i.VerificationToken,
        Verification = now is { } at ? Verification(i, at) : new VerificationState(i.VerificationStatus, i.VerificationStatusSince),
        DkimOrigin = i.DkimOrigin is { } origin ? (DkimKeyOrigin)(int)origin : null,
        DkimKeys = i.DkimKeys.OrderBy(k => k.Selector, StringComparer.Ordinal).Select(k => new DkimSelectorKey(k.Selector, k.PublicKey)).ToList(),
        Dkim = new VerificationState(i.DkimStatus, i.DkimStatusSince ?? i.CreatedAt),
        MailFromDomain = i.MailFromDomain,
        MailFrom = new VerificationState(i.MailFromStatus, i.MailFromStatusSince ?? i.CreatedAt),
    };

    private IdentityDetails Details(SendingIdentityEntity i)
    {
        IReadOnlyList<DnsRecordView> records = [];
        if (i.Type == SendingIdentityType.Domain)
        {
            var last = checkLog.Last(i.Id);
            records = DnsRecordSet.For(Snapshot(i), recordOptions).Records.Select(r =>
            {
                var found = last?.FirstOrDefault(x => x.Record.Name == r.Name && x.Record.Type == r.Type && x.Record.Value == r.Value);
                return new DnsRecordView(Purpose(r.Purpose), r.TypeName, r.Name, r.Value, found is null ? null : found.Check == DnsCheck.Found, found?.Detail);
            }).ToList();
        }

        return new IdentityDetails(Row(i, i.Policies.Count), Verification(i, time.GetUtcNow()).Since, i.VerifiedAt, i.LastCheckedAt, i.DkimOrigin, i.DkimKeyLength,
            i.DkimKeys.Select(k => k.Selector).OrderBy(s => s, StringComparer.Ordinal).ToList(), i.MailFromDomain, i.MailFromStatus, i.MailFromBehavior, records)
        { DefaultConfigurationSetName = i.DefaultConfigurationSetName };
    }

    private static string Purpose(DnsRecordPurpose purpose) => purpose switch
    {
        DnsRecordPurpose.Verification => "Domain verification",
        DnsRecordPurpose.Dkim => DkimRecordPurpose,
        DnsRecordPurpose.MailFromMx => "MAIL FROM (MX)",
        DnsRecordPurpose.MailFromSpf => "MAIL FROM (SPF)",
        _ => purpose.ToString(),
    };

    private static Result<SendingIdentityName> ParseName(string text) => SendingIdentityName.Parse(text);

    private static Result<(DkimOrigin Origin, List<(string Selector, DkimKeyPair Pair)> Keys)> CreateKeys(NewDomainIdentity input)
    {
        if (!string.IsNullOrWhiteSpace(input.Selector) || !string.IsNullOrWhiteSpace(input.PrivateKey))
        {
            var selector = DkimSelector.Parse(input.Selector);
            if (!selector.IsSuccess)
            {
                return selector.Error with { Location = "Selector" };
            }

            var pair = Byodkim.Parse(input.PrivateKey);
            if (!pair.IsSuccess)
            {
                return pair.Error with { Location = "PrivateKey" };
            }

            return (DkimOrigin.External, [(selector.Value.Value, pair.Value)]);
        }

        if (input.DkimKeyLength is not (1024 or 2048))
        {
            return new Error("dkim.invalid_key_length", "Easy DKIM keys are RSA 2048 bit (recommended) or 1024 bit.", "DkimKeyLength");
        }

        var keys = new List<(string, DkimKeyPair)>();
        for (var n = 0; n < EasyDkimSelectors; n++)
        {
            var pair = DkimKeyGenerator.Generate(input.DkimKeyLength);
            if (!pair.IsSuccess)
            {
                return pair.Error;
            }

            keys.Add((DkimSelector.NewRandom().Value, pair.Value));
        }

        return (DkimOrigin.EasyDkim, keys);
    }
}
