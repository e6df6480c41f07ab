using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Web.Sending.Delivery;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Sending;

/// <summary>Flow control over a real SQLite outbox (docs/send-pipeline.md#flow-control), on a test clock; the app's own worker is off.</summary>
public sealed class DeliveryFlowControlTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly ConsoleAppFactory _app = new() { Settings = { ["Sending:Delivery:PollInterval"] = "00:00:00" } };
    private readonly FakeTimeProvider _time = new(Now);

    private IDbContextFactory<ConsoleDbContext> Db => _app.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>();

    public ValueTask InitializeAsync()
    {
        _ = _app.Services; // builds the host: the database is created
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private DeliveryFlowControl Flow(int maxBacklog, TimeSpan inFlowDelay) =>
        new(Db, Options.Create(new DeliveryOptions { MaxBacklog = maxBacklog, InFlowDelay = inFlowDelay }), _time, NullLogger<DeliveryFlowControl>.Instance);

    private async Task<List<Guid>> EnqueueAsync(int count, DateTimeOffset due)
    {
        await using var db = await Db.CreateDbContextAsync(Ct);
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var id = Guid.NewGuid();
            ids.Add(id);
            db.OutboxMessages.Add(new OutboxMessageEntity
            {
                Id = id, MessageId = $"{id:N}@sesconsole", AccountId = "222222222222", SourceArn = "arn:aws:ses:us-east-1:111111111111:identity/example.com",
                EnvelopeFrom = "news@example.com", Recipients = "reader@example.net", Mime = [1], CreatedAt = due, NextAttemptAt = due,
            });
        }

        await db.SaveChangesAsync(Ct);
        return ids;
    }

    private async Task DeliverAsync(IEnumerable<Guid> ids)
    {
        await using var db = await Db.CreateDbContextAsync(Ct);
        var list = ids.ToList();
        await db.OutboxMessages.Where(m => list.Contains(m.Id)).ExecuteUpdateAsync(u => u.SetProperty(m => m.Status, OutboxStatus.Delivered), Ct);
    }

    /// <summary>Moves the test clock a step at a time (real pauses between, so the woken loop can count) until <paramref name="waiting"/> ends.</summary>
    private async Task<TimeSpan> TickAsync(Task<TimeSpan> waiting, int times)
    {
        for (var i = 0; i < times && !waiting.IsCompleted; i++)
        {
            _time.Advance(DeliveryFlowControl.Step);
            await Task.Delay(5, Ct);
        }

        return waiting.IsCompleted || times > 100 ? await waiting.WaitAsync(TimeSpan.FromSeconds(30), Ct) : TimeSpan.Zero;
    }

    private static async Task Until(Func<bool> condition)
    {
        for (var i = 0; i < 3000 && !condition(); i++)
        {
            await Task.Delay(10, Ct);
        }

        Assert.True(condition());
    }

    [Fact]
    public async Task Below_the_mark_an_accept_does_not_wait()
    {
        await EnqueueAsync(2, Now.AddMinutes(-1));
        var flow = Flow(maxBacklog: 3, inFlowDelay: TimeSpan.FromHours(1));

        Assert.Equal(TimeSpan.Zero, await flow.WaitForRoomAsync(Ct)); // the first look counts (2 due)

        var waited = flow.WaitForRoomAsync(Ct);

        Assert.True(waited.IsCompleted); // answered from the count, without a step of sleep
        Assert.Equal(TimeSpan.Zero, await waited);
        Assert.Equal(0, flow.Delayed);
    }

    [Fact]
    public async Task Over_the_mark_an_accept_waits_until_delivery_brings_the_backlog_below_it()
    {
        var due = await EnqueueAsync(3, Now.AddMinutes(-1));
        await EnqueueAsync(5, Now.AddMinutes(5)); // a lease or a retry later: not due, not counted
        var flow = Flow(maxBacklog: 3, inFlowDelay: TimeSpan.FromHours(1));

        var waiting = flow.WaitForRoomAsync(Ct).AsTask();
        await Until(() => flow.Delayed == 1);
        await TickAsync(waiting, times: 20);
        Assert.False(waiting.IsCompleted); // 3 due at a mark of 3: it keeps waiting while the clock moves

        await DeliverAsync(due.Take(1));
        var waited = await TickAsync(waiting, times: 1000);

        Assert.InRange(waited, TimeSpan.FromSeconds(0.4), TimeSpan.FromMinutes(1)); // far short of the hour it could have waited
        Assert.Equal(2, flow.Backlog);
    }

    [Fact]
    public async Task A_backlog_that_does_not_shrink_delays_an_accept_by_the_in_flow_delay_and_no_more()
    {
        await EnqueueAsync(3, Now.AddMinutes(-1));
        var flow = Flow(maxBacklog: 3, inFlowDelay: TimeSpan.FromSeconds(1));

        var waiting = flow.WaitForRoomAsync(Ct).AsTask();
        await Until(() => flow.Delayed == 1);

        var waited = await TickAsync(waiting, times: 1000);
        Assert.InRange(waited, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)); // went ahead with the backlog still at the mark
        Assert.Equal(3, flow.Backlog);
    }

    [Fact]
    public async Task Accepts_this_host_commits_count_until_the_next_look_at_the_database()
    {
        var flow = Flow(maxBacklog: 3, inFlowDelay: TimeSpan.FromHours(1));
        Assert.Equal(TimeSpan.Zero, await flow.WaitForRoomAsync(Ct)); // counts an empty outbox

        flow.Accepted(3);
        var waiting = flow.WaitForRoomAsync(Ct).AsTask();

        Assert.False(waiting.IsCompleted); // three accepted since the count: at the mark
        Assert.Equal(1, flow.Delayed);

        // The next count finds none due (nothing was written): room, long before the hour.
        Assert.InRange(await TickAsync(waiting, times: 1000), DeliveryFlowControl.Step, TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Mark_zero_turns_flow_control_off()
    {
        await EnqueueAsync(3, Now.AddMinutes(-1));
        var flow = Flow(maxBacklog: 0, inFlowDelay: TimeSpan.FromHours(1));

        Assert.Equal(TimeSpan.Zero, await flow.WaitForRoomAsync(Ct));
        Assert.Equal(0, flow.Delayed);
    }
}
