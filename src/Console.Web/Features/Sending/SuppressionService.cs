using System.Net.Mail;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Primitives;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Hosting;
using SesConsole.Web.Sending;

namespace SesConsole.Web.Features.Sending;

/// <summary>An address on the account's suppression list.</summary>
public sealed record SuppressedRow(string Address, string Reason, DateTimeOffset At);

/// <summary>
/// The account-level suppression list (SES v2 <c>PutSuppressedDestination</c>…): addresses the account's sends are not
/// delivered to (they get a Permanent/OnAccountSuppressionList bounce). Hard bounces and complaints add to it; the root
/// manages it. Addresses are matched case-insensitively, as in SES.
/// </summary>
public sealed class SuppressionService(IDbContextFactory<ConsoleDbContext> dbFactory, ClusterChanges changes, TimeProvider time)
{
    public static readonly string[] Reasons = ["BOUNCE", "COMPLAINT"];

    public async Task<Result<IReadOnlyList<SuppressedRow>>> ListAsync(Caller caller, CancellationToken ct = default)
    {
        if (caller.AccountId is null)
        {
            return new Error("auth.no_account", "This sign-in does not belong to an account.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.SuppressedDestinations.AsNoTracking().Where(s => s.AccountId == caller.AccountId).ToListAsync(ct);
        IReadOnlyList<SuppressedRow> result = rows.OrderByDescending(r => r.At).Select(r => new SuppressedRow(r.Address, r.Reason, r.At)).ToList();
        return Result<IReadOnlyList<SuppressedRow>>.Success(result);
    }

    public async Task<Result> PutAsync(Caller caller, string address, string reason, CancellationToken ct = default)
    {
        if (!caller.IsAccountRoot)
        {
            return Result.Failure("auth.root_only", "Only the account's root user can change the suppression list.");
        }

        var normalized = address?.Trim().ToLowerInvariant() ?? "";
        if (!MailAddress.TryCreate(normalized, out var parsed) || parsed.Address != normalized)
        {
            return Result.Failure("suppression.invalid_address", $"'{address}' is not an email address.", "Address");
        }

        if (!Reasons.Contains(reason))
        {
            return Result.Failure("suppression.invalid_reason", "The reason is BOUNCE or COMPLAINT.", "Reason");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.SuppressedDestinations.SingleOrDefaultAsync(s => s.AccountId == caller.AccountId && s.Address == normalized, ct);
        if (row is null)
        {
            db.SuppressedDestinations.Add(new SuppressedDestinationEntity { AccountId = caller.AccountId!, Address = normalized, Reason = reason, At = time.GetUtcNow() });
        }
        else
        {
            (row.Reason, row.At) = (reason, time.GetUtcNow());
        }

        await db.SaveChangesAsync(ct);
        return Result.Success();
    }

    public async Task<Result> DeleteAsync(Caller caller, string address, CancellationToken ct = default)
    {
        if (!caller.IsAccountRoot)
        {
            return Result.Failure("auth.root_only", "Only the account's root user can change the suppression list.");
        }

        var normalized = address.Trim().ToLowerInvariant();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var deleted = await db.SuppressedDestinations.Where(s => s.AccountId == caller.AccountId && s.Address == normalized).ExecuteDeleteAsync(ct);
        await changes.InvalidateAsync(SendingData.Suppression); // a bulk delete: the save interceptor does not see it (docs/cluster-coordination.md#cache-invalidation)
        return deleted == 0 ? Result.Failure("suppression.not_found", $"{address} is not on your suppression list.") : Result.Success();
    }

    /// <summary>Whether <paramref name="address"/> is suppressed for the sending account (used by the pipeline).</summary>
    /// <summary>
    /// Adds hard-bounced (BOUNCE) or complained (COMPLAINT) addresses to <paramref name="accountId"/>'s list in
    /// <paramref name="db"/>, for the caller's own SaveChanges: the sending (delegate) account's list, as SES applies
    /// the account-level list to the account that sends. An address already listed gets the newer reason and time.
    /// </summary>
    public static async Task FeedAsync(ConsoleDbContext db, string accountId, IEnumerable<string> addresses, string reason, DateTimeOffset at, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        foreach (var address in addresses.Select(a => a.Trim().ToLowerInvariant()).Distinct())
        {
            var row = db.SuppressedDestinations.Local.FirstOrDefault(s => s.AccountId == accountId && s.Address == address)
                      ?? await db.SuppressedDestinations.SingleOrDefaultAsync(s => s.AccountId == accountId && s.Address == address, ct);
            if (row is null)
            {
                db.SuppressedDestinations.Add(new SuppressedDestinationEntity { AccountId = accountId, Address = address, Reason = reason, At = at });
            }
            else
            {
                (row.Reason, row.At) = (reason, at);
            }
        }
    }

    public async Task<string?> ReasonAsync(string accountId, string address, CancellationToken ct = default)
    {
        var normalized = address.Trim().ToLowerInvariant();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.SuppressedDestinations.AsNoTracking().Where(s => s.AccountId == accountId && s.Address == normalized).Select(s => s.Reason).FirstOrDefaultAsync(ct);
    }
}
