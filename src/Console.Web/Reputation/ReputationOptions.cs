namespace SesConsole.Web.Reputation;

/// <summary>Bound from <c>Reputation</c> (docs/reputation.md#rates).</summary>
public sealed class ReputationOptions
{
    public const string SectionName = "Reputation";

    /// <summary>How far back the rates look. Defaults to 14 days.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Rates count (and enforcement acts) once at least this many recipients were sent in the window. Defaults to 200.</summary>
    public long MinimumVolume { get; set; } = 200;

    /// <summary>
    /// Receivers known to send no complaint feedback: mail delivered there is left out of the complaint rate's
    /// denominator, as SES does for Gmail. Matched on the recipient's domain and its parent domains. Defaults to Gmail's.
    /// </summary>
    public List<string> NoComplaintFeedbackDomains { get; set; } = ["gmail.com", "googlemail.com"];

    /// <summary>
    /// How often the enforcement worker re-evaluates the accounts that are not healthy (their rates fall as the window
    /// slides) and those that sent in the meantime; accounts with new bounces or complaints are evaluated at once
    /// (docs/reputation.md#enforcement). Defaults to 15 minutes; zero turns automatic enforcement off.
    /// </summary>
    public TimeSpan EvaluationInterval { get; set; } = TimeSpan.FromMinutes(15);
}
