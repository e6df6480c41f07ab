using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Web.Hosting;

namespace SesConsole.Web.Sending;

/// <summary>
/// Persists accepted sends (outbox row, attempt, usage entry, Send event) with group commit: concurrent callers' rows
/// are written together in one transaction, and each caller's task completes only after that transaction committed —
/// so the API answers after the message is durable, without paying one fsync per message. A batch that fails is
/// retried row group by row group, so one bad write fails only its own caller. The rows are written with
/// <see cref="RowInserter"/> (one prepared INSERT per table), which cut the write side's cost several times over
/// EF's SaveChanges for a batch of hundreds of new rows. Besides new rows it runs changes to existing rows
/// (<see cref="CommitAsync(Func{ConsoleDbContext, Task})"/>: the delivery worker's "delivered" updates and their events,
/// docs/send-pipeline.md#delivery) in one transaction per batch, so the database has one writer instead of several
/// waiting for each other's locks.
/// </summary>
public sealed class GroupCommitWriter : IAsyncDisposable
{
    private const int MaxBatch = 256;

    private readonly IDbContextFactory<ConsoleDbContext> _dbFactory;
    private readonly ILogger<GroupCommitWriter> _logger;
    private readonly ConsoleMetrics? _metrics;
    private readonly Channel<(object[] Entities, Func<ConsoleDbContext, Task>? Change, TaskCompletionSource Done)> _queue =
        Channel.CreateUnbounded<(object[], Func<ConsoleDbContext, Task>?, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    private RowInserter.Session? _session; // used by the writer loop only
    private long _transactions;

    public GroupCommitWriter(IDbContextFactory<ConsoleDbContext> dbFactory, ILogger<GroupCommitWriter> logger, ConsoleMetrics? metrics = null)
    {
        _dbFactory = dbFactory;
        _logger = logger;
        _metrics = metrics;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>How many transactions the writer has committed (a batch retried row group by row group counts each retry).</summary>
    public long Transactions => Interlocked.Read(ref _transactions);

    /// <summary>Writes <paramref name="entities"/> (new rows) and completes once they are committed.</summary>
    public Task CommitAsync(params object[] entities) => Enqueue(entities, null);

    /// <summary>
    /// Runs <paramref name="change"/> (attach and modify rows, add rows, or run ExecuteUpdate on the context it is given) in
    /// the writer's next transaction together with the other changes waiting, then saves and commits; completes once
    /// committed. If that transaction fails, each change is run again alone on a fresh context, so a change must set
    /// absolute values (not increment what it read).
    /// </summary>
    public Task CommitAsync(Func<ConsoleDbContext, Task> change) => Enqueue([], change);

    private Task Enqueue(object[] entities, Func<ConsoleDbContext, Task>? change)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((entities, change, done)))
        {
            done.SetException(new InvalidOperationException("The writer is shutting down."));
        }

        return done.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<(object[] Entities, Func<ConsoleDbContext, Task>? Change, TaskCompletionSource Done)>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            await CommitGroupAsync([.. batch.Where(b => b.Change is null).Select(b => (b.Entities, b.Done))], "sends",
                group => SaveAsync([.. group.SelectMany(g => g)]));
            await CommitGroupAsync([.. batch.Where(b => b.Change is not null).Select(b => (b.Change!, b.Done))], "changes", ChangeAsync);
        }
    }

    /// <summary>Commits <paramref name="group"/> in one transaction; if that fails, each item alone, so one bad item fails only its own caller.</summary>
    private async Task CommitGroupAsync<T>(List<(T Item, TaskCompletionSource Done)> group, string what, Func<IReadOnlyList<T>, Task> save)
    {
        if (group.Count == 0)
        {
            return;
        }

        try
        {
            var started = Stopwatch.GetTimestamp();
            await save([.. group.Select(g => g.Item)]);
            group.ForEach(b => b.Done.TrySetResult());
            if (_metrics?.GroupCommitDuration.Enabled == true)
            {
                var tags = new TagList { { "sesconsole.group_commit.kind", what } };
                _metrics.GroupCommitDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
                _metrics.GroupCommitSize.Record(group.Count, tags);
            }
        }
        catch (Exception ex) when (group.Count > 1)
        {
            _logger.LogWarning(ex, "A group commit of {Count} {What} failed; writing them one by one.", group.Count, what);
            foreach (var (item, done) in group)
            {
                try
                {
                    await save([item]);
                    done.TrySetResult();
                }
                catch (Exception single)
                {
                    done.TrySetException(single);
                }
            }
        }
        catch (Exception ex)
        {
            group.ForEach(b => b.Done.TrySetException(ex));
        }
    }

    private async Task ChangeAsync(IReadOnlyList<Func<ConsoleDbContext, Task>> changes)
    {
        await using var db = await _dbFactory.CreateDbContextAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        foreach (var change in changes)
        {
            await change(db);
        }

        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        Interlocked.Increment(ref _transactions);
    }

    private async Task SaveAsync(IReadOnlyList<object> entities)
    {
        if (entities.All(e => SendingCacheInvalidation.FamilyOf(e) == SendingData.None))
        {
            // Plain new rows (attempt, outbox message, events, usage): prepared INSERTs, no change tracking, on the
            // writer's own connection kept open with its statements from batch to batch; a failed batch closes it.
            _session ??= await RowInserter.Session.OpenAsync(await _dbFactory.CreateDbContextAsync());
            try
            {
                await _session.InsertAsync(entities);
            }
            catch
            {
                await CloseSessionAsync();
                throw;
            }

            Interlocked.Increment(ref _transactions);
            return;
        }

        await using var db = await _dbFactory.CreateDbContextAsync();

        // Rows the send path caches: through SaveChanges, so the cache hears of them; reputation deltas in the same transaction.
        await using var transaction = await db.Database.BeginTransactionAsync();
        db.AddRange(entities.Where(e => e is not ReputationDelta));
        await db.SaveChangesAsync();
        await ReputationRollup.ApplyAsync(db, entities.OfType<ReputationDelta>());
        await transaction.CommitAsync();
        Interlocked.Increment(ref _transactions);
    }

    private async Task CloseSessionAsync()
    {
        var session = _session;
        _session = null;
        if (session is not null)
        {
            try
            {
                await session.DisposeAsync();
            }
            catch (Exception ex)
            {
                _logger.LogDebug(ex, "Closing the group commit's connection after a failed batch failed too.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
        await CloseSessionAsync();
    }
}
