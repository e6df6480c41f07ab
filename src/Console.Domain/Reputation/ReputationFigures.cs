namespace SesConsole.Domain.Reputation;

/// <summary>An account's enforcement state as the rules see it (docs/reputation.md#enforcement).</summary>
public enum ReputationState
{
    Healthy = 0,
    UnderReview = 1,
    Paused = 2,
}

/// <summary>The thresholds SES publishes: review at 5 % bounces or 0.1 % complaints, pause at 10 % or 0.5 %.</summary>
public sealed record ReputationThresholds(double ReviewBounceRate, double ReviewComplaintRate, double PauseBounceRate, double PauseComplaintRate)
{
    public static readonly ReputationThresholds Ses = new(0.05, 0.001, 0.10, 0.005);
}

/// <summary>
/// The counts of one account (or identity, or delegate) over a window, and the rates computed from them
/// (docs/reputation.md#rates): bounce rate = counted hard bounces / recipients sent; complaint rate = counted complaints /
/// recipients delivered at receivers that send complaint feedback. Rates count only from <paramref name="MinimumVolume"/> sent.
/// </summary>
public sealed record ReputationFigures(long Sent, long Delivered, long HardBounces, long SoftBounces, long Complaints, long ComplaintEligible, long Suppressed, long MinimumVolume)
{
    public static ReputationFigures Empty(long minimumVolume) => new(0, 0, 0, 0, 0, 0, 0, minimumVolume);

    /// <summary>Whether enough mail was sent in the window for the rates to mean something (and to act on).</summary>
    public bool Representative => Sent >= Math.Max(1, MinimumVolume);

    public double BounceRate => Sent == 0 ? 0 : Math.Min(1, (double)HardBounces / Sent);

    public double ComplaintRate => ComplaintEligible == 0 ? 0 : Math.Min(1, (double)Complaints / ComplaintEligible);

    public ReputationFigures Add(ReputationFigures other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Sent + other.Sent, Delivered + other.Delivered, HardBounces + other.HardBounces, SoftBounces + other.SoftBounces,
            Complaints + other.Complaints, ComplaintEligible + other.ComplaintEligible, Suppressed + other.Suppressed, MinimumVolume);
    }
}

/// <summary>A decided change of state, with the sentence that explains it.</summary>
public sealed record ReputationTransition(ReputationState From, ReputationState To, string Reason);

/// <summary>
/// The automatic enforcement rules (docs/reputation.md#enforcement). Evaluated when events arrive: a representative window
/// at or over a pause threshold pauses, at or over a review threshold puts a healthy account under review; an account
/// under review whose rates fell below both review thresholds is healthy again. A paused account is resumed only by an admin.
/// </summary>
public static class ReputationRules
{
    public static ReputationTransition? Evaluate(ReputationState current, ReputationFigures figures, ReputationThresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(figures);
        ArgumentNullException.ThrowIfNull(thresholds);
        if (current == ReputationState.Paused || !figures.Representative)
        {
            return null;
        }

        var why = Describe(figures);
        if (figures.BounceRate >= thresholds.PauseBounceRate || figures.ComplaintRate >= thresholds.PauseComplaintRate)
        {
            return new ReputationTransition(current, ReputationState.Paused,
                $"{why} reached the pause threshold ({Percent(thresholds.PauseBounceRate)} bounces or {Percent(thresholds.PauseComplaintRate)} complaints).");
        }

        var review = figures.BounceRate >= thresholds.ReviewBounceRate || figures.ComplaintRate >= thresholds.ReviewComplaintRate;
        return (current, review) switch
        {
            (ReputationState.Healthy, true) => new ReputationTransition(current, ReputationState.UnderReview,
                $"{why} reached the review threshold ({Percent(thresholds.ReviewBounceRate)} bounces or {Percent(thresholds.ReviewComplaintRate)} complaints)."),
            (ReputationState.UnderReview, false) => new ReputationTransition(current, ReputationState.Healthy,
                $"{why} fell below the review thresholds."),
            _ => null,
        };
    }

    /// <summary>"Bounce rate 11.2 % (28 of 250), complaint rate 0.00 % (0 of 240)".</summary>
    public static string Describe(ReputationFigures figures)
    {
        ArgumentNullException.ThrowIfNull(figures);
        return $"Bounce rate {Percent(figures.BounceRate)} ({figures.HardBounces} of {figures.Sent}), complaint rate {Percent(figures.ComplaintRate)} ({figures.Complaints} of {figures.ComplaintEligible})";
    }

    public static string Percent(double rate) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{rate * 100:0.0#} %");
}
