using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data;

namespace SesConsole.Web.Sending;

/// <summary>
/// Persists accepted sends (outbox row, attempt, usage entry, Send event) with group commit: concurrent callers' rows
/// are written together in one transaction, and each caller's task completes only after that transaction committed —
/// so the API answers after the message is durable, without paying one fsync per message. A batch that fails is
/// retried row group by row group, so one bad write fails only its own caller. The rows are written with
/// <see cref="RowInserter"/> (one prepared INSERT per table), which cut the write side's cost several times over
/// EF's SaveChanges for a batch of hundreds of new rows.
/// </summary>
public sealed class GroupCommitWriter : IAsyncDisposable
{
    private const int MaxBatch = 256;

    private readonly IDbContextFactory<ConsoleDbContext> _dbFactory;
    private readonly ILogger<GroupCommitWriter> _logger;
    private readonly Channel<(object[] Entities, TaskCompletionSource Done)> _queue =
        Channel.CreateUnbounded<(object[], TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public GroupCommitWriter(IDbContextFactory<ConsoleDbContext> dbFactory, ILogger<GroupCommitWriter> logger)
    {
        _dbFactory = dbFactory;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Writes <paramref name="entities"/> (new rows) and completes once they are committed.</summary>
    public Task CommitAsync(params object[] entities)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((entities, done)))
        {
            done.SetException(new InvalidOperationException("The writer is shutting down."));
        }

        return done.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<(object[] Entities, TaskCompletionSource Done)>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            try
            {
                await SaveAsync([.. batch.SelectMany(b => b.Entities)]);
                batch.ForEach(b => b.Done.TrySetResult());
            }
            catch (Exception ex) when (batch.Count > 1)
            {
                _logger.LogWarning(ex, "A group commit of {Count} sends failed; writing them one by one.", batch.Count);
                foreach (var (entities, done) in batch)
                {
                    try
                    {
                        await SaveAsync(entities);
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
                batch.ForEach(b => b.Done.TrySetException(ex));
            }
        }
    }

    private async Task SaveAsync(IReadOnlyList<object> entities)
    {
        await using var db = await _dbFactory.CreateDbContextAsync();
        if (entities.All(e => SendingCacheInvalidation.FamilyOf(e) == SendingData.None))
        {
            // Plain new rows (attempt, outbox message, events, usage): prepared INSERTs, no change tracking.
            await RowInserter.InsertAsync(db, entities);
            return;
        }

        db.AddRange(entities); // rows the send path caches: through SaveChanges, so the cache hears of them
        await db.SaveChangesAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }
}
