using System.Text.Json;

namespace SesConsole.Web.Notifications.Delivery;

/// <summary>How the delays of a retry policy's backoff phase grow from the minimum to the maximum delay.</summary>
public enum SnsBackoffFunction
{
    Linear,
    Arithmetic,
    Geometric,
    Exponential,
}

/// <summary>
/// An SNS retry policy (docs/notifications.md#delivery): after the first try, <see cref="NumRetries"/> retries in four
/// phases — immediate ones, some at the minimum delay, a backoff phase climbing from the minimum to the maximum delay,
/// and the rest at the maximum delay. When it runs out the message is dropped for that subscription.
/// </summary>
public sealed record SnsRetryPolicy(
    int NumRetries,
    int NumNoDelayRetries,
    int MinDelayTarget,
    int NumMinDelayRetries,
    int MaxDelayTarget,
    int NumMaxDelayRetries,
    SnsBackoffFunction BackoffFunction)
{
    /// <summary>SNS's retry policy for HTTP/S endpoints: 3 retries, 20 seconds apart.</summary>
    public static SnsRetryPolicy HttpDefault { get; } = new(3, 0, 20, 0, 20, 0, SnsBackoffFunction.Linear);

    /// <summary>
    /// SNS's fixed policy for email (SMTP) endpoints: 2 retries 10 seconds apart, 10 retries backing off exponentially
    /// from 10 to 600 seconds, then 37 more 600 seconds apart (50 tries over about 6 hours).
    /// </summary>
    public static SnsRetryPolicy EmailDefault { get; } = new(49, 0, 10, 2, 600, 37, SnsBackoffFunction.Exponential);

    /// <summary>SNS's cap on the retry time of an HTTP/S policy.</summary>
    public const int MaxTotalSeconds = 3600;

    /// <summary>
    /// The delay before retry number <paramref name="retry"/> (1-based: 1 is the retry after the first try), or
    /// <see langword="null"/> when the policy has no such retry (the delivery failed for good).
    /// </summary>
    public TimeSpan? DelayBeforeRetry(int retry)
    {
        if (retry < 1 || retry > NumRetries)
        {
            return null;
        }

        if (retry <= NumNoDelayRetries)
        {
            return TimeSpan.Zero;
        }

        var i = retry - NumNoDelayRetries;
        if (i <= NumMinDelayRetries)
        {
            return TimeSpan.FromSeconds(MinDelayTarget);
        }

        i -= NumMinDelayRetries;
        var backoff = BackoffRetries;
        if (i <= backoff)
        {
            return TimeSpan.FromSeconds(BackoffDelay(i, backoff));
        }

        return TimeSpan.FromSeconds(MaxDelayTarget);
    }

    /// <summary>The retries of the backoff phase: what the other three phases leave of <see cref="NumRetries"/>.</summary>
    public int BackoffRetries => Math.Max(0, NumRetries - NumNoDelayRetries - NumMinDelayRetries - NumMaxDelayRetries);

    /// <summary>The sum of every retry's delay.</summary>
    public double TotalSeconds => Enumerable.Range(1, NumRetries).Sum(r => DelayBeforeRetry(r)!.Value.TotalSeconds);

    /// <summary>
    /// Delay of the <paramref name="i"/>-th of <paramref name="n"/> backoff retries, in whole seconds, from the minimum
    /// (before the first) to the maximum (at the last). AWS draws the four curves without formulas; these are ours.
    /// </summary>
    private double BackoffDelay(int i, int n)
    {
        double min = MinDelayTarget, max = MaxDelayTarget;
        if (n <= 1 || max <= min)
        {
            return max;
        }

        var x = (double)i / n; // 0 < x <= 1
        var share = BackoffFunction switch
        {
            SnsBackoffFunction.Linear => x,
            SnsBackoffFunction.Arithmetic => x * (i + 1) / (n + 1), // the step grows by the same amount each retry
            SnsBackoffFunction.Geometric => (Math.Pow(max / Math.Max(min, 1), x) - 1) / (max / Math.Max(min, 1) - 1),
            _ => (Math.Pow(2, i) - 1) / (Math.Pow(2, n) - 1),
        };
        return Math.Round(min + ((max - min) * share));
    }
}

/// <summary>
/// The delivery policy of one HTTP/S subscription: the retry policy, the throttle and the content type, from the
/// subscription's <c>DeliveryPolicy</c> over the topic's over SNS's defaults (docs/notifications.md#delivery).
/// </summary>
public sealed record SnsEffectiveDeliveryPolicy(SnsRetryPolicy Retry, double? MaxReceivesPerSecond, string? HeaderContentType)
{
    public static SnsEffectiveDeliveryPolicy HttpDefault { get; } = new(SnsRetryPolicy.HttpDefault, null, null);

