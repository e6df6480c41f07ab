using System.Globalization;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Authorization;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Policies;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Principals;
using SesConsole.Domain.Sending;
using DomainQuotaVerdict = SesConsole.Domain.Sending.QuotaVerdict;

namespace SesConsole.Web.Sending.Stores;

/// <summary>
/// The owners' identities in a region, with their compiled sending authorization policies (database-backed port, held
/// in <see cref="SendingReadCache"/>: validating and compiling every policy per send was most of its cost).
/// </summary>
public sealed class DbSendingIdentityDirectory(IDbContextFactory<ConsoleDbContext> dbFactory, SendingReadCache cache) : ISendingIdentityDirectory
{
    public ValueTask<IReadOnlyList<SendingIdentity>> GetIdentitiesAsync(string account, string region, CancellationToken cancellationToken) =>
        cache.GetAsync(SendingData.Identities, (account, region), LoadAsync, cancellationToken);

    private async Task<IReadOnlyList<SendingIdentity>> LoadAsync((string Account, string Region) key, CancellationToken cancellationToken)
    {
        var (account, region) = key;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.SendingIdentities.AsNoTracking().AsSplitQuery().Include(i => i.Policies).Include(i => i.DkimKeys)
            .Where(i => i.AccountId == account && i.Region == region).ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            return [];
        }

        var result = new List<SendingIdentity>(rows.Count);
        foreach (var row in rows)
        {
            var name = SendingIdentityName.Parse(row.Name);
            var arn = IdentityArn.Parse(row.Arn);
            if (!name.IsSuccess || !arn.IsSuccess)
            {
                continue;
            }

            var compiled = new List<CompiledPolicy>();
            foreach (var policy in row.Policies)
            {
                var validated = PolicyValidator.ValidateResourcePolicy(policy.Document, arn.Value, SavedPrincipals.Instance);
                if (PolicyCompiler.Compile(policy.Name, validated).TryGetValue(out var c))
                {
                    compiled.Add(c);
                }
            }

            var dkimKey = row.DkimKeys.OrderBy(k => k.Selector, StringComparer.Ordinal).FirstOrDefault();
            result.Add(new SendingIdentity(arn.Value, name.Value, row.VerificationStatus, new CompiledPolicySet(compiled),
                row.DkimSigningEnabled && row.DkimStatus == VerificationStatus.Success,
                dkimKey is null ? null : new DkimKeyReference(row.Name, dkimKey.Selector),
                row.MailFromDomain is null ? null : new MailFromSetting(row.MailFromDomain, row.MailFromStatus,
                    row.MailFromBehavior == MailFromBehavior.RejectMessage ? MailFromFailureBehavior.RejectMessage : MailFromFailureBehavior.UseDefaultValue))
            {
                StatusSince = row.VerificationStatusSince,
            });
        }

        return result;
    }
}

/// <summary>
/// Principals were checked when the policy was saved; at send time a principal deleted since then simply matches no
/// caller. Re-checking here would drop the whole policy (Deny statements included) and load the registry on every send.
/// </summary>
internal sealed class SavedPrincipals : IPrincipalDirectory
{
    public static readonly SavedPrincipals Instance = new();

    public bool AccountExists(AccountId account) => true;

    public bool PrincipalExists(PrincipalArn arn) => true;

    public bool IsKnownService(string service) => true;
}

/// <summary>The calling IAM user's or role's identity-based policies, compiled (the delegate side), held in <see cref="SendingReadCache"/>.</summary>
public sealed class DbCallerPolicyStore(IDbContextFactory<ConsoleDbContext> dbFactory, SendingReadCache cache) : ICallerPolicyStore
{
    public ValueTask<CompiledPolicySet> GetIdentityPoliciesAsync(RequestPrincipal principal, CancellationToken cancellationToken)
    {
        var arn = PrincipalArn.Parse(principal.Arn);
        if (!arn.IsSuccess || arn.Value.Kind is not (PrincipalKind.User or PrincipalKind.Role or PrincipalKind.AssumedRole))
        {
            return ValueTask.FromResult(CompiledPolicySet.Empty);
        }

        // Keyed by the user or role, not the session: every session of a role shares its policies.
        var type = arn.Value.Kind == PrincipalKind.User ? IamPrincipalType.User : IamPrincipalType.Role;
        return cache.GetAsync(SendingData.Iam, (arn.Value.Account.Value, type, arn.Value.Name), LoadAsync, cancellationToken);
    }

