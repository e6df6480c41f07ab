using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SesConsole.Data;
using SesConsole.Data.Entities;

namespace SesConsole.Web.Sending.Delivery;

/// <summary>
/// Slows acceptance down to the delivery rate when the outbox falls behind (docs/send-pipeline.md#flow-control), as
/// Postfix's <c>in_flow_delay</c> does: an accept that would add mail for real recipients while more than
/// <see cref="DeliveryOptions.MaxBacklog"/> messages are due and undelivered waits, in short steps, until the backlog is
/// below the mark again or <see cref="DeliveryOptions.InFlowDelay"/> has passed, and then goes ahead either way. Nothing
/// is refused and nothing is lost: under a sustained overload the callers (16 in flight, a bulk sender) simply get their
/// answers later, the CPU goes to delivery instead of to a queue that grows without bound, and the backlog left when the
/// load stops is at most about the mark.
/// <para>
/// The backlog is the database's count of due pending outbox rows (all hosts on it, retries due now included; a claimed
/// row is not due while its lease runs), taken by one caller at most every <see cref="Refresh"/>, plus the messages this
/// host accepted since. A backlog below the mark costs a send one read of that estimate.
/// </para>
/// </summary>
public sealed class DeliveryFlowControl(IDbContextFactory<ConsoleDbContext> dbFactory, IOptions<DeliveryOptions> options, TimeProvider time,
    ILogger<DeliveryFlowControl> logger)
{
    /// <summary>How old the backlog count may be before the next caller counts again.</summary>
    public static readonly TimeSpan Refresh = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a waiting accept sleeps between looks at the backlog.</summary>
    public static readonly TimeSpan Step = TimeSpan.FromMilliseconds(20);

    private long _backlog;
    private long _countedAt; // 0: never counted
    private int _counting;
    private Task? _count;
    private long _delayed;

    /// <summary>Accepts that waited for the backlog so far (for the benchmark and the logs).</summary>
    public long Delayed => Interlocked.Read(ref _delayed);

    /// <summary>The backlog as this host last estimated it.</summary>
    public long Backlog => Interlocked.Read(ref _backlog);

    /// <summary>Adds <paramref name="messages"/> outbox rows this host just committed to the estimate.</summary>
    public void Accepted(int messages)
    {
        if (messages > 0)
        {
            Interlocked.Add(ref _backlog, messages);
        }
    }

    /// <summary>
    /// Returns at once while the backlog is below the mark (or flow control is off: <c>MaxBacklog</c> 0); otherwise once it
    /// is, or after <c>InFlowDelay</c>. Returns how long it waited.
    /// </summary>
    public async ValueTask<TimeSpan> WaitForRoomAsync(CancellationToken ct)
    {
        var settings = options.Value;
        if (settings.MaxBacklog <= 0 || settings.InFlowDelay <= TimeSpan.Zero || await BacklogAsync(fresh: false, ct) < settings.MaxBacklog)
        {
            return TimeSpan.Zero;
        }

        var started = time.GetTimestamp();
        Interlocked.Increment(ref _delayed);
        while (time.GetElapsedTime(started) < settings.InFlowDelay)
        {
            await Task.Delay(Step, time, ct);
            if (await BacklogAsync(fresh: true, ct) < settings.MaxBacklog)
            {
                break;
            }
        }

        var waited = time.GetElapsedTime(started);
        logger.LogDebug("Accept waited {Waited} ms for the delivery backlog ({Backlog} due, mark {Max})", waited.TotalMilliseconds, Backlog, settings.MaxBacklog);
        return waited;
    }

    /// <summary>
    /// The backlog estimate. When it is older than <see cref="Refresh"/> one caller starts a new count: an accept below the
    /// mark goes on with the estimate it has (the count runs beside it, off its path); a waiting one (<paramref name="fresh"/>)
    /// waits for the count.
    /// </summary>
    private async ValueTask<long> BacklogAsync(bool fresh, CancellationToken ct)
    {
        var countedAt = Interlocked.Read(ref _countedAt);
        if ((countedAt == 0 || time.GetElapsedTime(countedAt) >= Refresh) && Interlocked.CompareExchange(ref _counting, 1, 0) == 0)
        {
            // On the thread pool: Microsoft.Data.Sqlite's async calls run synchronously, so awaiting the count here would
            // put the query on this accept's path.
            _count = Task.Run(CountAsync, CancellationToken.None);
        }

        // The first look of all has nothing to go on: it waits for the count.
        if ((fresh || countedAt == 0) && _count is { IsCompleted: false } running)
        {
            await running.WaitAsync(ct);
        }

        return Backlog;
    }

    private async Task CountAsync()
    {
        try
        {
            var at = time.GetUtcNow();
            await using var db = await dbFactory.CreateDbContextAsync();
            var due = await db.OutboxMessages.CountAsync(m => m.Status == OutboxStatus.Pending && m.NextAttemptAt <= at);
            Interlocked.Exchange(ref _backlog, due);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Flow control is advice: without a count the estimate stands, and the next caller counts again.
            logger.LogWarning(ex, "Could not count the delivery backlog");
        }
        finally
        {
            Interlocked.Exchange(ref _countedAt, time.GetTimestamp());
            Volatile.Write(ref _counting, 0);
        }
    }
}
