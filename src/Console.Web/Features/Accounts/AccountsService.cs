using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Principals;
using SesConsole.Domain.Reputation;
using SesConsole.Domain.Sending;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Hosting;
using SesConsole.Web.Reputation;
using SesConsole.Web.Sending;

namespace SesConsole.Web.Features.Accounts;

/// <summary>A row of the admin's account list.</summary>
public sealed record AccountRow(
    string Id, string DisplayName, string? OrganizationId, IReadOnlyList<string> Regions, bool Sandbox, bool SendingEnabled,
    string? RootEmail, int IamUsers, int IamRoles, DateTimeOffset CreatedAt)
{
    /// <summary>Recipients charged in the last 24 hours.</summary>
    public int SentLast24Hours { get; init; }

    public int Max24HourSend { get; init; }

    public double MaxSendRate { get; init; }

    /// <summary>Reputation over the window, charged to this (sending) account, and its enforcement state.</summary>
    public AccountReputation Reputation { get; init; } = AccountReputation.Empty;
}

/// <summary>
/// The sending account's reputation (docs/reputation.md#rates): its figures over the window, read from the reputation
/// buckets (real traffic only), and its enforcement state, which the evaluator and admins set (docs/reputation.md#enforcement).
/// </summary>
public sealed record AccountReputation(ReputationFigures Figures, EnforcementStatus Enforcement)
{
    public static readonly AccountReputation Empty = new(ReputationFigures.Empty(1), EnforcementStatus.Healthy);

    public double BounceRate => Figures.BounceRate;

    public double ComplaintRate => Figures.ComplaintRate;

    /// <summary>The state in words: "Healthy", "Under review" or "Sending paused".</summary>
    public string Status => Enforcement switch
    {
        EnforcementStatus.Paused => "Sending paused",
        EnforcementStatus.UnderReview => "Under review",
        _ => "Healthy",
    };
}

/// <summary>What an admin fills in to create an account.</summary>
public sealed class NewAccount
{
    public string? AccountId { get; set; }

    public string DisplayName { get; set; } = "";

    public string? OrganizationId { get; set; }

    public List<string> Regions { get; set; } = [];

    public bool Sandbox { get; set; } = true;

    public bool SendingEnabled { get; set; } = true;

    public string RootEmail { get; set; } = "";

    /// <summary>Optional; when empty a password is generated and shown once.</summary>
    public string? RootPassword { get; set; }
}

/// <summary>The created account and, when one was generated, the root's initial password (shown once).</summary>
public sealed record CreatedAccount(string AccountId, string RootEmail, string? GeneratedPassword);

