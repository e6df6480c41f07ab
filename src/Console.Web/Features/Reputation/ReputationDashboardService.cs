using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Reputation;
using SesConsole.Domain.Sending;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Reputation;

namespace SesConsole.Web.Features.Reputation;

/// <summary>
/// The read side of reputation (docs/reputation.md#dashboards): the admin's account list, one account's page and the
/// per-delegate figures of an identity. Every figure comes from the hourly buckets (docs/reputation.md#rollups), grouped
/// in the database; only the drill-down and the recipient domains read events, the latest few of one account. Every
/// method checks the caller: admins see every account, an account only itself, an owner its identities' senders.
/// </summary>
public sealed class ReputationDashboardService(IDbContextFactory<ConsoleDbContext> dbFactory, IOptions<ReputationOptions> options, TimeProvider time)
{
    /// <summary>Days shown on an account's charts.</summary>
    public const int ChartDays = 30;

    /// <summary>Hours shown on the hourly chart.</summary>
    public const int ChartHours = 48;

    /// <summary>How many of the latest bounces (and as many complaints) the drill-down and the domain table read.</summary>
    public const int FeedbackSample = 1000;

    /// <summary>How many of the latest kept inbound reports an account's page lists.</summary>
    public const int InboundReportSample = 50;

    /// <summary>How much of one kept report is shown.</summary>
    public const int InboundReportTextLimit = 64 * 1024;

    /// <summary>Rows of each "top" table.</summary>
    public const int TopCount = 10;

    private static readonly Error NotAdmin = new("auth.forbidden", "Only a platform admin can see every account's reputation.");

    private ReputationOptions Settings => options.Value;

    /// <summary>Every account with its state, volume and rates over the window and a daily trend (admins only).</summary>
    public async Task<Result<IReadOnlyList<AccountReputationRow>>> ListAccountsAsync(Caller caller, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsAdmin)
        {
            return NotAdmin;
        }

