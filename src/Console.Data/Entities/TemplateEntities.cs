namespace SesConsole.Data.Entities;

/// <summary>
/// An email template of one account in one region (SES <c>CreateTemplate</c> / <c>CreateEmailTemplate</c>): a subject, a
/// text part and an HTML part in the Handlebars template language (docs/templates.md#rendering).
/// </summary>
public sealed class EmailTemplateEntity
{
    public Guid Id { get; set; }

    public required string AccountId { get; set; }

    public required string Region { get; set; }

    /// <summary>1–64 characters of <c>[A-Za-z0-9_-]</c>; compared case-sensitively.</summary>
    public required string Name { get; set; }

    public string? Subject { get; set; }

    public string? Text { get; set; }

    public string? Html { get; set; }

    /// <summary>1 when created, +1 on every update: the renderer's cache key (docs/templates.md#rendering).</summary>
    public int Version { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