/// <summary>Accounts: the admin's list and the owner's own overview. Every method checks the caller.</summary>
public sealed class AccountsService(
    IDbContextFactory<ConsoleDbContext> dbFactory,
    UserManager<ConsoleUser> userManager,
    IOptions<ConsoleOptions> options,
    ClusterChanges changes,
    IOptions<ReputationOptions> reputationOptions,
    TimeProvider time,
    Audit.AuditTrail audit,
    ConsoleDbContext identityDb)
{
    public const int SandboxMax24HourSend = 200;
    public const double SandboxMaxSendRate = 1;
    public const int ProductionMax24HourSend = 50_000;
    public const double ProductionMaxSendRate = 14;

    private static readonly Error Forbidden = new("auth.forbidden", "Only a platform admin can do this.");

    public IReadOnlyList<string> Regions => options.Value.EffectiveRegions;

    public async Task<Result<IReadOnlyList<AccountRow>>> ListAsync(Caller caller, CancellationToken ct = default)
    {
        if (!caller.IsAdmin)
        {
            return Forbidden;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var accounts = await db.Accounts.AsNoTracking().OrderBy(a => a.DisplayName).ToListAsync(ct);
        var roots = await db.Users.AsNoTracking().Where(u => u.AccountId != null && u.IamPrincipalId == null)
            .Select(u => new { u.AccountId, u.Email }).ToListAsync(ct);
        var counts = await db.IamPrincipals.AsNoTracking().GroupBy(p => new { p.AccountId, p.Type })
            .Select(g => new { g.Key.AccountId, g.Key.Type, Count = g.Count() }).ToListAsync(ct);
        var now = time.GetUtcNow();
        var usage = await UsageByAccountAsync(db, now, ct);
        var reputation = await ReputationWindow.FiguresByAccountAsync(db, now, reputationOptions.Value, ct: ct);
        IReadOnlyList<AccountRow> rows = accounts.Select(a => new AccountRow(
            a.Id, a.DisplayName, a.OrganizationId, a.RegionList, a.Sandbox, a.SendingEnabled,
            roots.FirstOrDefault(r => r.AccountId == a.Id)?.Email,
            counts.Where(c => c.AccountId == a.Id && c.Type == IamPrincipalType.User).Sum(c => c.Count),
            counts.Where(c => c.AccountId == a.Id && c.Type == IamPrincipalType.Role).Sum(c => c.Count),
            a.CreatedAt)
        {
            SentLast24Hours = usage.GetValueOrDefault(a.Id),
            Max24HourSend = a.Max24HourSend,
            MaxSendRate = a.MaxSendRate,
            Reputation = new AccountReputation(reputation.GetValueOrDefault(a.Id) ?? ReputationFigures.Empty(reputationOptions.Value.MinimumVolume), a.EnforcementStatus),
        }).ToList();
        return Result<IReadOnlyList<AccountRow>>.Success(rows);
    }

    /// <summary>The caller's own account (any signed-in member of it).</summary>
    public async Task<Result<AccountRow>> GetOwnAsync(Caller caller, CancellationToken ct = default)
    {
        if (caller.AccountId is null)
        {
            return new Error("account.none", "This sign-in does not belong to an account.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var a = await db.Accounts.AsNoTracking().SingleOrDefaultAsync(x => x.Id == caller.AccountId, ct);
        if (a is null)
        {
            return new Error("account.not_found", "Your account no longer exists.");
        }

        var root = await db.Users.AsNoTracking().Where(u => u.AccountId == a.Id && u.IamPrincipalId == null).Select(u => u.Email).FirstOrDefaultAsync(ct);
        var users = await db.IamPrincipals.CountAsync(p => p.AccountId == a.Id && p.Type == IamPrincipalType.User, ct);
        var roles = await db.IamPrincipals.CountAsync(p => p.AccountId == a.Id && p.Type == IamPrincipalType.Role, ct);
        var now = time.GetUtcNow();
        var usage = await UsageByAccountAsync(db, now, ct, a.Id);
        var reputation = await ReputationWindow.FiguresByAccountAsync(db, now, reputationOptions.Value, a.Id, ct);
        return new AccountRow(a.Id, a.DisplayName, a.OrganizationId, a.RegionList, a.Sandbox, a.SendingEnabled, root, users, roles, a.CreatedAt)
        {
            SentLast24Hours = usage.GetValueOrDefault(a.Id),
            Max24HourSend = a.Max24HourSend,
            MaxSendRate = a.MaxSendRate,
            Reputation = new AccountReputation(reputation.GetValueOrDefault(a.Id) ?? ReputationFigures.Empty(reputationOptions.Value.MinimumVolume), a.EnforcementStatus),
        };
    }

    /// <summary>
    /// SES <c>GetSendStatistics</c> for the caller's (sending) account: accepted recipients, bounced and complaining
    /// recipients, and Reject events of the last two weeks, in 15-minute intervals.
    /// </summary>
    public async Task<Result<IReadOnlyList<SendDataPoint>>> GetSendStatisticsAsync(Caller caller, CancellationToken ct = default)
    {
        if (caller.AccountId is null)
        {
            return new Error("account.none", "This sign-in does not belong to an account.");
        }

        var now = time.GetUtcNow();
        var since = SendStatistics.WindowStart(now);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var snapshot = await SendActivityCounts.BeginSnapshotAsync(db, ct);
        var attempts = await db.SendAttempts.AsNoTracking()
            .Where(a => a.AccountId == caller.AccountId && a.Accepted && a.At > since)
            .Select(a => new { a.At, a.RecipientCount })
            .ToListAsync(ct);

        // An event names its recipient when it has exactly one; otherwise the count is in its notification JSON.
        var events = await db.SendEvents.AsNoTracking()
            .Where(e => e.AccountId == caller.AccountId && e.At > since && (e.Type == "Bounce" || e.Type == "Complaint" || e.Type == "Reject"))
            .Select(e => new { e.At, e.Type, Json = e.Recipient == null ? e.Json : null })
            .ToListAsync(ct);

        // What the retention purge rolled up (docs/storage-and-retention.md#aggregates), at its interval's start.
        var rolledUp = await db.SendActivityBuckets.AsNoTracking()
            .Where(b => b.AccountId == caller.AccountId && b.Start > since)
            .Select(b => new { b.Start, b.Recipients, b.Bounces, b.Complaints, b.Rejects })
            .ToListAsync(ct);
        static int Count(long n) => (int)Math.Min(n, int.MaxValue);
        var samples = attempts.Select(a => new SendStatisticSample(a.At, SendStatisticKind.DeliveryAttempt, a.RecipientCount))
            .Concat(events.Select(e => e.Type switch
            {
                "Bounce" => new SendStatisticSample(e.At, SendStatisticKind.Bounce, SendActivityCounts.RecipientsIn(e.Json, "bounce", "bouncedRecipients")),
                "Complaint" => new SendStatisticSample(e.At, SendStatisticKind.Complaint, SendActivityCounts.RecipientsIn(e.Json, "complaint", "complainedRecipients")),
                _ => new SendStatisticSample(e.At, SendStatisticKind.Reject, 1),
            }))
            .Concat(rolledUp.SelectMany(b => new[]
            {
                new SendStatisticSample(b.Start, SendStatisticKind.DeliveryAttempt, Count(b.Recipients)),
                new SendStatisticSample(b.Start, SendStatisticKind.Bounce, Count(b.Bounces)),
                new SendStatisticSample(b.Start, SendStatisticKind.Complaint, Count(b.Complaints)),
                new SendStatisticSample(b.Start, SendStatisticKind.Reject, Count(b.Rejects)),
            }));
        return Result<IReadOnlyList<SendDataPoint>>.Success(SendStatistics.Bucket(samples, now));
    }

    public async Task<Result<CreatedAccount>> CreateAsync(Caller caller, NewAccount input, CancellationToken ct = default)
    {
        if (!caller.IsAdmin)
        {
            return Forbidden;
        }

        var validated = Validate(input);
        if (!validated.IsSuccess)
        {
            return validated.Error;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var id = string.IsNullOrWhiteSpace(input.AccountId) ? await NewUniqueIdAsync(db, ct) : input.AccountId.Trim();
        if (await db.Accounts.AnyAsync(a => a.Id == id, ct))
        {
            return new Error("account.exists", $"Account {id} already exists.", "AccountId");
        }

        var email = input.RootEmail.Trim();
        if (await userManager.FindByEmailAsync(email) is not null || await userManager.FindByNameAsync(email) is not null)
        {
            return new Error("account.email_taken", $"A console user with the email {email} already exists.", "RootEmail");
        }

        var password = string.IsNullOrEmpty(input.RootPassword) ? GeneratePassword() : input.RootPassword;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Accounts.Add(new AccountEntity
        {
            Id = id,
            DisplayName = input.DisplayName.Trim(),
            OrganizationId = string.IsNullOrWhiteSpace(input.OrganizationId) ? null : input.OrganizationId.Trim(),
            HomeRegions = string.Join(',', input.Regions),
            Sandbox = input.Sandbox,
            SendingEnabled = input.SendingEnabled,
            Max24HourSend = input.Sandbox ? SandboxMax24HourSend : ProductionMax24HourSend,
            MaxSendRate = input.Sandbox ? SandboxMaxSendRate : ProductionMaxSendRate,
            CreatedAt = time.GetUtcNow(),
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);

        var user = new ConsoleUser { UserName = email, Email = email, EmailConfirmed = true, AccountId = id };
        // The entry rides on the root user's save (the Identity store's context), the step that completes the account.
        var entry = audit.Record(identityDb, caller, new Audit.AuditChange(id, null, AuditKinds.AdminAccountCreated, id,
            $"Created account {id} ({input.DisplayName.Trim()}) with root user {email}.", null,
            Audit.AuditTrail.Json(new { DisplayName = input.DisplayName.Trim(), Regions = input.Regions, input.Sandbox, input.SendingEnabled, RootEmail = email })));
        var created = await userManager.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            identityDb.Entry(entry).State = EntityState.Detached;
            // The account row is removed again so a failed create leaves nothing behind.
            await db.Accounts.Where(a => a.Id == id).ExecuteDeleteAsync(ct);
            await changes.InvalidateAsync(SendingData.Accounts); // docs/cluster-coordination.md#cache-invalidation
            return new Error("account.root_user", string.Join(" ", created.Errors.Select(e => e.Description)), "RootPassword");
        }

        return new CreatedAccount(id, email, string.IsNullOrEmpty(input.RootPassword) ? password : null);
    }

    public async Task<Result> SetFlagsAsync(Caller caller, string accountId, bool sandbox, bool sendingEnabled, CancellationToken ct = default)
    {
        if (!caller.IsAdmin)
        {
            return Forbidden;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var account = await db.Accounts.SingleOrDefaultAsync(a => a.Id == accountId, ct);
        if (account is null)
        {
            return Result.Failure("account.not_found", $"Account {accountId} does not exist.");
        }

        if (account.Sandbox && !sandbox && account.Max24HourSend <= SandboxMax24HourSend)
        {
            // Production access, as SES grants it by default: 50,000 recipients a day, 14 messages a second.
            (account.Max24HourSend, account.MaxSendRate) = (ProductionMax24HourSend, ProductionMaxSendRate);
        }

        var before = Audit.AuditTrail.Json(new { account.Sandbox, account.SendingEnabled, account.Max24HourSend, account.MaxSendRate });
        account.Sandbox = sandbox;
        account.SendingEnabled = sendingEnabled;
        account.Version = Guid.NewGuid();
        audit.Record(db, caller, new Audit.AuditChange(accountId, null, AuditKinds.AdminAccountUpdated, accountId,
            $"Set account {accountId} to {(sandbox ? "sandbox" : "production")}, sending {(sendingEnabled ? "enabled" : "disabled")}.",
            before, Audit.AuditTrail.Json(new { account.Sandbox, account.SendingEnabled, account.Max24HourSend, account.MaxSendRate })));
        await db.SaveChangesAsync(ct);
        return Result.Success();
    }

    /// <summary>
    /// The account's own sending switch (v1 <c>UpdateAccountSendingEnabled</c>, v2 <c>PutAccountSendingAttributes</c>), for
    /// its root user. It never lifts an enforcement pause: only an admin resumes a paused account (docs/reputation.md#enforcement).
    /// </summary>
    public async Task<Result> SetOwnSendingEnabledAsync(Caller caller, bool enabled, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsAccountRoot)
        {
            return Result.Failure("auth.root_only", "Only the account's root user can switch the account's sending on or off.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var account = await db.Accounts.SingleOrDefaultAsync(a => a.Id == caller.AccountId, ct);
        if (account is null)
        {
            return Result.Failure("account.not_found", "Your account no longer exists.");
        }

        var before = Audit.AuditTrail.Json(new { account.SendingEnabled });
        account.SendingEnabled = enabled;
        account.Version = Guid.NewGuid();
        audit.Record(db, caller, new Audit.AuditChange(account.Id, null, AuditKinds.AccountSettings, account.Id,
            $"{(enabled ? "Enabled" : "Disabled")} sending for account {account.Id}.", before, Audit.AuditTrail.Json(new { account.SendingEnabled })));
        await db.SaveChangesAsync(ct); // drops the send path's cached settings: the next message sees it
        return Result.Success();
    }

    private static async Task<Dictionary<string, int>> UsageByAccountAsync(ConsoleDbContext db, DateTimeOffset now, CancellationToken ct, string? only = null)
    {
        var since = now - TimeSpan.FromDays(1);
        var query = db.UsageLedger.AsNoTracking().Where(u => u.At > since);
        if (only is not null)
        {
            query = query.Where(u => u.AccountId == only);
        }

        return await query.GroupBy(u => u.AccountId).Select(g => new { g.Key, Sum = g.Sum(u => u.Recipients) }).ToDictionaryAsync(x => x.Key, x => x.Sum, ct);
    }

    private Result Validate(NewAccount input)
    {
        if (!string.IsNullOrWhiteSpace(input.AccountId) && !AccountId.Parse(input.AccountId).IsSuccess)
        {
            return Result.Failure(AccountId.Parse(input.AccountId).Error! with { Location = "AccountId" });
        }

        if (string.IsNullOrWhiteSpace(input.DisplayName) || input.DisplayName.Trim().Length > 128)
        {
            return Result.Failure("account.invalid_name", "Give the account a display name of 1 to 128 characters.", "DisplayName");
        }

        if (!string.IsNullOrWhiteSpace(input.OrganizationId) && OrganizationId.Parse(input.OrganizationId).Error is { } orgError)
        {
            return Result.Failure(orgError with { Location = "OrganizationId" });
        }

        if (input.Regions.Count == 0)
        {
            return Result.Failure("account.no_region", "Choose at least one home region.", "Regions");
        }

        var unknown = input.Regions.Where(r => !Regions.Contains(r)).ToList();
        if (unknown.Count > 0)
        {
            return Result.Failure("account.unknown_region",
                $"Unknown region {string.Join(", ", unknown)}; this installation serves {string.Join(", ", Regions)}.", "Regions");
        }

        var email = input.RootEmail?.Trim() ?? "";
        if (email.Length is 0 or > 256 || !System.Net.Mail.MailAddress.TryCreate(email, out var parsed) || parsed.Address != email)
        {
            return Result.Failure("account.invalid_email", "Enter the root user's email address, for example owner@example.com.", "RootEmail");
        }

        return Result.Success();
    }

    private static async Task<string> NewUniqueIdAsync(ConsoleDbContext db, CancellationToken ct)
    {
        while (true)
        {
            var id = AccountId.NewRandom().Value;
            if (!await db.Accounts.AnyAsync(a => a.Id == id, ct))
            {
                return id;
            }
        }
    }

    /// <summary>A 20-character password with upper, lower, digit and symbol (satisfies Identity's default rules).</summary>
    internal static string GeneratePassword()
    {
        const string upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
        const string lower = "abcdefghijkmnopqrstuvwxyz";
        const string digits = "23456789";
        const string symbols = "!#%+-=?@";
        var all = upper + lower + digits + symbols;
        var chars = new char[20];
        chars[0] = upper[RandomNumberGenerator.GetInt32(upper.Length)];
        chars[1] = lower[RandomNumberGenerator.GetInt32(lower.Length)];
        chars[2] = digits[RandomNumberGenerator.GetInt32(digits.Length)];
        chars[3] = symbols[RandomNumberGenerator.GetInt32(symbols.Length)];
        for (var i = 4; i < chars.Length; i++)
        {
            chars[i] = all[RandomNumberGenerator.GetInt32(all.Length)];
        }

        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }
}