        var now = time.GetUtcNow();
        var from = now - Settings.Window;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var accounts = await db.Accounts.AsNoTracking().Select(a => new { a.Id, a.EnforcementStatus }).ToListAsync(ct);
        // Aggregated in SQL over the account-level buckets (docs/reputation.md#rollups): the window's real figures as
        // enforcement counts them, the test traffic sent, and one sum per account and day for the trend.
        var real = await ReputationWindow.FiguresByAccountAsync(db, now, Settings, ct: ct);
        var test = await db.AccountReputationBuckets.AsNoTracking().Where(b => b.Test && b.Hour >= from)
            .GroupBy(b => b.AccountId).Select(g => new { AccountId = g.Key, Sent = g.Sum(b => b.Sent) })
            .ToDictionaryAsync(t => t.AccountId, t => t.Sent, ct);
        var days = Days(from, now);
        var firstDay = days[0];
        var daily = (await db.AccountReputationBuckets.AsNoTracking().Where(b => !b.Test && b.Day >= firstDay)
            .GroupBy(b => new { b.AccountId, b.Day })
            .Select(g => new HourSum(g.Key.AccountId, false, g.Key.Day, g.Sum(b => b.Sent), g.Sum(b => b.Delivered), g.Sum(b => b.HardBounces),
                g.Sum(b => b.SoftBounces), g.Sum(b => b.Complaints), g.Sum(b => b.ComplaintEligible), g.Sum(b => b.Suppressed)))
            .ToListAsync(ct)).ToLookup(d => d.Key);
        IReadOnlyList<AccountReputationRow> rows = [.. accounts.Select(a =>
        {
            var byDay = daily[a.Id].ToDictionary(d => d.Hour);
            var points = days.Select(d =>
            {
                var period = byDay.TryGetValue(d, out var sum) ? Sum([sum]) : ReputationFigures.Empty(Settings.MinimumVolume);
                return new ReputationPoint(d, period, period);
            }).ToList();
            return new AccountReputationRow(a.Id, a.EnforcementStatus, real.GetValueOrDefault(a.Id) ?? ReputationFigures.Empty(Settings.MinimumVolume),
                test.GetValueOrDefault(a.Id), points);
        })];
        return Result<IReadOnlyList<AccountReputationRow>>.Success(rows);
    }

    /// <summary>One account's reputation: the caller's own account, or any account for an admin.</summary>
    public async Task<Result<AccountReputationReport>> GetAccountAsync(Caller caller, string accountId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(accountId);
        var notFound = new Error("reputation.not_found", caller.IsAdmin ? $"There is no account {accountId}." : $"Account {accountId} is not your account.");
        if (!caller.IsAdmin && caller.AccountId != accountId)
        {
            return notFound;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var account = await db.Accounts.AsNoTracking().Where(a => a.Id == accountId)
            .Select(a => new { a.Id, a.DisplayName, a.EnforcementStatus, a.SendingEnabled, a.ReputationSince }).SingleOrDefaultAsync(ct);
        if (account is null)
        {
            return notFound;
        }

        var now = time.GetUtcNow();
        var window = Settings.Window;
        var windowFrom = now - window;
        var since = Since(windowFrom, account.ReputationSince);
        var firstDay = Day(now).AddDays(-(ChartDays - 1));
        var dataFrom = ReputationDelta.HourOf(firstDay - window);

        // Per kind of traffic and hour over the chart period and the window before its first day (the key's range of the primary key).
        var hours = await db.AccountReputationBuckets.AsNoTracking().Where(b => b.AccountId == accountId && b.Hour >= dataFrom)
            .Select(b => new HourSum(b.AccountId, b.Test, b.Hour, b.Sent, b.Delivered, b.HardBounces, b.SoftBounces, b.Complaints, b.ComplaintEligible, b.Suppressed))
            .ToListAsync(ct);
        var identities = await db.ReputationBuckets.AsNoTracking().Where(b => b.AccountId == accountId && b.Hour >= since)
            .GroupBy(b => new { b.Test, b.SourceArn })
            .Select(g => new ShareSum(g.Key.Test, g.Key.SourceArn, g.Sum(b => b.Sent), g.Sum(b => b.Delivered), g.Sum(b => b.HardBounces), g.Sum(b => b.SoftBounces),
                g.Sum(b => b.Complaints), g.Sum(b => b.ComplaintEligible), g.Sum(b => b.Suppressed)))
            .ToListAsync(ct);
        // Other accounts sending as this account's identities: their figures are theirs, shown to the owner (docs/reputation.md#dashboards).
        var delegates = await db.ReputationBuckets.AsNoTracking().Where(b => b.OwnerAccountId == accountId && b.Hour >= windowFrom && !b.Test && b.AccountId != accountId)
            .GroupBy(b => b.AccountId)
            .Select(g => new ShareSum(false, g.Key, g.Sum(b => b.Sent), g.Sum(b => b.Delivered), g.Sum(b => b.HardBounces), g.Sum(b => b.SoftBounces),
                g.Sum(b => b.Complaints), g.Sum(b => b.ComplaintEligible), g.Sum(b => b.Suppressed)))
            .ToListAsync(ct);
        var history = await db.EnforcementChanges.AsNoTracking().Where(c => c.AccountId == accountId).OrderByDescending(c => c.At).ThenByDescending(c => c.Id).Take(100)
            .Select(c => new EnforcementChangeRow(c.At, c.From, c.To, c.Cause, c.Reason, c.ChangedBy, c.Volume, c.Bounces, c.Complaints, c.BounceRate, c.ComplaintRate))
            .ToListAsync(ct);
        var feedback = new List<FeedbackRow>();
        foreach (var type in new[] { "Bounce", "Complaint" })
        {
            // Bounded: the latest few of one account and type, on the (AccountId, Type, At) index.
            // Over the whole window, also before a resume restarted the counting: what caused a pause stays readable.
            var events = await db.SendEvents.AsNoTracking().Where(e => e.AccountId == accountId && e.Type == type && e.At >= windowFrom)
                .OrderByDescending(e => e.At).Take(FeedbackSample)
                .Select(e => new { e.At, e.MessageId, e.Recipient, e.Json, e.CountsTowardReputation, e.SourceArn })
                .ToListAsync(ct);
            feedback.AddRange(events.SelectMany(e => FeedbackDetails.Read(e.At, e.MessageId, type, e.Recipient, e.Json, e.CountsTowardReputation, e.SourceArn)));
        }

        feedback.Sort((a, b) => b.At.CompareTo(a.At));
        var topDelegates = delegates.Select(d => new ReputationShare(d.Key, d.Figures(Settings.MinimumVolume))).OrderByDescending(s => s.Figures.Sent)
            .ThenBy(s => s.Key, StringComparer.Ordinal).Take(TopCount).ToList();
        var names = await NamesAsync(db, topDelegates.Select(d => d.Key), ct);
        TrafficReputation Traffic(bool test)
        {
            var own = hours.Where(h => h.Test == test).ToList();
            var rows = feedback.Where(f => MailboxSimulator.IsSimulator(f.Recipient) == test).ToList();
            return new TrafficReputation(
                Sum(own.Where(h => h.Hour >= since)),
                DailyPoints(own, firstDay, now, window, account.ReputationSince),
                HourlyPoints(own, now),
                [.. identities.Where(i => i.Test == test).Select(i => new ReputationShare(i.Key, i.Figures(Settings.MinimumVolume))).OrderByDescending(s => s.Figures.Sent).ThenBy(s => s.Key, StringComparer.Ordinal).Take(TopCount)],
                [.. rows.GroupBy(r => DomainOf(r.Recipient), StringComparer.OrdinalIgnoreCase)
                    .Select(g => new RecipientDomainCount(g.Key, g.Count(r => r.Kind == "Bounce"), g.Count(r => r.Kind == "Complaint")))
                    .OrderByDescending(d => d.Bounces + d.Complaints).ThenBy(d => d.Domain, StringComparer.Ordinal).Take(TopCount)],
                [.. rows.Take(100)]);
        }

        return new AccountReputationReport(account.Id, account.DisplayName, account.EnforcementStatus, account.SendingEnabled, window, since, now, ReputationThresholds.Ses,
            Traffic(test: false), Traffic(test: true), history,
            topDelegates, FeedbackSample)
        {
            AccountNames = names,
        };
    }

    /// <summary>
    /// The latest reports the inbound listener kept for <paramref name="accountId"/>'s messages over the window, newest
    /// first, without their MIME: the account's own, or any account's for an admin.
    /// </summary>
    public async Task<Result<IReadOnlyList<InboundReportRow>>> ListInboundReportsAsync(Caller caller, string accountId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(accountId);
        if (!caller.IsAdmin && caller.AccountId != accountId)
        {
            return new Error("reputation.not_found", $"Account {accountId} is not your account.");
        }

        var from = time.GetUtcNow() - Settings.Window;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.InboundFeedback.AsNoTracking().Where(f => f.AccountId == accountId && f.ReceivedAt >= from)
            .OrderByDescending(f => f.ReceivedAt).ThenByDescending(f => f.Id).Take(InboundReportSample)
            .Select(f => new InboundReportRow(f.Id, f.ReceivedAt, f.Kind, f.Recorded, f.MessageId, f.SourceArn, f.EnvelopeFrom, f.RemoteIp, f.Summary, f.Mime.Length))
            .ToListAsync(ct);
        return rows;
    }

    /// <summary>
    /// One kept report as text (UTF-8, undecodable bytes replaced, the first <see cref="InboundReportTextLimit"/> bytes) for
    /// its message's sending account or an admin; any other caller is told it does not exist.
    /// </summary>
    public async Task<Result<string>> GetInboundReportTextAsync(Caller caller, Guid id, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var report = await db.InboundFeedback.AsNoTracking().Where(f => f.Id == id).Select(f => new { f.AccountId, f.Mime }).SingleOrDefaultAsync(ct);
        if (report is null || (!caller.IsAdmin && caller.AccountId != report.AccountId))
        {
            return new Error("reputation.not_found", "There is no such report of your account.");
        }

        var text = System.Text.Encoding.UTF8.GetString(report.Mime, 0, Math.Min(report.Mime.Length, InboundReportTextLimit));
        return report.Mime.Length > InboundReportTextLimit ? text + $"\n… ({report.Mime.Length - InboundReportTextLimit:N0} more bytes not shown)" : text;
    }

    /// <summary>
    /// Per sending account (the owner and each delegate), what was sent as one identity over the window: for the identity's
    /// owner (and admins) only, so an owner never sees what another owner's delegates did.
    /// </summary>
    public async Task<Result<IdentityDelegatesReputation>> GetIdentityAsync(Caller caller, string identityArn, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(identityArn);
        var parts = identityArn.Split(':');
        var owner = parts.Length >= 6 ? parts[4] : "";
        if (owner.Length == 0 || (!caller.IsAdmin && caller.AccountId != owner))
        {
            return new Error("reputation.not_found", $"{identityArn} is not an identity of your account.");
        }

        var now = time.GetUtcNow();
        var from = now - Settings.Window;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var sums = await db.ReputationBuckets.AsNoTracking().Where(b => b.OwnerAccountId == owner && b.SourceArn == identityArn && b.Hour >= from)
            .GroupBy(b => new { b.Test, b.AccountId })
            .Select(g => new ShareSum(g.Key.Test, g.Key.AccountId, g.Sum(b => b.Sent), g.Sum(b => b.Delivered), g.Sum(b => b.HardBounces), g.Sum(b => b.SoftBounces),
                g.Sum(b => b.Complaints), g.Sum(b => b.ComplaintEligible), g.Sum(b => b.Suppressed)))
            .ToListAsync(ct);
        var names = await NamesAsync(db, sums.Select(s => s.Key), ct);
        return new IdentityDelegatesReputation(identityArn, owner, Settings.Window, ReputationThresholds.Ses,
            [.. sums.Where(s => !s.Test).Select(s => new ReputationShare(s.Key, s.Figures(Settings.MinimumVolume)))
                .OrderByDescending(s => s.Key == owner).ThenByDescending(s => s.Figures.HardBounces + s.Figures.Complaints).ThenByDescending(s => s.Figures.Sent).ThenBy(s => s.Key, StringComparer.Ordinal)],
            sums.Where(s => s.Test).Sum(s => s.Sent))
        {
            AccountNames = names,
        };
    }

    /// <summary>Display names of the given accounts (the delegates an owner sees are named as in its policies' principals).</summary>
    private static async Task<Dictionary<string, string>> NamesAsync(ConsoleDbContext db, IEnumerable<string> accountIds, CancellationToken ct)
    {
        var ids = accountIds.Distinct(StringComparer.Ordinal).ToList();
        return ids.Count == 0
            ? []
            : await db.Accounts.AsNoTracking().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.DisplayName, ct);
    }

    private List<ReputationPoint> DailyPoints(IReadOnlyList<HourSum> hours, DateTimeOffset firstDay, DateTimeOffset now, TimeSpan window, DateTimeOffset? reputationSince)
    {
        var points = new List<ReputationPoint>(ChartDays);
        for (var day = firstDay; day <= now; day = day.AddDays(1))
        {
            var end = day.AddDays(1);
            var start = end - window;
            if (reputationSince is { } resumed && resumed > start && resumed < end)
            {
                // The window an admin's resume started (docs/reputation.md#dashboards).
                start = resumed;
            }

            var d = day;
            points.Add(new ReputationPoint(day, Sum(hours.Where(h => h.Hour >= d && h.Hour < end)), Sum(hours.Where(h => h.Hour >= start && h.Hour < end))));
        }

        return points;
    }

    private IReadOnlyList<ReputationPoint> HourlyPoints(IReadOnlyList<HourSum> hours, DateTimeOffset now)
    {
        var byHour = hours.ToDictionary(h => h.Hour);
        var last = ReputationDelta.HourOf(now);
        return [.. Enumerable.Range(0, ChartHours).Select(i => last.AddHours(i - ChartHours + 1)).Select(h =>
        {
            var figures = byHour.TryGetValue(h, out var sum) ? Sum([sum]) : ReputationFigures.Empty(Settings.MinimumVolume);
            return new ReputationPoint(h, figures, figures);
        })];
    }

    private ReputationFigures Sum(IEnumerable<HourSum> hours)
    {
        long sent = 0, delivered = 0, hard = 0, soft = 0, complaints = 0, eligible = 0, suppressed = 0;
        foreach (var h in hours)
        {
            sent += h.Sent;
            delivered += h.Delivered;
            hard += h.HardBounces;
            soft += h.SoftBounces;
            complaints += h.Complaints;
            eligible += h.ComplaintEligible;
            suppressed += h.Suppressed;
        }

        return new ReputationFigures(sent, delivered, hard, soft, complaints, eligible, suppressed, Settings.MinimumVolume);
    }

    /// <summary>Where the counted window starts, as enforcement counts it (<see cref="ReputationWindow"/>): buckets from this time on.</summary>
    private static DateTimeOffset Since(DateTimeOffset windowStart, DateTimeOffset? reputationSince) =>
        reputationSince is { } since && since > windowStart ? since : windowStart;

    private static DateTimeOffset Day(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero);
    }

    private static List<DateTimeOffset> Days(DateTimeOffset from, DateTimeOffset now)
    {
        var days = new List<DateTimeOffset>();
        for (var d = Day(from); d <= now; d = d.AddDays(1))
        {
            days.Add(d);
        }

        return days;
    }

    private static string DomainOf(string recipient)
    {
        var at = recipient.LastIndexOf('@');
        return (at < 0 ? recipient : recipient[(at + 1)..]).ToLowerInvariant();
    }

    private sealed record HourSum(string Key, bool Test, DateTimeOffset Hour, long Sent, long Delivered, long HardBounces, long SoftBounces, long Complaints, long ComplaintEligible, long Suppressed);

    private sealed record ShareSum(bool Test, string Key, long Sent, long Delivered, long HardBounces, long SoftBounces, long Complaints, long ComplaintEligible, long Suppressed)
    {
        public ReputationFigures Figures(long minimumVolume) => new(Sent, Delivered, HardBounces, SoftBounces, Complaints, ComplaintEligible, Suppressed, minimumVolume);
    }
}
