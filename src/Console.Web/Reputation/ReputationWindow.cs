using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Domain.Reputation;

namespace SesConsole.Web.Reputation;

/// <summary>
/// The figures enforcement acts on (docs/reputation.md#rates): real (non-test) buckets of the last
/// <see cref="ReputationOptions.Window"/>, and only from the account's <c>ReputationSince</c> when that is later (an admin
/// resumed it). Buckets are hourly, so the restarted window begins with the first whole hour after the resume.
/// </summary>
public static class ReputationWindow
{
    /// <summary>The figures of every account with real traffic in its window (or only <paramref name="only"/>), read from the buckets.</summary>
    public static async Task<Dictionary<string, ReputationFigures>> FiguresByAccountAsync(
        ConsoleDbContext db, DateTimeOffset now, ReputationOptions options, string? only = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(options);
        var start = now - options.Window;
        var buckets = db.ReputationBuckets.AsNoTracking().Where(b => !b.Test && b.Hour >= start);
        if (only is not null)
        {
            buckets = buckets.Where(b => b.AccountId == only);
        }

        var rows = await (
                from b in buckets
                join a in db.Accounts.AsNoTracking() on b.AccountId equals a.Id
                where a.ReputationSince == null || b.Hour >= a.ReputationSince
                group b by b.AccountId into g
                select new
                {
                    AccountId = g.Key, Sent = g.Sum(x => x.Sent), Delivered = g.Sum(x => x.Delivered), HardBounces = g.Sum(x => x.HardBounces),
                    SoftBounces = g.Sum(x => x.SoftBounces), Complaints = g.Sum(x => x.Complaints), ComplaintEligible = g.Sum(x => x.ComplaintEligible),
                    Suppressed = g.Sum(x => x.Suppressed),
                })
            .ToListAsync(ct);
        return rows.ToDictionary(r => r.AccountId, r => new ReputationFigures(r.Sent, r.Delivered, r.HardBounces, r.SoftBounces, r.Complaints,
            r.ComplaintEligible, r.Suppressed, options.MinimumVolume), StringComparer.Ordinal);
    }

    /// <summary>One account's figures (empty when it sent nothing real in its window).</summary>
    public static async Task<ReputationFigures> FiguresAsync(ConsoleDbContext db, string accountId, DateTimeOffset now, ReputationOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var all = await FiguresByAccountAsync(db, now, options, accountId, ct);
        return all.GetValueOrDefault(accountId) ?? ReputationFigures.Empty(options.MinimumVolume);
    }
}
