using System.Text.Json;

namespace SesConsole.Domain.Notifications;

/// <summary>
/// Checks the shape of an SNS HTTP/S delivery policy (docs/notifications.md#topics): a topic's
/// <c>{"http": {"defaultHealthyRetryPolicy": …, "disableSubscriptionOverrides": …, "defaultThrottlePolicy": …,
/// "defaultRequestPolicy": …}}</c> or a subscription's <c>{"healthyRetryPolicy": …, "throttlePolicy": …, "requestPolicy": …}</c>.
/// Only the shape and SNS's ranges are checked here; the delivery worker applies the policy.
/// </summary>
public static class DeliveryPolicyShape
{
    /// <summary>SNS's default HTTP/S delivery policy (3 retries 20 s apart), what <c>EffectiveDeliveryPolicy</c> shows for a topic without one.</summary>
    public const string DefaultTopicPolicy =
        """{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}""";

    private static readonly string[] RetryFields = ["minDelayTarget", "maxDelayTarget", "numRetries", "numMaxDelayRetries", "numNoDelayRetries", "numMinDelayRetries", "backoffFunction"];
    private static readonly string[] BackoffFunctions = ["linear", "arithmetic", "geometric", "exponential"];

    /// <summary>Null when <paramref name="json"/> is a valid topic delivery policy; otherwise what is wrong.</summary>
    public static string? CheckTopicPolicy(string json) => Check(json, topic: true);

    /// <summary>Null when <paramref name="json"/> is a valid subscription delivery policy; otherwise what is wrong.</summary>
    public static string? CheckSubscriptionPolicy(string json) => Check(json, topic: false);

    private static string? Check(string json, bool topic)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return "the delivery policy must be a JSON object";
            }

            if (!topic)
            {
                return CheckHttp(root, subscription: true);
            }

            foreach (var property in root.EnumerateObject())
            {
                if (property.Name != "http")
                {
                    return $"unsupported protocol '{property.Name}' in the delivery policy (only \"http\")";
                }

                if (property.Value.ValueKind != JsonValueKind.Object)
                {
                    return "\"http\" must be an object";
                }

                if (CheckHttp(property.Value, subscription: false) is { } error)
                {
                    return error;
                }
            }

            return null;
        }
        catch (JsonException e)
        {
            return $"the delivery policy is not JSON ({e.Message})";
        }
    }

    private static string? CheckHttp(JsonElement http, bool subscription)
    {
        var prefix = subscription ? "" : "default";
        foreach (var property in http.EnumerateObject())
        {
            var name = property.Name;
            if (name == (subscription ? "healthyRetryPolicy" : "defaultHealthyRetryPolicy"))
            {
                if (CheckRetry(property.Value) is { } error)
                {
                    return error;
                }
            }
            else if (name == (subscription ? "throttlePolicy" : "defaultThrottlePolicy"))
            {
                if (property.Value.ValueKind != JsonValueKind.Object)
                {
                    return $"\"{name}\" must be an object";
                }

                foreach (var t in property.Value.EnumerateObject())
                {
                    if (t.Name != "maxReceivesPerSecond" || t.Value.ValueKind != JsonValueKind.Number || !t.Value.TryGetInt32(out var rate) || rate < 1)
                    {
                        return $"\"{name}\" takes only maxReceivesPerSecond, a whole number of at least 1";
                    }
                }
            }
            else if (name == (subscription ? "requestPolicy" : "defaultRequestPolicy"))
            {
                if (property.Value.ValueKind != JsonValueKind.Object)
                {
                    return $"\"{name}\" must be an object";
                }

                foreach (var r in property.Value.EnumerateObject())
                {
                    if (r.Name != "headerContentType" || r.Value.ValueKind != JsonValueKind.String)
                    {
                        return $"\"{name}\" takes only headerContentType, a string";
                    }
                }
            }
            else if (!subscription && name == "disableSubscriptionOverrides")
            {
                if (property.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    return "\"disableSubscriptionOverrides\" must be true or false";
                }
            }
            else
            {
                return $"unknown field '{name}' in the delivery policy (expected {prefix}HealthyRetryPolicy, {prefix}ThrottlePolicy, {prefix}RequestPolicy{(subscription ? "" : ", disableSubscriptionOverrides")})";
            }
        }

        return null;
    }

    private static string? CheckRetry(JsonElement retry)
    {
        if (retry.ValueKind != JsonValueKind.Object)
        {
            return "the retry policy must be an object";
        }

        var values = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var field in retry.EnumerateObject())
        {
            if (Array.IndexOf(RetryFields, field.Name) < 0)
            {
                return $"unknown field '{field.Name}' in the retry policy";
            }

            if (field.Name == "backoffFunction")
            {
                if (field.Value.ValueKind != JsonValueKind.String || Array.IndexOf(BackoffFunctions, field.Value.GetString()) < 0)
                {
                    return "backoffFunction must be linear, arithmetic, geometric or exponential";
                }

                continue;
            }

            if (field.Value.ValueKind != JsonValueKind.Number || !field.Value.TryGetInt32(out var n) || n < 0)
            {
                return $"{field.Name} must be a whole number of at least 0";
            }

            values[field.Name] = n;
        }

        var min = values.GetValueOrDefault("minDelayTarget", 20);
        var max = values.GetValueOrDefault("maxDelayTarget", 20);
        var retries = values.GetValueOrDefault("numRetries", 3);
        if (min < 1 || max < min || max > 3600)
        {
            return "delay targets must satisfy 1 <= minDelayTarget <= maxDelayTarget <= 3600";
        }

        if (retries > 100)
        {
            return "numRetries must be at most 100";
        }

        var phases = values.GetValueOrDefault("numNoDelayRetries") + values.GetValueOrDefault("numMinDelayRetries") + values.GetValueOrDefault("numMaxDelayRetries");
        if (phases > retries)
        {
            return "numNoDelayRetries + numMinDelayRetries + numMaxDelayRetries must not exceed numRetries";
        }

        return (long)retries * max > 3600 ? "the retry policy must finish within 3600 seconds (numRetries x maxDelayTarget)" : null;
    }
}
