using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Web.Sending.Delivery;

namespace SesConsole.Web.Tests.Shared;

/// <summary>Delivery for tests whose app also runs the background delivery worker.</summary>
public static class DeliveryWait
{
    /// <summary>
    /// Runs a delivery pass, then waits (up to 10 s) for the local sink to hold the message: the background worker may
    /// have claimed it first, and then this pass leaves it alone.
    /// </summary>
    public static async Task<MailboxMessageEntity> DeliveredAsync(this IServiceProvider services, string messageId, CancellationToken ct)
    {
        using var scope = services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<OutboxDelivery>().DeliverDueAsync(ct);
        var factory = scope.ServiceProvider.GetRequiredService<IDbContextFactory<ConsoleDbContext>>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        while (true)
        {
            await using (var db = await factory.CreateDbContextAsync(ct))
            {
                if (await db.MailboxMessages.AsNoTracking().SingleOrDefaultAsync(m => m.MessageId.StartsWith(messageId), ct) is { } row)
                {
                    return row;
                }
            }

            await Task.Delay(50, timeout.Token);
        }
    }
}