    private async Task<CompiledPolicySet> LoadAsync((string Account, IamPrincipalType Type, string Name) key, CancellationToken cancellationToken)
    {
        var (account, type, name) = key;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var documents = await db.IamPolicies.AsNoTracking()
            .Where(p => db.IamPrincipals.Any(x => x.Id == p.PrincipalId && x.AccountId == account && x.Type == type && x.Name == name))
            .Select(p => new { p.Name, p.Document }).ToListAsync(cancellationToken);
        var compiled = new List<CompiledPolicy>();
        foreach (var document in documents)
        {
            if (PolicyCompiler.Compile(document.Name, PolicyValidator.ValidateIdentityPolicy(document.Document)).TryGetValue(out var c))
            {
                compiled.Add(c);
            }
        }

        return new CompiledPolicySet(compiled);
    }
}

/// <summary>An account's sending settings as the send path reads them (a copy: cached, so never an EF entity).</summary>
/// <param name="SendingEnabled">The account's own switch (v1 <c>UpdateAccountSendingEnabled</c>, the admin's flag).</param>
/// <param name="Enforcement">The reputation enforcement state (docs/reputation.md#enforcement).</param>
public sealed record AccountSettings(string Id, string? OrganizationId, bool Sandbox, bool SendingEnabled, int Max24HourSend, double MaxSendRate,
    EnforcementStatus Enforcement = EnforcementStatus.Healthy)
{
    /// <summary>Whether the account may send now: its switch is on and enforcement has not paused it.</summary>
    public bool MaySend => SendingEnabled && Enforcement != EnforcementStatus.Paused;

    /// <summary>The settings of <paramref name="accountId"/>, from <paramref name="cache"/>; <see langword="null"/> for no such account.</summary>
    public static ValueTask<AccountSettings?> GetAsync(SendingReadCache cache, IDbContextFactory<ConsoleDbContext> dbFactory, string accountId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return cache.GetAsync(SendingData.Accounts, accountId, async (id, c) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(c);
            return await db.Accounts.AsNoTracking().Where(a => a.Id == id)
                .Select(a => new AccountSettings(a.Id, a.OrganizationId, a.Sandbox, a.SendingEnabled, a.Max24HourSend, a.MaxSendRate, a.EnforcementStatus))
                .FirstOrDefaultAsync(c);
        }, ct);
    }
}

public sealed class DbSendingAccountDirectory(IDbContextFactory<ConsoleDbContext> dbFactory, SendingReadCache cache) : ISendingAccountDirectory
{
    public async ValueTask<SendingAccount?> GetAsync(string account, string region, CancellationToken cancellationToken)
    {
        var row = await AccountSettings.GetAsync(cache, dbFactory, account, cancellationToken);
        return row is null ? null : new SendingAccount(row.Id, row.Sandbox, row.MaySend ? AccountSendingStatus.Enabled : AccountSendingStatus.Paused);
    }
}

/// <summary>The quota port over <see cref="QuotaLedger"/>: per account and region; in memory on one node, through the database in cluster mode.</summary>
public sealed class LedgerSendingQuota(QuotaLedger ledger) : ISendingQuota
{
    public async ValueTask<QuotaResult> TryReserveAsync(string account, string region, QuotaCharge charge, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var result = await ledger.TryReserveAsync(account, region, charge, now, cancellationToken);
        var verdict = result.Verdict switch
        {
            QuotaVerdict.Reserved => DomainQuotaVerdict.Reserved,
            QuotaVerdict.RateExceeded => DomainQuotaVerdict.MaxSendRateExceeded,
            _ => DomainQuotaVerdict.DailyQuotaExceeded,
        };
        return new QuotaResult(verdict, result.Max24HourSend, result.SentLast24Hours, result.MaxSendRate, result.ReservationId);
    }

