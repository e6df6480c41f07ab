namespace SesConsole.Domain.Sending;

/// <summary>
/// A token bucket's stored state: the tokens left at <see cref="At"/>. The bucket holds at most one second of the rate
/// (SES's "maximum send rate" is per second) and refills continuously.
/// </summary>
public readonly record struct TokenBucketState(double Tokens, DateTimeOffset At);

/// <summary>
/// The arithmetic behind <see cref="ISendingQuota"/>, pure so the data layer can run it inside its transaction and tests can
/// pin it. Rate and quota count recipients.
/// </summary>
public static class SendQuotaMath
{
    /// <summary>The rolling window of the daily quota.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    /// <summary>Whether <paramref name="charge"/> more recipients fit in <paramref name="max24HourSend"/> (−1 = unlimited).</summary>
    public static bool FitsDailyQuota(double max24HourSend, double sentLast24Hours, int charge) =>
        max24HourSend < 0 || charge == 0 || sentLast24Hours + charge <= max24HourSend;

    /// <summary>The bucket refilled up to <paramref name="now"/> (capacity = one second of <paramref name="maxSendRate"/>, at least 1).</summary>
    public static TokenBucketState Refill(TokenBucketState state, double maxSendRate, DateTimeOffset now)
    {
        var capacity = Math.Max(1, maxSendRate);
        var elapsed = Math.Max(0, (now - state.At).TotalSeconds);
        return new TokenBucketState(Math.Min(capacity, state.Tokens + (elapsed * maxSendRate)), now > state.At ? now : state.At);
    }

    /// <summary>
    /// Takes <paramref name="recipients"/> tokens if the refilled bucket has them. A message with more recipients than the
    /// capacity passes when the bucket is full (otherwise it could never be sent) and leaves it empty.
    /// </summary>
    public static bool TryTake(ref TokenBucketState state, double maxSendRate, int recipients, DateTimeOffset now)
    {
        var refilled = Refill(state, maxSendRate, now);
        var capacity = Math.Max(1, maxSendRate);
        var need = Math.Min(recipients, capacity);
        if (refilled.Tokens + 1e-9 < need)
        {
            state = refilled;
            return false;
        }

        state = refilled with { Tokens = Math.Max(0, refilled.Tokens - need) };
        return true;
    }

    /// <summary>A new account's bucket: full.</summary>
    public static TokenBucketState Full(double maxSendRate, DateTimeOffset now) => new(Math.Max(1, maxSendRate), now);
}
