using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Sending;
using SesConsole.Web.Features.Principals;

namespace SesConsole.Web.Features.ConfigurationSets;

/// <summary>
/// Event destinations of a set (docs/configuration-sets.md#event-destinations), its recently published events, and the
/// default set of an identity (docs/configuration-sets.md#default-configuration-set).
/// </summary>
public sealed partial class ConfigurationSetsService
{
    /// <summary>SES's most event destinations per configuration set.</summary>
    public const int MaxDestinationsPerSet = 10;

    /// <summary>How many published events the page shows.</summary>
    public const int RecentEventCount = 50;

    /// <summary>1–64 characters of <c>[A-Za-z0-9_-]</c>, as SES requires of event destination names.</summary>
    public static Result CheckDestinationName(string? name) =>
        CheckName(name, "event_destination.invalid_name", "EventDestinationName", "Event destination");

    /// <summary>
    /// The topic of an SNS destination: <c>arn:aws:sns:REGION:ACCOUNT:NAME</c>, in the set's region (SES publishes only to
    /// topics of its own region), NAME of 1–256 letters, digits, <c>-</c> and <c>_</c> (a FIFO topic is refused, as SES does).
    /// </summary>
    public static Result CheckTopicArn(string? arn, string region)
    {
        var parts = (arn ?? "").Split(':');
        var wellFormed = parts.Length == 6 && parts[0] == "arn" && parts[1] == "aws" && parts[2] == "sns" && parts[3].Length > 0
            && parts[4].Length == 12 && parts[4].All(char.IsAsciiDigit)
            && parts[5].Length is > 0 and <= 256 && parts[5].All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
        if (!wellFormed)
        {
            return Result.Failure("event_destination.invalid_sns",
                $"Invalid SNS topic ARN '{arn}': expected arn:aws:sns:{region}:ACCOUNT:NAME (a standard topic; FIFO topics are not supported).", "TopicArn");
        }

        return parts[3] == region
            ? Result.Success()
            : Result.Failure("event_destination.invalid_sns", $"The SNS topic {arn} is in {parts[3]}; an event destination of a set in {region} must use a topic in {region}.", "TopicArn");
    }

    public async Task<Result<IReadOnlyList<EventDestinationRow>>> ListDestinationsAsync(Caller caller, string region, string setName, CancellationToken ct = default)
    {
        if (caller.AccountId is null)
        {
            return NoAccount;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var set = await FindSetAsync(db, caller.AccountId, region, setName, ct);
        if (set is null)
        {
            return NotFound(setName);
        }

        var rows = await db.ConfigurationSetEventDestinations.AsNoTracking().Where(d => d.ConfigurationSetId == set.Id).ToListAsync(ct);
        IReadOnlyList<EventDestinationRow> result = [.. rows.OrderBy(d => d.Name, StringComparer.Ordinal).Select(Row)];
        return Result<IReadOnlyList<EventDestinationRow>>.Success(result);
    }

    public async Task<Result<EventDestinationRow>> CreateDestinationAsync(Caller caller, string region, string setName, string? name, EventDestinationInput input, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!caller.IsAccountRoot)
        {
            return caller.AccountId is null ? NoAccount : RootOnly;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var set = await FindSetAsync(db, caller.AccountId!, region, setName, ct);
        if (set is null)
        {
            return NotFound(setName);
        }

        if (CheckDestinationName(name).Error is { } nameError)
        {
            return nameError;
        }

        if (Check(input, region).Error is { } inputError)
        {
            return inputError;
        }

        var existing = await db.ConfigurationSetEventDestinations.Where(d => d.ConfigurationSetId == set.Id).Select(d => d.Name).ToListAsync(ct);
        if (existing.Contains(name!, StringComparer.Ordinal))
        {
            return new Error("event_destination.exists", $"Event destination {name} already exists in configuration set {setName}.");
        }

        if (existing.Count >= MaxDestinationsPerSet)
        {
            return new Error("event_destination.limit",
                $"Configuration set {setName} already has {MaxDestinationsPerSet} event destinations, the most SES allows.");
        }

        var entity = new ConfigurationSetEventDestinationEntity
        {
            Id = Guid.NewGuid(), ConfigurationSetId = set.Id, Name = name!, CreatedAt = time.GetUtcNow(),
            MatchingEventTypes = "",
        };
        Apply(entity, input);
        db.ConfigurationSetEventDestinations.Add(entity);
        audit.Record(db, caller, new Audit.AuditChange(set.AccountId, region, AuditKinds.ConfigurationSetDestination, setName,
            $"Created event destination {entity.Name} of configuration set {setName}.", null, Audit.AuditTrail.Json(AuditState(Row(entity)))));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            if (await DestinationExistsAsync(set.Id, name!, ct))
            {
                return new Error("event_destination.exists", $"Event destination {name} already exists in configuration set {setName}."); // a concurrent create won
            }

            throw;
        }

        return Row(entity);
    }

