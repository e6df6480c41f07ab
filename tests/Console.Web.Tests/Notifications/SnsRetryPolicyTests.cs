using SesConsole.Web.Notifications.Delivery;

namespace SesConsole.Web.Tests.Notifications;

public sealed class SnsRetryPolicyTests
{
    [Fact]
    public void Default_HTTP_policy_is_three_retries_twenty_seconds_apart()
    {
        var policy = SnsEffectiveDeliveryPolicy.For(null, null).Retry;

        Assert.Equal([20, 20, 20], Enumerable.Range(1, 3).Select(r => policy.DelayBeforeRetry(r)!.Value.TotalSeconds));
        Assert.Null(policy.DelayBeforeRetry(4));
    }

    [Fact]
    public void Phases_run_immediate_then_minimum_then_backoff_then_maximum()
    {
        var policy = SnsEffectiveDeliveryPolicy.For(null,
            """{"healthyRetryPolicy":{"numRetries":8,"numNoDelayRetries":1,"minDelayTarget":2,"numMinDelayRetries":2,"maxDelayTarget":10,"numMaxDelayRetries":2,"backoffFunction":"linear"}}""").Retry;

        Assert.Equal([0, 2, 2, 5, 7, 10, 10, 10], Enumerable.Range(1, 8).Select(r => policy.DelayBeforeRetry(r)!.Value.TotalSeconds));
        Assert.Null(policy.DelayBeforeRetry(9));
    }

    [Theory]
    [InlineData("exponential")]
    [InlineData("geometric")]
    [InlineData("arithmetic")]
    [InlineData("linear")]
    public void Every_backoff_function_climbs_from_the_minimum_to_the_maximum(string function)
    {
        var policy = SnsEffectiveDeliveryPolicy.For(null,
            $$$"""{"healthyRetryPolicy":{"numRetries":6,"minDelayTarget":1,"maxDelayTarget":60,"backoffFunction":"{{{function}}}"}}""").Retry;
        var delays = Enumerable.Range(1, 6).Select(r => policy.DelayBeforeRetry(r)!.Value.TotalSeconds).ToList();

        Assert.Equal(delays.Order(), delays);
        Assert.InRange(delays[0], 1, 60);
        Assert.Equal(60, delays[^1]);
    }

    [Fact]
    public void The_topic_policy_applies_unless_the_subscription_overrides_it_and_overrides_can_be_disabled()
    {
        const string topic = """{"http":{"defaultHealthyRetryPolicy":{"numRetries":5,"minDelayTarget":3,"maxDelayTarget":3},"defaultThrottlePolicy":{"maxReceivesPerSecond":4}}}""";
        const string subscription = """{"healthyRetryPolicy":{"numRetries":1}}""";

        Assert.Equal(5, SnsEffectiveDeliveryPolicy.For(topic, null).Retry.NumRetries);
        Assert.Equal(4, SnsEffectiveDeliveryPolicy.For(topic, null).MaxReceivesPerSecond);
        var overridden = SnsEffectiveDeliveryPolicy.For(topic, subscription).Retry;
        Assert.Equal((1, 3), (overridden.NumRetries, overridden.MinDelayTarget));
        Assert.Equal(5, SnsEffectiveDeliveryPolicy.For(topic.Replace("\"http\":{", "\"http\":{\"disableSubscriptionOverrides\":true,", StringComparison.Ordinal), subscription).Retry.NumRetries);
    }

    [Theory]
    [InlineData("""{"healthyRetryPolicy":{"numRetries":100,"minDelayTarget":60,"maxDelayTarget":60}}""")] // 6,000 s > 3,600 s
    [InlineData("""{"healthyRetryPolicy":{"numRetries":3,"minDelayTarget":30,"maxDelayTarget":10}}""")]
    [InlineData("not json")]
    public void A_policy_SNS_would_refuse_leaves_the_default(string policy) =>
        Assert.Equal(SnsRetryPolicy.HttpDefault, SnsEffectiveDeliveryPolicy.For(null, policy).Retry);

    [Fact]
    public void Email_gets_SNSs_fixed_SMTP_policy_of_fifty_tries()
    {
        var policy = SnsRetryPolicy.EmailDefault;

        Assert.Equal(49, policy.NumRetries);
        Assert.Equal(10, policy.DelayBeforeRetry(1)!.Value.TotalSeconds);
        Assert.Equal(10, policy.DelayBeforeRetry(2)!.Value.TotalSeconds);
        Assert.Equal(600, policy.DelayBeforeRetry(12)!.Value.TotalSeconds);
        Assert.Equal(600, policy.DelayBeforeRetry(49)!.Value.TotalSeconds);
    }
}
