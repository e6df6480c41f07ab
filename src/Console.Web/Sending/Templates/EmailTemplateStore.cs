using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Templates;
using SesConsole.Web.Features.Audit;
using SesConsole.Web.Features.Principals;

namespace SesConsole.Web.Sending.Templates;

/// <summary>A stored template with its account, region, version and times.</summary>
public sealed record StoredTemplate(string AccountId, string Region, EmailTemplate Template, int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>One page of <see cref="EmailTemplateStore.ListAsync"/>: templates by name, and the token of the next page.</summary>
public sealed record TemplatePage(IReadOnlyList<StoredTemplate> Items, string? NextToken);

/// <summary>
/// The templates of each account and region (docs/templates.md#templates): create, read, update, delete, list, and the
/// cached lookup a templated send makes. Every call names the account: an account sees only its own templates, and two
/// accounts may use one name.
/// </summary>
public sealed class EmailTemplateStore(IDbContextFactory<ConsoleDbContext> dbFactory, SendingReadCache cache, TimeProvider time, TemplateRenderer renderer)
{
    /// <summary>The template for a send, through the read cache (a saved template drops the entry: docs/templates.md#caching).</summary>
    public async Task<StoredTemplate?> FindAsync(string account, string region, string name, CancellationToken ct) =>
        await cache.GetAsync(SendingData.ConfigurationSets, new Key(account, region, name), LoadAsync, ct);

    /// <summary>Creates <paramref name="template"/> in <paramref name="caller"/>'s account, with its audit entry in the same commit (docs/audit-log.md#what-is-recorded).</summary>
    public async Task<Result<StoredTemplate>> CreateAsync(Caller caller, AuditActor actor, string region, EmailTemplate template, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(template);
        var account = caller.AccountId!;
        if (Invalid(template) is { } invalid)
        {
            return invalid;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.EmailTemplates.AnyAsync(t => t.AccountId == account && t.Region == region && t.Name == template.Name, ct))
        {
            return AlreadyExists(template.Name);
        }

        if (await db.EmailTemplates.CountAsync(t => t.AccountId == account && t.Region == region, ct) >= TemplateRules.MaxTemplatesPerRegion)
        {
            return new Error("LimitExceeded", $"The account has {TemplateRules.MaxTemplatesPerRegion:N0} templates in {region}, the most it may have.");
        }

        var now = time.GetUtcNow();
        var row = new EmailTemplateEntity
        {
            Id = Guid.CreateVersion7(now), AccountId = account, Region = region, Name = template.Name,
            Subject = template.Subject, Text = template.Text, Html = template.Html, Version = 1, CreatedAt = now, UpdatedAt = now,
        };
        db.EmailTemplates.Add(row);
        AuditTrail.Write(db, actor, caller, new AuditChange(account, region, AuditKinds.TemplateCreated, template.Name,
            $"Created email template {template.Name}.", null, AuditState(row)), now);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return AlreadyExists(template.Name); // made at the same moment by another request: the unique index decided
        }

        return ToStored(row);
    }

    /// <summary>Replaces the parts of the template of <paramref name="template"/>'s name, with its audit entry in the same commit.</summary>
    public async Task<Result<StoredTemplate>> UpdateAsync(Caller caller, AuditActor actor, string region, EmailTemplate template, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(template);
        var account = caller.AccountId!;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.EmailTemplates.SingleOrDefaultAsync(t => t.AccountId == account && t.Region == region && t.Name == template.Name, ct);
        if (row is null)
        {
            return DoesNotExist(template.Name);
        }

        if (Invalid(template) is { } invalid)
        {
            return invalid;
        }

        var before = AuditState(row);
        (row.Subject, row.Text, row.Html) = (template.Subject, template.Text, template.Html);
        row.Version++;
        row.UpdatedAt = time.GetUtcNow();
        AuditTrail.Write(db, actor, caller, new AuditChange(account, region, AuditKinds.TemplateUpdated, template.Name,
            $"Updated email template {template.Name} (version {row.Version}).", before, AuditState(row)), row.UpdatedAt);
        await db.SaveChangesAsync(ct);
        return ToStored(row);
    }

    /// <returns><see langword="false"/> when the account had no such template.</returns>
    public async Task<bool> DeleteAsync(Caller caller, AuditActor actor, string region, string name, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var account = caller.AccountId!;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.EmailTemplates.SingleOrDefaultAsync(t => t.AccountId == account && t.Region == region && t.Name == name, ct);
        if (row is null)
        {
            return false;
        }

        db.EmailTemplates.Remove(row); // through the change tracker, so the read cache hears of it
        AuditTrail.Write(db, actor, caller, new AuditChange(account, region, AuditKinds.TemplateDeleted, name,
            $"Deleted email template {name}.", AuditState(row), null), time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>A template's audited state: its parts as stored and its version.</summary>
    private static string AuditState(EmailTemplateEntity row) => AuditTrail.Json(new { row.Name, row.Subject, row.Text, row.Html, row.Version });

    /// <summary>Templates by name (ordinal), <paramref name="pageSize"/> at a time; the token is the last name of the page.</summary>
    public async Task<TemplatePage> ListAsync(string account, string region, int pageSize, string? nextToken, CancellationToken ct)
    {
        pageSize = Math.Clamp(pageSize, 1, 1000);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.EmailTemplates.AsNoTracking().Where(t => t.AccountId == account && t.Region == region);
        if (!string.IsNullOrEmpty(nextToken))
        {
            query = query.Where(t => t.Name.CompareTo(nextToken) > 0); // the database's order, the same as OrderBy's
        }

        var rows = await query.OrderBy(t => t.Name).Take(pageSize + 1).ToListAsync(ct);
        var items = rows.Take(pageSize).Select(ToStored).ToList();
        return new TemplatePage(items, rows.Count > pageSize ? items[^1].Template.Name : null);
    }

    /// <summary>
    /// SES's limits, then the syntax: a template that does not compile (an unclosed <c>{{#if}}</c>) is refused with
    /// <c>InvalidTemplate</c> when it is saved, rather than failing every send later (docs/templates.md#limits).
    /// </summary>
    private Error? Invalid(EmailTemplate template) =>
        TemplateRules.Validate(template)
        ?? (renderer.Render(template, "{}").Error is { Kind: TemplateRenderErrorKind.InvalidTemplate } error ? new Error("InvalidTemplate", error.Message) : null);

    public static Error AlreadyExists(string name) => new("AlreadyExists", $"Template {name} already exists.");

    public static Error DoesNotExist(string name) => new("TemplateDoesNotExist", $"Template {name} does not exist.");

    private async Task<StoredTemplate?> LoadAsync(Key key, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.EmailTemplates.AsNoTracking().SingleOrDefaultAsync(t => t.AccountId == key.Account && t.Region == key.Region && t.Name == key.Name, ct);
        return row is null ? null : ToStored(row);
    }

    private static StoredTemplate ToStored(EmailTemplateEntity row) =>
        new(row.AccountId, row.Region, new EmailTemplate(row.Name, row.Subject, row.Text, row.Html), row.Version, row.CreatedAt, row.UpdatedAt);

    private sealed record Key(string Account, string Region, string Name);
}
