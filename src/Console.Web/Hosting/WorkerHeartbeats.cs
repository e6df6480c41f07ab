using System.Collections.Concurrent;

namespace SesConsole.Web.Hosting;

/// <summary>
/// Where the background workers say they are alive (docs/observability.md#health-checks). A worker that runs calls
/// <see cref="Start"/> with its loop's interval once, then <see cref="Heartbeat.Beat"/> on each pass of its loop; the ready
/// check reports it stale when its last beat is older than <see cref="HealthOptions.StaleAfterIntervals"/> intervals (and
/// at least <see cref="HealthOptions.MinimumStaleAfter"/>). A worker that is off never starts a heartbeat, and one that
/// ends disposes it; a worker that ended with an exception is caught by its hosted service's task instead.
/// Time is the injected <see cref="TimeProvider"/>'s; a beat is one timestamp write, no allocation.
/// </summary>
public sealed class WorkerHeartbeats(TimeProvider time)
{
    public const string Delivery = "delivery";
    public const string Notifications = "sns-delivery";
    public const string Retention = "retention";
    public const string Enforcement = "enforcement";

    private readonly ConcurrentDictionary<string, Heartbeat> _workers = new(StringComparer.Ordinal);

    /// <summary>Registers <paramref name="worker"/> as running with a loop of <paramref name="interval"/> and beats once.</summary>
    public Heartbeat Start(string worker, TimeSpan interval)
    {
        var heartbeat = new Heartbeat(this, worker, interval);
        heartbeat.Beat();
        _workers[worker] = heartbeat;
        return heartbeat;
    }

    /// <summary><see cref="Start"/>, or a heartbeat that records nothing without a registry (a host without health checks).</summary>
    public static Heartbeat StartOrNone(WorkerHeartbeats? registry, string worker, TimeSpan interval) =>
        registry?.Start(worker, interval) ?? Heartbeat.None;

    /// <summary>A beat of a running worker from inside its work (a long round); nothing when it is not running.</summary>
    public void Beat(string worker)
    {
        if (_workers.TryGetValue(worker, out var heartbeat))
        {
            heartbeat.Beat();
        }
    }

    /// <summary>The running workers: name, interval and last beat.</summary>
    public IReadOnlyList<(string Worker, TimeSpan Interval, DateTimeOffset LastBeat)> Snapshot() =>
        [.. _workers.Values.Select(h => (h.Worker, h.Interval, h.LastBeat)).OrderBy(w => w.Worker, StringComparer.Ordinal)];

    internal DateTimeOffset Now => time.GetUtcNow();

    internal void Stopped(Heartbeat heartbeat) => _workers.TryRemove(new KeyValuePair<string, Heartbeat>(heartbeat.Worker, heartbeat));

    /// <summary>One running worker's heartbeat; dispose when the worker's loop ends.</summary>
    public sealed class Heartbeat : IDisposable
    {
        private readonly WorkerHeartbeats? _registry;
        private long _lastBeatTicks;

        internal Heartbeat(WorkerHeartbeats? registry, string worker, TimeSpan interval)
        {
            _registry = registry;
            Worker = worker;
            Interval = interval;
        }

        /// <summary>A heartbeat that records nothing.</summary>
        public static Heartbeat None { get; } = new(null, "", TimeSpan.Zero);

        public string Worker { get; }

        public TimeSpan Interval { get; }

        public DateTimeOffset LastBeat => new(Interlocked.Read(ref _lastBeatTicks), TimeSpan.Zero);

        public void Beat()
        {
            if (_registry is not null)
            {
                Interlocked.Exchange(ref _lastBeatTicks, _registry.Now.UtcTicks);
            }
        }

        public void Dispose() => _registry?.Stopped(this);
    }
}
