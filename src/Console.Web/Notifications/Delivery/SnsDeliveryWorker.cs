using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SesConsole.Web.Hosting;

namespace SesConsole.Web.Notifications.Delivery;

/// <summary>
/// Delivers SNS messages in the background (docs/notifications.md#delivery). It wakes on <see cref="SnsDeliverySignal"/>,
/// when a delivery finishes, or every <see cref="SnsDeliveryOptions.DeliveryPollInterval"/>; fans new messages out, then
/// keeps up to <see cref="NotificationsOptions.DeliveryParallelism"/> deliveries in flight, claiming a due one as soon as
/// a slot is free. There are no rounds, so a subscriber that hangs holds one slot until its timeout and never holds back
/// the deliveries to other subscribers; and the worker shares nothing with the send path but the database.
/// </summary>
public sealed class SnsDeliveryWorker(
    SnsDeliveryProcessor processor,
    SnsDeliverySignal signal,
    IOptions<SnsDeliveryOptions> options,
    IOptions<NotificationsOptions> notifications,
    TimeProvider time,
    ILogger<SnsDeliveryWorker> logger,
    WorkerHeartbeats? heartbeats = null) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = options.Value.DeliveryPollInterval;
        if (poll <= TimeSpan.Zero)
        {
            logger.LogInformation("The SNS delivery worker is off (Notifications:DeliveryPollInterval <= 0).");
            return;
        }

        await Task.Yield();
        var parallelism = notifications.Value.DeliveryParallelism;
        var batch = Math.Max(1, options.Value.DeliveryBatchSize);
        var inFlight = new ConcurrentDictionary<Guid, Task>();
        var forwarding = ForwardSignalsAsync(stoppingToken);
        using var beat = WorkerHeartbeats.StartOrNone(heartbeats, WorkerHeartbeats.Notifications, poll); // docs/observability.md#health-checks
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                beat.Beat();
                var more = false;
                try
                {
                    more = await processor.FanOutAsync(stoppingToken) >= batch;
                    var claimed = await processor.ClaimAsync(parallelism - inFlight.Count, stoppingToken);
                    foreach (var delivery in claimed)
                    {
                        var task = Task.Run(() => processor.DeliverAsync(delivery, stoppingToken), CancellationToken.None);
                        inFlight[delivery.Delivery.Id] = task;
                        _ = task.ContinueWith(_ =>
                        {
                            inFlight.TryRemove(delivery.Delivery.Id, out Task? _);
                            Wake();
                        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    logger.LogError(ex, "An SNS delivery pass failed; the next pass retries.");
                }

                if (!more)
                {
                    await WaitAsync(poll, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            // The deliveries in flight see the stop, give their claims back and end.
            await Task.WhenAll(inFlight.Values);
            await forwarding;
        }
    }

    private void Wake()
    {
        try
        {
            if (_wake.CurrentCount == 0)
            {
                _wake.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already awake.
        }
    }

    private async Task WaitAsync(TimeSpan poll, CancellationToken ct)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var woken = _wake.WaitAsync(done.Token);
        var delay = Task.Delay(poll, time, done.Token);
        await Task.WhenAny(woken, delay);
        await done.CancelAsync();
        try
        {
            await Task.WhenAll(woken, delay);
        }
        catch (OperationCanceledException)
        {
            // The other wait, cancelled.
        }

        ct.ThrowIfCancellationRequested();
    }

    /// <summary>Turns the send side's <see cref="SnsDeliverySignal"/> into a wake-up of this loop.</summary>
    private async Task ForwardSignalsAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                if (await signal.WaitAsync(Timeout.InfiniteTimeSpan, ct))
                {
                    Wake();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }
}
