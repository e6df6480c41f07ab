using System.Globalization;
using MudBlazor;
using SesConsole.Data.Entities;
using SesConsole.Domain.Reputation;

namespace SesConsole.Web.Features.Reputation;

/// <summary>How the dashboards write states, rates and counts.</summary>
public static class ReputationFormat
{
    public static string State(EnforcementStatus status) => status switch
    {
        EnforcementStatus.Paused => "Sending paused",
        EnforcementStatus.UnderReview => "Under review",
        _ => "Healthy",
    };

    public static Color StateColor(EnforcementStatus status) => status switch
    {
        EnforcementStatus.Paused => Color.Error,
        EnforcementStatus.UnderReview => Color.Warning,
        _ => Color.Success,
    };

    public static string Percent(double rate) => ReputationRules.Percent(rate);

    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The window in words ("14 days").</summary>
    public static string Window(TimeSpan window) => window.TotalDays >= 1 && window.TotalDays % 1 == 0
        ? $"{window.TotalDays:0} days"
        : $"{window.TotalHours:0.#} hours";

    /// <summary>Rates are shown from the minimum volume on; below it they mean little, as SES says.</summary>
    public static string BounceRate(ReputationFigures figures) => figures.Sent == 0 ? "–" : Percent(figures.BounceRate);

    public static string ComplaintRate(ReputationFigures figures) => figures.ComplaintEligible == 0 ? "–" : Percent(figures.ComplaintRate);

    /// <summary>The identity's name from its ARN (<c>…:identity/example.com</c> → <c>example.com</c>).</summary>
    public static string IdentityName(string arn) => arn.Length == 0 ? "(no identity)" : arn[(arn.LastIndexOf('/') + 1)..];
}
