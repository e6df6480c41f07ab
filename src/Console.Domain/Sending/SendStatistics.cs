namespace SesConsole.Domain.Sending;

/// <summary>What one stored send record contributes to <c>GetSendStatistics</c>.</summary>
public enum SendStatisticKind
{
    /// <summary>Recipients of an accepted message (SES "DeliveryAttempts").</summary>
    DeliveryAttempt,

    /// <summary>Bounced recipients.</summary>
    Bounce,

    /// <summary>Complaining recipients.</summary>
    Complaint,

    /// <summary>Messages SES accepted and then rejected (its Reject event, e.g. a virus), not pipeline errors.</summary>
    Reject,
}

/// <summary>One stored record: when, what, and how many recipients (or messages, for rejects) it counts.</summary>
public readonly record struct SendStatisticSample(DateTimeOffset At, SendStatisticKind Kind, int Count);

/// <summary>One 15-minute interval of <c>GetSendStatistics</c>; <see cref="Timestamp"/> is the interval's start (UTC).</summary>
public sealed record SendDataPoint(DateTimeOffset Timestamp, long DeliveryAttempts, long Bounces, long Complaints, long Rejects);

/// <summary>
/// SES <c>GetSendStatistics</c>: the sending account's activity of the last two weeks in 15-minute intervals. Like SES it
/// lists only intervals that have activity; here they are in time order.
/// </summary>
public static class SendStatistics
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(15);

    public static readonly TimeSpan Window = TimeSpan.FromDays(14);

    /// <summary>The start of the window ending at <paramref name="now"/> (records at or before it are left out).</summary>
    public static DateTimeOffset WindowStart(DateTimeOffset now) => now - Window;

    public static IReadOnlyList<SendDataPoint> Bucket(IEnumerable<SendStatisticSample> samples, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var since = WindowStart(now);
        var buckets = new SortedDictionary<long, long[]>();
        foreach (var sample in samples)
        {
            if (sample.At <= since || sample.At > now || sample.Count <= 0)
            {
                continue;
            }

            var start = sample.At.UtcTicks - (sample.At.UtcTicks % Interval.Ticks);
            if (!buckets.TryGetValue(start, out var counts))
            {
                counts = new long[4];
                buckets[start] = counts;
            }

            counts[(int)sample.Kind] += sample.Count;
        }

        return [.. buckets.Select(b => new SendDataPoint(new DateTimeOffset(b.Key, TimeSpan.Zero), b.Value[0], b.Value[1], b.Value[2], b.Value[3]))];
    }
}
