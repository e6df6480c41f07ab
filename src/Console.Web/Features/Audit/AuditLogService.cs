using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Primitives;
using SesConsole.Web.Features.Principals;

namespace SesConsole.Web.Features.Audit;

/// <summary>The audit log's filters; every one optional. <see cref="AccountId"/> is honoured for admins only.</summary>
public sealed record AuditQuery(string? AccountId = null, string? Target = null, string? Actor = null, string? Kind = null, DateTimeOffset? From = null, DateTimeOffset? To = null);

/// <summary>One entry as the page and the export show it.</summary>
public sealed record AuditEntryView(
    Guid Id, DateTimeOffset At, string AccountId, string? Region, string Kind, string Target, string ActorArn, string? ActorAccountId,
    string Via, string? Credential, string? SourceIp, string Summary, string? Before, string? After);

/// <summary>A page of entries, newest first, and how many match in all.</summary>
public sealed record AuditEntries(IReadOnlyList<AuditEntryView> Rows, int Total);

/// <summary>
/// Reads the audit log (docs/audit-log.md#who-sees-it): an account member sees its own account's entries (whatever
/// account the query names), a platform admin every account's (optionally one). Newest first; the export is capped at
/// <see cref="MaxExportRows"/>.
/// </summary>
public sealed class AuditLogService(IDbContextFactory<ConsoleDbContext> dbFactory)
{
    /// <summary>The most rows one export holds (the newest that match).</summary>
    public const int MaxExportRows = 10_000;

    private static readonly Error Forbidden = new("auth.forbidden", "Only account members and platform admins have an audit log.");

    private static readonly JsonSerializerOptions ExportJson = new() { WriteIndented = true };

    public async Task<Result<AuditEntries>> ListAsync(Caller caller, AuditQuery query, int skip, int take, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(query);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var filtered = Filter(db, caller, query);
        if (filtered is null)
        {
            return Forbidden;
        }

        var total = await filtered.CountAsync(ct);
        var rows = await Newest(filtered).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 500)).ToListAsync(ct);
        return new AuditEntries([.. rows.Select(View)], total);
    }

    /// <summary>The matching entries for a download, newest first, at most <see cref="MaxExportRows"/>.</summary>
    public async Task<Result<IReadOnlyList<AuditEntryView>>> ExportAsync(Caller caller, AuditQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(query);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var filtered = Filter(db, caller, query);
        if (filtered is null)
        {
            return Forbidden;
        }

        var rows = await Newest(filtered).Take(MaxExportRows).ToListAsync(ct);
        return Result<IReadOnlyList<AuditEntryView>>.Success([.. rows.Select(View)]);
    }

    /// <summary>The accounts an admin may filter by (ID and name).</summary>
    public async Task<IReadOnlyList<(string Id, string Name)>> AccountsAsync(Caller caller, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsAdmin)
        {
            return [];
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var accounts = await db.Accounts.AsNoTracking().OrderBy(a => a.Id).Select(a => new { a.Id, a.DisplayName }).ToListAsync(ct);
        return [.. accounts.Select(a => (a.Id, a.DisplayName))];
    }

    /// <summary>RFC 4180 CSV with a header line; fields that start with a formula character are prefixed with a quote.</summary>
    public static string ToCsv(IEnumerable<AuditEntryView> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var csv = new StringBuilder("At,AccountId,Region,Kind,Target,ActorArn,ActorAccountId,Via,Credential,SourceIp,Summary,Before,After\r\n");
        foreach (var r in rows)
        {
            string[] fields =
            [
                r.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), r.AccountId, r.Region ?? "", r.Kind, r.Target,
                r.ActorArn, r.ActorAccountId ?? "", r.Via, r.Credential ?? "", r.SourceIp ?? "", r.Summary, r.Before ?? "", r.After ?? "",
            ];
            csv.AppendJoin(',', fields.Select(Field)).Append("\r\n");
        }

        return csv.ToString();
    }

    /// <summary>A JSON array of the entries (before/after as the text recorded).</summary>
    public static string ToJson(IEnumerable<AuditEntryView> rows) => JsonSerializer.Serialize(rows, ExportJson);

    private static IQueryable<AuditEntryEntity>? Filter(ConsoleDbContext db, Caller caller, AuditQuery query)
    {
        var entries = db.AuditEntries.AsNoTracking();
        if (caller.IsAdmin)
        {
            if (!string.IsNullOrWhiteSpace(query.AccountId))
            {
                var account = query.AccountId.Trim();
                entries = entries.Where(e => e.AccountId == account);
            }
        }
        else if (caller.AccountId is { } own)
        {
            entries = entries.Where(e => e.AccountId == own);
        }
        else
        {
            return null;
        }

        if (!string.IsNullOrWhiteSpace(query.Target))
        {
            var target = query.Target.Trim();
            entries = entries.Where(e => e.Target.Contains(target));
        }

        if (!string.IsNullOrWhiteSpace(query.Actor))
        {
            var actor = query.Actor.Trim();
            entries = entries.Where(e => e.ActorArn.Contains(actor) || (e.Credential != null && e.Credential.Contains(actor)));
        }

        if (!string.IsNullOrWhiteSpace(query.Kind))
        {
            var kind = query.Kind.Trim();
            entries = kind.EndsWith('.') ? entries.Where(e => e.Kind.StartsWith(kind)) : entries.Where(e => e.Kind == kind);
        }

        if (query.From is { } from)
        {
            entries = entries.Where(e => e.At >= from);
        }

        if (query.To is { } to)
        {
            entries = entries.Where(e => e.At <= to);
        }

        return entries;
    }

    private static IQueryable<AuditEntryEntity> Newest(IQueryable<AuditEntryEntity> entries) => entries.OrderByDescending(e => e.At).ThenByDescending(e => e.Id);

    private static AuditEntryView View(AuditEntryEntity e) =>
        new(e.Id, e.At, e.AccountId, e.Region, e.Kind, e.Target, e.ActorArn, e.ActorAccountId, e.Via, e.Credential, e.SourceIp, e.Summary, e.Before, e.After);

    private static string Field(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
