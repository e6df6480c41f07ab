using System.Collections.Concurrent;
using SesConsole.Data;

namespace SesConsole.Web.Reputation;

/// <summary>
/// Tells the enforcement evaluator which accounts' reputation changed (docs/reputation.md#enforcement): writers call
/// <see cref="Changed"/> after committing bounces or complaints, and the evaluator takes the accounts with
/// <see cref="TakeAsync"/>. A lost signal only delays the evaluation to the evaluator's next periodic pass.
/// </summary>
public sealed class ReputationSignal : IDisposable
{
    private readonly ConcurrentDictionary<string, byte> _accounts = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _signal = new(0, 1);

    /// <summary>Called after a commit that added counted bounces or complaints (or any reputation delta) for <paramref name="accountId"/>.</summary>
    public void Changed(string accountId)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        _accounts.TryAdd(accountId, 0);
        try
        {
            if (_signal.CurrentCount == 0)
            {
                _signal.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    /// <summary>Calls <see cref="Changed(string)"/> when <paramref name="counts"/> (just committed) hold counted bounces or complaints of real traffic.</summary>
    public void Changed(string accountId, IEnumerable<ReputationDelta> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Any(d => !d.Test && (d.HardBounces > 0 || d.Complaints > 0)))
        {
            Changed(accountId);
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for a change; returns the accounts changed since the last call (possibly none).</summary>
    public async Task<IReadOnlyList<string>> TakeAsync(TimeSpan timeout, CancellationToken ct)
    {
        await _signal.WaitAsync(timeout, ct);
        var taken = new List<string>();
        foreach (var account in _accounts.Keys)
        {
            if (_accounts.TryRemove(account, out _))
            {
                taken.Add(account);
            }
        }

        return taken;
    }

    public void Dispose() => _signal.Dispose();
}