    public static SnsEffectiveDeliveryPolicy Email { get; } = new(SnsRetryPolicy.EmailDefault, null, null);

    /// <summary>
    /// Combines the topic's policy (SNS's topic shape <c>{"http": {"defaultHealthyRetryPolicy", "defaultThrottlePolicy",
    /// "defaultRequestPolicy", "disableSubscriptionOverrides"}}</c>, or the subscription shape) with the subscription's
    /// (<c>{"healthyRetryPolicy", "throttlePolicy", "requestPolicy"}</c>). A field the policies leave out keeps SNS's
    /// default; a policy that cannot be read, or whose retries would take longer than an hour, is ignored.
    /// </summary>
    public static SnsEffectiveDeliveryPolicy For(string? topicPolicy, string? subscriptionPolicy)
    {
        var retry = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        double? throttle = null;
        string? contentType = null;
        var overridable = true;
        if (Read(topicPolicy) is { } topic)
        {
            var http = topic.TryGetProperty("http", out var h) && h.ValueKind == JsonValueKind.Object ? h : topic;
            Merge(retry, http, "defaultHealthyRetryPolicy", "healthyRetryPolicy");
            throttle = Throttle(http, "defaultThrottlePolicy", "throttlePolicy") ?? throttle;
            contentType = ContentType(http, "defaultRequestPolicy", "requestPolicy") ?? contentType;
            overridable = !(http.TryGetProperty("disableSubscriptionOverrides", out var d) && d.ValueKind == JsonValueKind.True);
        }

        if (overridable && Read(subscriptionPolicy) is { } subscription)
        {
            Merge(retry, subscription, "healthyRetryPolicy");
            throttle = Throttle(subscription, "throttlePolicy") ?? throttle;
            contentType = ContentType(subscription, "requestPolicy") ?? contentType;
        }

        return new SnsEffectiveDeliveryPolicy(RetryOf(retry), throttle, contentType);
    }

    private static SnsRetryPolicy RetryOf(Dictionary<string, JsonElement> fields)
    {
        var d = SnsRetryPolicy.HttpDefault;
        var min = Int(fields, "minDelayTarget", d.MinDelayTarget);
        var max = Int(fields, "maxDelayTarget", Math.Max(d.MaxDelayTarget, min));
        var function = fields.TryGetValue("backoffFunction", out var f) && f.ValueKind == JsonValueKind.String
            && Enum.TryParse<SnsBackoffFunction>(f.GetString(), ignoreCase: true, out var parsed) ? parsed : d.BackoffFunction;
        var policy = new SnsRetryPolicy(Int(fields, "numRetries", d.NumRetries), Int(fields, "numNoDelayRetries", 0), min,
            Int(fields, "numMinDelayRetries", 0), max, Int(fields, "numMaxDelayRetries", 0), function);
        var valid = policy.NumRetries is >= 0 and <= 100 && policy.MinDelayTarget >= 1 && policy.MaxDelayTarget >= policy.MinDelayTarget
            && policy.NumNoDelayRetries >= 0 && policy.NumMinDelayRetries >= 0 && policy.NumMaxDelayRetries >= 0
            && policy.NumNoDelayRetries + policy.NumMinDelayRetries + policy.NumMaxDelayRetries <= policy.NumRetries
            && policy.TotalSeconds <= SnsRetryPolicy.MaxTotalSeconds;
        return valid ? policy : d;
    }

    private static int Int(Dictionary<string, JsonElement> fields, string name, int fallback) =>
        fields.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : fallback;

    private static void Merge(Dictionary<string, JsonElement> into, JsonElement policy, params string[] names)
    {
        foreach (var name in names)
        {
            if (policy.TryGetProperty(name, out var retry) && retry.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in retry.EnumerateObject())
                {
                    into[property.Name] = property.Value.Clone();
                }
            }
        }
    }

    private static double? Throttle(JsonElement policy, params string[] names)
    {
        foreach (var name in names)
        {
            if (policy.TryGetProperty(name, out var t) && t.ValueKind == JsonValueKind.Object
                && t.TryGetProperty("maxReceivesPerSecond", out var m) && m.ValueKind == JsonValueKind.Number && m.GetDouble() > 0)
            {
                return m.GetDouble();
            }
        }

        return null;
    }

    private static string? ContentType(JsonElement policy, params string[] names)
    {
        foreach (var name in names)
        {
            if (policy.TryGetProperty(name, out var r) && r.ValueKind == JsonValueKind.Object
                && r.TryGetProperty("headerContentType", out var c) && c.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(c.GetString()))
            {
                return c.GetString();
            }
        }

        return null;
    }

    private static JsonElement? Read(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
