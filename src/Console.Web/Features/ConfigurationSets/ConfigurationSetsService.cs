using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Primitives;
using SesConsole.Web.Features.Principals;

namespace SesConsole.Web.Features.ConfigurationSets;

/// <summary>
/// The configuration sets of the caller's account in one region (SES Create/Get/List/DeleteConfigurationSet), their event
/// destinations (<c>ConfigurationSetsService.Destinations.cs</c>) and identities' default sets. v1 and v2 share them: one
/// namespace per account and region. A send naming a set the sending account lacks is refused
/// (docs/configuration-sets.md). Any member of the account may look; only the root changes them, as with identities.
/// Saved changes drop the send path's cached sets through <c>SendingCacheInvalidation</c>.
/// </summary>
public sealed partial class ConfigurationSetsService(IDbContextFactory<ConsoleDbContext> dbFactory, TimeProvider time, Audit.AuditTrail audit)
{
    /// <summary>SES's longest configuration set (and event destination) name.</summary>
    public const int MaxNameLength = 64;

    /// <summary>SES's quota of configuration sets per account and region.</summary>
    public const int MaxPerRegion = 10_000;

    private static readonly Error RootOnly = new("auth.root_only", "Only the account's root user can change configuration sets.");
    private static readonly Error NoAccount = new("auth.no_account", "This sign-in does not belong to an account, so it has no configuration sets.");

    /// <summary>1–64 characters of <c>[A-Za-z0-9_-]</c>, as SES requires.</summary>
    public static Result CheckName(string? name) => CheckName(name, "configuration_set.invalid_name", "ConfigurationSetName", "Configuration set");

    public async Task<Result<IReadOnlyList<ConfigurationSetRow>>> ListAsync(Caller caller, string region, CancellationToken ct = default)
    {
        var summaries = await ListWithDestinationCountsAsync(caller, region, ct);
        return summaries.IsSuccess
            ? Result<IReadOnlyList<ConfigurationSetRow>>.Success([.. summaries.Value.Select(s => new ConfigurationSetRow(s.Name, s.CreatedAt))])
            : summaries.Error;
    }