    /// <summary>Replaces the destination's definition (SES's UpdateConfigurationSetEventDestination): enabled, types and kind.</summary>
    public async Task<Result<EventDestinationRow>> UpdateDestinationAsync(Caller caller, string region, string setName, string name, EventDestinationInput input, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!caller.IsAccountRoot)
        {
            return caller.AccountId is null ? NoAccount : RootOnly;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var set = await FindSetAsync(db, caller.AccountId!, region, setName, ct);
        if (set is null)
        {
            return NotFound(setName);
        }

        var entity = await db.ConfigurationSetEventDestinations.SingleOrDefaultAsync(d => d.ConfigurationSetId == set.Id && d.Name == name, ct);
        if (entity is null)
        {
            return DestinationNotFound(setName, name);
        }

        if (Check(input, region).Error is { } inputError)
        {
            return inputError;
        }

        var before = Audit.AuditTrail.Json(AuditState(Row(entity)));
        Apply(entity, input);
        audit.Record(db, caller, new Audit.AuditChange(set.AccountId, region, AuditKinds.ConfigurationSetDestination, setName,
            $"Updated event destination {entity.Name} of configuration set {setName}.", before, Audit.AuditTrail.Json(AuditState(Row(entity)))));
        await db.SaveChangesAsync(ct);
        return Row(entity);
    }

