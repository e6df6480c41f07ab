namespace SesConsole.Web.Notifications;

/// <summary>
/// Wakes the SNS delivery worker after a commit added <see cref="SesConsole.Data.Entities.SnsMessageEntity"/> rows, so a
/// message goes out at once instead of at the next poll. Losing a signal only delays delivery to the next poll.
/// </summary>
public sealed class SnsDeliverySignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    /// <summary>Called after committing new SNS messages.</summary>
    public void Notify()
    {
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

    /// <summary>Waits for a signal or the timeout; true when signalled.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);

    public void Dispose() => _signal.Dispose();
}
