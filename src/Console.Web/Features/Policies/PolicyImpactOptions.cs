namespace SesConsole.Web.Features.Policies;

/// <summary>
/// <c>Policies:ImpactPreview</c>: how much send history the impact preview and the findings' usage replay
/// (docs/policy-editor.md#impact-preview).
/// </summary>
public sealed class PolicyImpactOptions
{
    public const string SectionName = "Policies:ImpactPreview";

    /// <summary>How far back attempts are replayed (default 14 days, the attempts' retention).</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromDays(14);

    /// <summary>At most this many attempts, newest first (default 10,000).</summary>
    public int MaxAttempts { get; set; } = 10_000;
}