    public async Task<Result> DeleteDestinationAsync(Caller caller, string region, string setName, string name, CancellationToken ct = default)
    {
        if (!caller.IsAccountRoot)
        {
            return Result.Failure(caller.AccountId is null ? NoAccount : RootOnly);
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var set = await FindSetAsync(db, caller.AccountId!, region, setName, ct);
        if (set is null)
        {
            return Result.Failure(NotFound(setName));
        }

        var entity = await db.ConfigurationSetEventDestinations.SingleOrDefaultAsync(d => d.ConfigurationSetId == set.Id && d.Name == name, ct);
        if (entity is null)
        {
            return Result.Failure(DestinationNotFound(setName, name));
        }

        db.ConfigurationSetEventDestinations.Remove(entity);
        audit.Record(db, caller, new Audit.AuditChange(set.AccountId, region, AuditKinds.ConfigurationSetDestination, setName,
            $"Deleted event destination {entity.Name} of configuration set {setName}.", Audit.AuditTrail.Json(AuditState(Row(entity))), null));
        await db.SaveChangesAsync(ct);
        return Result.Success();
    }

    /// <summary>A destination as the audit log shows it: its settings, with the event types and kind by name.</summary>
    private static object AuditState(EventDestinationRow d) =>
        new { d.Name, d.Enabled, MatchingEventTypes = d.MatchingEventTypes.Select(t => t.V2).ToArray(), Kind = d.Kind.ToString(), d.TopicArn };

    /// <summary>The newest events published through the set's destinations (at most <see cref="RecentEventCount"/>), newest first.</summary>
    public async Task<Result<IReadOnlyList<PublishedEventRow>>> RecentEventsAsync(Caller caller, string region, string setName, CancellationToken ct = default)
    {
        if (caller.AccountId is null)
        {
            return NoAccount;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await FindSetAsync(db, caller.AccountId, region, setName, ct) is null)
        {
            return NotFound(setName);
        }

        var rows = await db.PublishedEvents.AsNoTracking()
            .Where(e => e.AccountId == caller.AccountId && e.Region == region && e.ConfigurationSetName == setName)
            .OrderByDescending(e => e.At).Take(RecentEventCount)
            .Select(e => new PublishedEventRow(e.At, e.DestinationName, e.EventType, e.MessageId, e.Json))
            .ToListAsync(ct);
        return Result<IReadOnlyList<PublishedEventRow>>.Success(rows);
    }

    /// <summary>
    /// Sets or clears (<paramref name="setName"/> null or empty) the default configuration set of one of the caller's
    /// identities (v2 PutEmailIdentityConfigurationSetAttributes). Owner only; the set must be one of the owner's in the
    /// identity's region. It applies to the owner's own sends that name no set, never to a delegate's.
    /// </summary>
    public async Task<Result> SetIdentityDefaultAsync(Caller caller, string region, string identity, string? setName, CancellationToken ct = default)
    {
        if (!caller.IsAccountRoot)
        {
            return Result.Failure(caller.AccountId is null ? NoAccount : new Error("auth.root_only", "Only the account's root user can change sending identities."));
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.SendingIdentities.SingleOrDefaultAsync(i => i.AccountId == caller.AccountId && i.Region == region && i.Name == identity, ct);
        if (row is null)
        {
            return Result.Failure("identity.not_found", $"{identity} is not an identity of your account in {region}.");
        }

        var name = string.IsNullOrEmpty(setName) ? null : setName;
        if (name is not null && await FindSetAsync(db, caller.AccountId!, region, name, ct) is null)
        {
            return Result.Failure(NotFound(name));
        }

        audit.Record(db, caller, new Audit.AuditChange(row.AccountId, row.Region, AuditKinds.IdentityConfigurationSet, row.Name,
            name is null ? $"Removed the default configuration set of {row.Name}." : $"Set the default configuration set of {row.Name} to {name}.",
            Audit.AuditTrail.Json(new { DefaultConfigurationSet = row.DefaultConfigurationSetName }), Audit.AuditTrail.Json(new { DefaultConfigurationSet = name })));
        row.DefaultConfigurationSetName = name; // tracked: SendingCacheInvalidation drops the cached identities and defaults
        await db.SaveChangesAsync(ct);
        return Result.Success();
    }

    private static Result Check(EventDestinationInput input, string region)
    {
        if (input.MatchingEventTypes.Count == 0)
        {
            return Result.Failure("event_destination.no_event_types", "MatchingEventTypes must name at least one event type.", "MatchingEventTypes");
        }

        return input.Kind == EventDestinationKind.Sns ? CheckTopicArn(input.TopicArn, region) : Result.Success();
    }

    private static void Apply(ConfigurationSetEventDestinationEntity entity, EventDestinationInput input)
    {
        entity.Enabled = input.Enabled;
        entity.MatchingEventTypes = ConfigurationSetEventTypes.Join(input.MatchingEventTypes);
        entity.Kind = input.Kind;
        entity.TopicArn = input.Kind == EventDestinationKind.Sns ? input.TopicArn : null;
    }

    private static EventDestinationRow Row(ConfigurationSetEventDestinationEntity d) =>
        new(d.Name, d.Enabled, ConfigurationSetEventTypes.Split(d.MatchingEventTypes), d.Kind, d.TopicArn);

    private static Task<ConfigurationSetEntity?> FindSetAsync(ConsoleDbContext db, string account, string region, string name, CancellationToken ct) =>
        db.ConfigurationSets.AsNoTracking().SingleOrDefaultAsync(c => c.AccountId == account && c.Region == region && c.Name == name, ct);

    private async Task<bool> DestinationExistsAsync(Guid setId, string name, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ConfigurationSetEventDestinations.AnyAsync(d => d.ConfigurationSetId == setId && d.Name == name, ct);
    }

    private static Error DestinationNotFound(string setName, string name) =>
        new("event_destination.not_found", $"Event destination {name} does not exist in configuration set {setName}.");
}
