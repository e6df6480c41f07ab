using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Reputation;
using SesConsole.Web.Features.Audit;
using SesConsole.Web.Features.Principals;

namespace SesConsole.Web.Reputation;

/// <summary>One change of an account's enforcement state, as the history shows it.</summary>
public sealed record EnforcementChange(
    DateTimeOffset At, EnforcementStatus From, EnforcementStatus To, string Cause, string? Reason, string? ChangedBy,
    long Volume, long Bounces, long Complaints, double BounceRate, double ComplaintRate);

/// <summary>
/// Account-level enforcement (docs/reputation.md#enforcement): the automatic evaluation of an account's figures against
/// SES's thresholds, an admin's pause and resume with a reason, and the history of every change. Each change updates the
/// account's <see cref="AccountEntity.EnforcementStatus"/> and adds its history row in one transaction; the save drops
/// the send path's cached account settings (<see cref="Sending.SendingCacheInvalidation"/>), so the next message sees it.
/// </summary>
public sealed class EnforcementService(IDbContextFactory<ConsoleDbContext> dbFactory, IOptions<ReputationOptions> options, TimeProvider time, ILogger<EnforcementService> logger,
    IHttpContextAccessor? http = null)
{
    public const string AutomaticCause = "Automatic";
    public const string AdminCause = "Admin";
    public const int MaxReasonLength = 1000;

    private static readonly Error Forbidden = new("auth.forbidden", "Only a platform admin can do this.");

    /// <summary>
    /// Evaluates <paramref name="accountId"/>'s real traffic over its window with <see cref="ReputationRules.Evaluate"/> and
    /// records the transition, if any; returns it (<see langword="null"/> when the state stays, or the account is unknown).
    /// </summary>
    public async Task<EnforcementChange?> EvaluateAsync(string accountId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await EvaluateOnceAsync(accountId, ct);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                // An admin (or another evaluator) changed the account meanwhile: decide again on what it is now.
            }
        }
    }

    private async Task<EnforcementChange?> EvaluateOnceAsync(string accountId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var account = await db.Accounts.SingleOrDefaultAsync(a => a.Id == accountId, ct);
        if (account is null)
        {
            return null;
        }

        var figures = await ReputationWindow.FiguresAsync(db, accountId, now, options.Value, ct);
        var transition = ReputationRules.Evaluate((ReputationState)account.EnforcementStatus, figures, ReputationThresholds.Ses);
        if (transition is null)
        {
            return null;
        }

        var change = Record(db, account, (EnforcementStatus)transition.To, AutomaticCause, transition.Reason, changedBy: null, figures, now);
        var system = new AuditActor();
        system.UseSystem();
        Audited(db, system, null, accountId, AuditKinds.AccountEnforcement, change, $"Enforcement changed account {accountId} from {change.From} to {change.To}: {change.Reason}", now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogWarning("Account {AccountId} went from {From} to {To}: {Reason}", accountId, change.From, change.To, change.Reason);
        return change;
    }

    /// <summary>An admin pauses <paramref name="accountId"/>'s sending, whatever its figures (a reason is required).</summary>
    public Task<Result> PauseAsync(Caller caller, string accountId, string reason, CancellationToken ct = default) =>
        ChangeByAdminAsync(caller, accountId, reason, EnforcementStatus.Paused, ct);

    /// <summary>
    /// An admin resumes a paused account (or closes a review): it is healthy again and its reputation window restarts
    /// now (<see cref="AccountEntity.ReputationSince"/>), so the figures that paused it do not pause it again at once.
    /// </summary>
    public Task<Result> ResumeAsync(Caller caller, string accountId, string reason, CancellationToken ct = default) =>
        ChangeByAdminAsync(caller, accountId, reason, EnforcementStatus.Healthy, ct);

    /// <summary>The enforcement history of <paramref name="accountId"/>, newest first: admins see any account's, members their own.</summary>
    public async Task<Result<IReadOnlyList<EnforcementChange>>> HistoryAsync(Caller caller, string accountId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsAdmin && caller.AccountId != accountId)
        {
            return new Error("auth.forbidden", "You can see only your own account's enforcement history.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.EnforcementChanges.AsNoTracking().Where(c => c.AccountId == accountId)
            .OrderByDescending(c => c.At).ThenByDescending(c => c.Id).ToListAsync(ct);
        return Result<IReadOnlyList<EnforcementChange>>.Success([.. rows.Select(ToChange)]);
    }

    private async Task<Result> ChangeByAdminAsync(Caller caller, string accountId, string reason, EnforcementStatus to, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsAdmin)
        {
            return Forbidden;
        }

        var why = reason?.Trim() ?? "";
        if (why.Length == 0 || why.Length > MaxReasonLength)
        {
            return Result.Failure("enforcement.reason", $"Give a reason of 1 to {MaxReasonLength} characters; it is kept in the account's history.", "Reason");
        }

        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var account = await db.Accounts.SingleOrDefaultAsync(a => a.Id == accountId, ct);
        if (account is null)
        {
            return Result.Failure("account.not_found", $"Account {accountId} does not exist.");
        }

        if (account.EnforcementStatus == to)
        {
            return to == EnforcementStatus.Paused
                ? Result.Failure("enforcement.already_paused", $"Sending is already paused for account {accountId}.")
                : Result.Failure("enforcement.not_paused", $"Account {accountId} is healthy: there is nothing to resume.");
        }

        var figures = await ReputationWindow.FiguresAsync(db, accountId, now, options.Value, ct);
        if (to == EnforcementStatus.Healthy)
        {
            account.ReputationSince = now;
        }

        var change = Record(db, account, to, AdminCause, why, caller.UserName, figures, now);
        Audited(db, new AuditActor(http), caller, accountId, to == EnforcementStatus.Paused ? AuditKinds.AdminAccountPaused : AuditKinds.AdminAccountResumed, change,
            $"{(to == EnforcementStatus.Paused ? "Paused sending of" : "Resumed sending of")} account {accountId}: {why}", now);
        try
        {
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Result.Failure("enforcement.conflict", $"Account {accountId} changed meanwhile; look at it again and retry.");
        }

        logger.LogWarning("{Admin} changed account {AccountId} from {From} to {To}: {Reason}", caller.UserName, accountId, change.From, change.To, why);
        return Result.Success();
    }

    private static EnforcementChange Record(ConsoleDbContext db, AccountEntity account, EnforcementStatus to, string cause, string reason, string? changedBy, ReputationFigures figures, DateTimeOffset now)
    {
        var row = new EnforcementChangeEntity
        {
            AccountId = account.Id, At = now, From = account.EnforcementStatus, To = to, Cause = cause,
            Reason = reason.Length > MaxReasonLength ? reason[..MaxReasonLength] : reason, ChangedBy = changedBy,
            Volume = figures.Sent, Bounces = figures.HardBounces, Complaints = figures.Complaints,
            BounceRate = figures.BounceRate, ComplaintRate = figures.ComplaintRate,
        };
        db.EnforcementChanges.Add(row);
        account.EnforcementStatus = to;
        account.Version = Guid.NewGuid();
        return ToChange(row);
    }

    /// <summary>The audit entry of an enforcement change, in its transaction (docs/audit-log.md#same-transaction).</summary>
    private static void Audited(ConsoleDbContext db, AuditActor actor, Caller? caller, string accountId, string kind, EnforcementChange change, string summary, DateTimeOffset now) =>
        AuditTrail.Write(db, actor, caller, new AuditChange(accountId, null, kind, accountId, summary,
            AuditTrail.Json(new { Enforcement = change.From.ToString() }), AuditTrail.Json(new { Enforcement = change.To.ToString(), change.Reason })), now);

    private static EnforcementChange ToChange(EnforcementChangeEntity c) =>
        new(c.At, c.From, c.To, c.Cause, c.Reason, c.ChangedBy, c.Volume, c.Bounces, c.Complaints, c.BounceRate, c.ComplaintRate);
}
