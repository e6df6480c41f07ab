using SesConsole.Domain.Reputation;

namespace SesConsole.Domain.Tests.Reputation;

/// <summary>The automatic enforcement rules at SES's thresholds (docs/reputation.md#enforcement).</summary>
public sealed class ReputationRulesTests
{
    private static readonly ReputationThresholds Ses = ReputationThresholds.Ses;

    private static ReputationFigures Figures(long sent, long hardBounces, long complaints = 0, long? eligible = null, long minimum = 100) =>
        new(sent, sent - hardBounces, hardBounces, 0, complaints, eligible ?? sent - hardBounces, 0, minimum);

    [Theory]
    [InlineData(1000, 49, 0, ReputationState.Healthy, null)]                         // 4.9 %: nothing
    [InlineData(1000, 50, 0, ReputationState.Healthy, ReputationState.UnderReview)]  // 5 %: review
    [InlineData(1000, 100, 0, ReputationState.Healthy, ReputationState.Paused)]      // 10 %: pause, straight from healthy
    [InlineData(1000, 0, 1, ReputationState.Healthy, ReputationState.UnderReview)]   // 0.1 % complaints: review
    [InlineData(1000, 0, 5, ReputationState.UnderReview, ReputationState.Paused)]    // 0.5 % complaints: pause
    [InlineData(1000, 60, 0, ReputationState.UnderReview, null)]                     // still over review: stays
    [InlineData(1000, 10, 0, ReputationState.UnderReview, ReputationState.Healthy)]  // fell below: healthy again
    public void Thresholds_move_the_state(long sent, long bounces, long complaints, ReputationState current, ReputationState? expected)
    {
        var transition = ReputationRules.Evaluate(current, Figures(sent, bounces, complaints), Ses);

        Assert.Equal(expected, transition?.To);
    }

    [Fact]
    public void Below_the_minimum_volume_nothing_happens_however_bad_the_rates()
    {
        Assert.Null(ReputationRules.Evaluate(ReputationState.Healthy, Figures(sent: 99, hardBounces: 99), Ses));
        Assert.Equal(ReputationState.Paused, ReputationRules.Evaluate(ReputationState.Healthy, Figures(sent: 100, hardBounces: 99), Ses)?.To);
    }

    [Fact]
    public void A_paused_account_is_never_resumed_automatically()
    {
        Assert.Null(ReputationRules.Evaluate(ReputationState.Paused, Figures(sent: 10_000, hardBounces: 0), Ses));
    }

    [Fact]
    public void The_complaint_rate_is_over_complaint_eligible_deliveries_only()
    {
        // 1,000 sent, but only 100 delivered at receivers that send complaint feedback: 1 complaint is 1 %.
        var figures = Figures(sent: 1000, hardBounces: 0, complaints: 1, eligible: 100);

        Assert.Equal(0.01, figures.ComplaintRate, 6);
        Assert.Equal(ReputationState.Paused, ReputationRules.Evaluate(ReputationState.Healthy, figures, Ses)?.To);
        Assert.Equal(0, Figures(sent: 1000, hardBounces: 0, complaints: 0, eligible: 0).ComplaintRate);
    }

    [Fact]
    public void The_reason_names_the_rates_and_the_counts()
    {
        var transition = ReputationRules.Evaluate(ReputationState.Healthy, Figures(sent: 250, hardBounces: 28), Ses)!;

        Assert.Equal("Bounce rate 11.2 % (28 of 250), complaint rate 0.0 % (0 of 222) reached the pause threshold (10.0 % bounces or 0.5 % complaints).", transition.Reason);
    }
}
