using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace SesConsole.Web.Components.Account;

/// <summary>Bound from <c>SignIn:Throttle</c>. The defaults are the ones <c>docs/console-security.md</c> describes.</summary>
public sealed class SignInThrottleOptions
{
    public const string SectionName = "SignIn:Throttle";

    /// <summary>How long a failure counts (a sliding window). Defaults to 15 minutes.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Failures for one user name (from any address) before each further attempt waits. Defaults to 5.</summary>
    public int FreeFailuresPerUserName { get; set; } = 5;

    /// <summary>Failures from one client address (for any user names) before each further attempt waits; higher than the
    /// per-user number because people behind one NAT share an address. Defaults to 20.</summary>
    public int FreeFailuresPerAddress { get; set; } = 20;

    /// <summary>The first wait; each further failure doubles it. Defaults to 1 second.</summary>
    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait (at most a minute: the throttle slows guessing, it never locks anybody out). Defaults to 60 seconds.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>User names and addresses remembered at once, each; past it the stalest are forgotten. Defaults to 10,000.</summary>
    public int MaxTrackedKeys { get; set; } = 10_000;
}

/// <summary>
/// Slows repeated failed console sign-ins per client address and per user name, in process. Each attempt that is let
/// through counts as a failure at once (so a parallel burst cannot get more guesses than a sequential one); a successful
/// sign-in takes its own attempt back from the address and clears the user name. While a key waits, attempts are refused
/// without a password check and without counting. Nothing here depends on whether the user exists. See
/// <c>docs/console-security.md</c>.
/// </summary>
public sealed class SignInThrottle(TimeProvider time, IOptions<SignInThrottleOptions> options)
{
    private readonly SignInThrottleOptions _options = options.Value;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Failures> _byUserName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Failures> _byAddress = new(StringComparer.Ordinal);

    /// <summary>An attempt that was let through, to report back with <see cref="Succeeded"/>.</summary>
    public sealed record Attempt(string UserNameKey, string AddressKey, DateTimeOffset At);

    /// <summary>
    /// Either lets the attempt through (and counts it as a failure until <see cref="Succeeded"/> says otherwise) or says how
    /// long to wait. <paramref name="userName"/> is matched case-insensitively after trimming.
    /// </summary>
    public (Attempt? Attempt, TimeSpan Wait) TryBegin(string userName, IPAddress? address)
    {
        ArgumentNullException.ThrowIfNull(userName);
        var now = time.GetUtcNow();
        var userKey = userName.Trim().ToUpperInvariant();
        var addressKey = AddressKey(address);
        lock (_lock)
        {
            var wait = TimeSpan.Zero;
            if (_byUserName.TryGetValue(userKey, out var forUser))
            {
                wait = Max(wait, WaitOf(forUser, _options.FreeFailuresPerUserName, now));
            }

            if (_byAddress.TryGetValue(addressKey, out var forAddress))
            {
                wait = Max(wait, WaitOf(forAddress, _options.FreeFailuresPerAddress, now));
            }

            if (wait > TimeSpan.Zero)
            {
                return (null, wait);
            }

            Record(_byUserName, userKey, _options.FreeFailuresPerUserName, now);
            Record(_byAddress, addressKey, _options.FreeFailuresPerAddress, now);
            return (new Attempt(userKey, addressKey, now), TimeSpan.Zero);
        }
    }

    /// <summary>The attempt signed in: the user name starts afresh and the address no longer counts this attempt (its
    /// other failures stay, so signing in to one's own account does not reset guessing at others').</summary>
    public void Succeeded(Attempt attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        lock (_lock)
        {
            _byUserName.Remove(attempt.UserNameKey);
            if (_byAddress.TryGetValue(attempt.AddressKey, out var forAddress))
            {
                forAddress.Remove(attempt.At);
                if (forAddress.Count == 0)
                {
                    _byAddress.Remove(attempt.AddressKey);
                }
            }
        }
    }

    /// <summary>Keys currently remembered (user names + addresses), for tests of the memory bound.</summary>
    public int TrackedKeys
    {
        get
        {
            lock (_lock)
            {
                return _byUserName.Count + _byAddress.Count;
            }
        }
    }

    /// <summary>The throttle's key for a client address: IPv4 (also IPv4-mapped IPv6) as is, IPv6 by its /64 prefix (one
    /// host usually holds a whole /64), "unknown" when the server has no address (in-memory test server).</summary>
    public static string AddressKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    private TimeSpan WaitOf(Failures failures, int free, DateTimeOffset now)
    {
        failures.Forget(now - _options.Window);
        if (failures.Count < free || failures.Last is not { } last)
        {
            return TimeSpan.Zero;
        }

        var wait = last + DelayAfter(failures.Count - free) - now;
        return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
    }

    /// <summary>FirstDelay × 2^beyond, capped at MaxDelay.</summary>
    private TimeSpan DelayAfter(int beyond)
    {
        var delay = _options.FirstDelay;
        for (var i = 0; i < beyond && delay < _options.MaxDelay; i++)
        {
            delay += delay;
        }

        return delay < _options.MaxDelay ? delay : _options.MaxDelay;
    }

    private void Record(Dictionary<string, Failures> table, string key, int free, DateTimeOffset now)
    {
        if (!table.TryGetValue(key, out var failures))
        {
            if (table.Count >= _options.MaxTrackedKeys)
            {
                Shrink(table, now);
            }

            // Past the point where the delay reaches its cap, older failures change nothing: keep only that many.
            failures = new Failures(free + StepsToMaxDelay() + 1);
            table[key] = failures;
        }

        failures.Add(now);
    }

    private int StepsToMaxDelay()
    {
        var steps = 0;
        for (var delay = _options.FirstDelay; delay < _options.MaxDelay && delay > TimeSpan.Zero; delay += delay)
        {
            steps++;
        }

        return steps;
    }

    /// <summary>Drops expired keys, then the stalest tenth, so that the table never outgrows MaxTrackedKeys and the cost of
    /// shrinking is paid once per many new keys.</summary>
    private void Shrink(Dictionary<string, Failures> table, DateTimeOffset now)
    {
        var since = now - _options.Window;
        foreach (var (key, failures) in table)
        {
            failures.Forget(since);
            if (failures.Count == 0)
            {
                table.Remove(key);
            }
        }

        var excess = table.Count - (_options.MaxTrackedKeys * 9 / 10);
        if (excess <= 0)
        {
            return;
        }

        foreach (var key in table.OrderBy(e => e.Value.Last).Take(excess).Select(e => e.Key).ToList())
        {
            table.Remove(key);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>The recent failures of one key, oldest first, at most <c>capacity</c>.</summary>
    private sealed class Failures(int capacity)
    {
        private readonly LinkedList<DateTimeOffset> _times = new();

        public int Count => _times.Count;

        public DateTimeOffset? Last => _times.Last?.Value;

        public void Add(DateTimeOffset at)
        {
            _times.AddLast(at);
            if (_times.Count > capacity)
            {
                _times.RemoveFirst();
            }
        }

        public void Remove(DateTimeOffset at)
        {
            for (var node = _times.Last; node is not null; node = node.Previous)
            {
                if (node.Value == at)
                {
                    _times.Remove(node);
                    return;
                }
            }
        }

        public void Forget(DateTimeOffset before)
        {
            while (_times.First is { } first && first.Value <= before)
            {
                _times.RemoveFirst();
            }
        }
    }
}