    /// <summary>The sets of the caller's account in <paramref name="region"/>, by name, with how many destinations each has.</summary>
    public async Task<Result<IReadOnlyList<ConfigurationSetSummary>>> ListWithDestinationCountsAsync(Caller caller, string region, CancellationToken ct = default)
    {
        if (caller.AccountId is null)
        {
            return NoAccount;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.ConfigurationSets.AsNoTracking()
            .Where(c => c.AccountId == caller.AccountId && c.Region == region)
            .Select(c => new ConfigurationSetSummary(c.Name, c.CreatedAt, db.ConfigurationSetEventDestinations.Count(d => d.ConfigurationSetId == c.Id)))
            .ToListAsync(ct);
        IReadOnlyList<ConfigurationSetSummary> sorted = [.. rows.OrderBy(r => r.Name, StringComparer.Ordinal)];
        return Result<IReadOnlyList<ConfigurationSetSummary>>.Success(sorted);
    }

    public async Task<Result<ConfigurationSetRow>> GetAsync(Caller caller, string region, string name, CancellationToken ct = default)
    {
        if (caller.AccountId is null)
        {
            return NoAccount;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.ConfigurationSets.AsNoTracking()
            .Where(c => c.AccountId == caller.AccountId && c.Region == region && c.Name == name)
            .Select(c => new ConfigurationSetRow(c.Name, c.CreatedAt))
            .FirstOrDefaultAsync(ct);
        return row is null ? NotFound(name) : row;
    }

    public async Task<Result<ConfigurationSetRow>> CreateAsync(Caller caller, string region, string? name, CancellationToken ct = default)
    {
        if (!caller.IsAccountRoot)
        {
            return caller.AccountId is null ? NoAccount : RootOnly;
        }

        var check = CheckName(name);
        if (!check.IsSuccess)
        {
            return check.Error!;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var existing = await db.ConfigurationSets.Where(c => c.AccountId == caller.AccountId && c.Region == region)
            .Select(c => c.Name).ToListAsync(ct);
        if (existing.Contains(name!, StringComparer.Ordinal))
        {
            return Exists(name!);
        }

        if (existing.Count >= MaxPerRegion)
        {
            return new Error("configuration_set.limit", $"The account already has {MaxPerRegion} configuration sets in {region}, the most SES allows.");
        }

        var entity = new ConfigurationSetEntity { Id = Guid.NewGuid(), AccountId = caller.AccountId!, Region = region, Name = name!, CreatedAt = time.GetUtcNow() };
        db.ConfigurationSets.Add(entity);
        audit.Record(db, caller, new Audit.AuditChange(entity.AccountId, region, AuditKinds.ConfigurationSetCreated, entity.Name,
            $"Created configuration set {entity.Name}.", null, Audit.AuditTrail.Json(new { entity.Name })));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            if (await ExistsAsync(caller.AccountId!, region, name!, ct))
            {
                return Exists(name!); // created concurrently by another request: the unique index decided
            }

            throw;
        }

        return new ConfigurationSetRow(entity.Name, entity.CreatedAt);
    }

    /// <summary>
    /// Deletes the set with its event destinations (cascade) and its published events; identities of the account whose
    /// default it was lose their default (docs/configuration-sets.md#default-configuration-set).
    /// </summary>
    public async Task<Result> DeleteAsync(Caller caller, string region, string name, CancellationToken ct = default)
    {
        if (!caller.IsAccountRoot)
        {
            return Result.Failure(caller.AccountId is null ? NoAccount : RootOnly);
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var row = await db.ConfigurationSets.SingleOrDefaultAsync(c => c.AccountId == caller.AccountId && c.Region == region && c.Name == name, ct);
        if (row is null)
        {
            return Result.Failure(NotFound(name));
        }

        // Tracked, so SendingCacheInvalidation drops the cached sets and (for the identities) the cached defaults.
        db.ConfigurationSets.Remove(row);
        var destinations = await db.ConfigurationSetEventDestinations.Where(d => d.ConfigurationSetId == row.Id).ToListAsync(ct);
        db.ConfigurationSetEventDestinations.RemoveRange(destinations);
        var defaults = await db.SendingIdentities
            .Where(i => i.AccountId == caller.AccountId && i.Region == region && i.DefaultConfigurationSetName == name).ToListAsync(ct);
        foreach (var identity in defaults)
        {
            identity.DefaultConfigurationSetName = null;
        }

        audit.Record(db, caller, new Audit.AuditChange(row.AccountId, region, AuditKinds.ConfigurationSetDeleted, row.Name,
            $"Deleted configuration set {row.Name} with its {destinations.Count} event destination(s)"
            + (defaults.Count == 0 ? "." : $"; it was the default of {string.Join(", ", defaults.Select(i => i.Name).Order(StringComparer.Ordinal))}."),
            Audit.AuditTrail.Json(new { row.Name, EventDestinations = destinations.Select(d => AuditState(Row(d))).ToArray() }), null));

        await db.SaveChangesAsync(ct);
        await db.PublishedEvents.Where(e => e.AccountId == caller.AccountId && e.Region == region && e.ConfigurationSetName == name).ExecuteDeleteAsync(ct);
        await transaction.CommitAsync(ct);
        return Result.Success();
    }

    private static Result CheckName(string? name, string code, string field, string what)
    {
        if (string.IsNullOrEmpty(name))
        {
            return Result.Failure(code, $"{field} is required.", "Name");
        }

        if (name.Length > MaxNameLength || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return Result.Failure(code,
                $"{what} name '{name}' is invalid: it must be 1 to {MaxNameLength} characters, each a letter, a digit, '-' or '_'.", "Name");
        }

        return Result.Success();
    }

    private async Task<bool> ExistsAsync(string account, string region, string name, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ConfigurationSets.AnyAsync(c => c.AccountId == account && c.Region == region && c.Name == name, ct);
    }

    private static Error NotFound(string name) => new("configuration_set.not_found", $"Configuration set {name} does not exist.");

    private static Error Exists(string name) => new("configuration_set.exists", $"Configuration set {name} already exists.");
}
