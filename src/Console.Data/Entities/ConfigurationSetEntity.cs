namespace SesConsole.Data.Entities;

/// <summary>
/// A configuration set of one account in one region (SES <c>CreateConfigurationSet</c>): a name a send may give so that
/// its rules apply. Only its existence is modelled so far; event destinations come later (docs/configuration-sets.md).
/// </summary>
public sealed class ConfigurationSetEntity
{
    public Guid Id { get; set; }

    public required string AccountId { get; set; }

    public required string Region { get; set; }

    /// <summary>1–64 characters of <c>[A-Za-z0-9_-]</c>; compared case-sensitively.</summary>
    public required string Name { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