    public async ValueTask<QuotaResult> PeekAsync(string account, string region, QuotaCharge charge, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var usage = await ledger.UsageAsync(account, region, now, cancellationToken);
        var verdict = usage.SentLast24Hours + charge.DailyRecipients > usage.Max24HourSend ? DomainQuotaVerdict.DailyQuotaExceeded : DomainQuotaVerdict.Reserved;
        return new QuotaResult(verdict, usage.Max24HourSend, usage.SentLast24Hours, usage.MaxSendRate);
    }

    public ValueTask ReleaseAsync(string reservationId, CancellationToken cancellationToken)
    {
        ledger.Release(reservationId);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// The sending account's suppression list. An account's list is held in memory (<see cref="SendingReadCache"/>) up to
/// <see cref="SendingReadCacheOptions.MaxSuppressionEntries"/> addresses; a longer list is queried per send.
/// </summary>
public sealed class DbSuppressionList(IDbContextFactory<ConsoleDbContext> dbFactory, SendingReadCache cache) : ISuppressionList
{
    public async ValueTask<IReadOnlyDictionary<string, SuppressionReason>> FindAsync(string account, string region, IReadOnlyList<string> addresses, CancellationToken cancellationToken)
    {
        var list = await cache.GetAsync(SendingData.Suppression, account, LoadAsync, cancellationToken)
                   ?? await QueryAsync(account, addresses, cancellationToken);
        var result = new Dictionary<string, SuppressionReason>(StringComparer.OrdinalIgnoreCase);
        foreach (var address in addresses)
        {
            if (list.TryGetValue(address, out var reason))
            {
                result[address] = reason;
            }
        }

        return result;
    }

    /// <summary>The whole list, or <see langword="null"/> when it is too long to hold.</summary>
    private async Task<Dictionary<string, SuppressionReason>?> LoadAsync(string account, CancellationToken cancellationToken)
    {
        var limit = cache.Options.MaxSuppressionEntries;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.SuppressedDestinations.AsNoTracking().Where(s => s.AccountId == account)
            .Select(s => new { s.Address, s.Reason }).Take(limit + 1).ToListAsync(cancellationToken);
        return rows.Count > limit ? null : rows.ToDictionary(r => r.Address, r => ReasonOf(r.Reason), StringComparer.OrdinalIgnoreCase);
    }

    private async Task<Dictionary<string, SuppressionReason>> QueryAsync(string account, IReadOnlyList<string> addresses, CancellationToken cancellationToken)
    {
        var lower = addresses.Select(a => a.ToLowerInvariant()).Distinct().ToList();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.SuppressedDestinations.AsNoTracking().Where(s => s.AccountId == account && lower.Contains(s.Address))
            .Select(s => new { s.Address, s.Reason }).ToListAsync(cancellationToken);
        return rows.ToDictionary(r => r.Address, r => ReasonOf(r.Reason), StringComparer.OrdinalIgnoreCase);
    }

    private static SuppressionReason ReasonOf(string reason) => reason == "COMPLAINT" ? SuppressionReason.Complaint : SuppressionReason.Bounce;
}

/// <summary>MimeKit behind the domain's MIME port.</summary>
public sealed class MimeKitParser : SesConsole.Domain.Sending.IMimeParser
{
    public Result<ParsedRawMessage> Parse(ReadOnlyMemory<byte> mime)
    {
        MimeMessage message;
        try
        {
            using var stream = new MemoryStream(mime.ToArray(), writable: false);
            message = MimeMessage.Load(stream);
        }
        catch (FormatException ex)
        {
            return Result<ParsedRawMessage>.Failure("MessageRejected", $"The message is not valid MIME: {ex.Message}");
        }

        var from = message.From.Mailboxes.FirstOrDefault();
        var returnPath = message.Headers[HeaderId.ReturnPath] is { Length: > 0 } rp ? rp.Trim().Trim('<', '>') : null;
        return new ParsedRawMessage(
            from?.Address, string.IsNullOrEmpty(from?.Name) ? null : from.Name, returnPath,
            [.. message.To.Mailboxes.Select(m => m.Address)], [.. message.Cc.Mailboxes.Select(m => m.Address)], [.. message.Bcc.Mailboxes.Select(m => m.Address)],
            [.. message.Headers.Select(h => new RawHeader(h.Field, h.Value.Trim()))], mime.Length);
    }
}
