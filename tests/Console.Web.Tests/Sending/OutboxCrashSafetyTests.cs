using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Sending;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Sending;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Sending;

/// <summary>
/// The outbox survives its host going away mid-delivery: host 1 (the real app, worker on) accepts messages through
/// <see cref="SendService"/> and is disposed while its worker is delivering them; host 2 on the same data directory
/// delivers the rest. The host is stopped in-process (its stopping token cancels the worker wherever it is, including
/// inside the transport), not killed as an OS process.
/// </summary>
public sealed class OutboxCrashSafetyTests
{
    private const int Count = 200;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ConsoleAppFactory Host(string directory, bool slowTransport) => new()
    {
        Settings =
        {
            ["Console:DataDirectory"] = directory,
            ["Sending:Delivery:PollInterval"] = "00:00:00.050",
            ["Sending:Delivery:Parallelism"] = "2",
            ["Sending:Delivery:BatchSize"] = "10",

            // A claim the dead host held expires soon, so host 2 can retry what host 1 was in the middle of.
            ["Sending:Delivery:ClaimLease"] = "00:00:01",
        },

        // Host 1's transport takes a while per message, so the host goes away with deliveries in flight.
        ConfigureServices = slowTransport ? services => Wrap(services, inner => new SlowTransport(inner)) : null,
    };

    [Fact]
    public async Task Disposing_the_host_mid_delivery_loses_no_accepted_message_and_the_next_host_delivers_each_exactly_once()
    {
        var directory = Directory.CreateTempSubdirectory("sesconsole-crash-").FullName;
        var accepted = new List<string>();
        await using (var first = Host(directory, slowTransport: true))
        {
            var services = first.Services;
            var caller = await PrepareOwnerAsync(services);
            var send = services.CreateScope().ServiceProvider.GetRequiredService<SendService>();
            var sendCaller = await send.CallerAsync(caller, "127.0.0.1", secureTransport: true, Ct);
            var outcomes = await Task.WhenAll(Enumerable.Range(0, Count).Select(i => Task.Run(() => send.SendAsync(
                new SendRequest(sendCaller, SendApi.V2Simple, "us-east-1", DateTimeOffset.UtcNow,
                    new SimpleContent([$"reader{i}@customer.example"], Subject: $"Message {i}", TextBody: "Body")) { Source = "news@crash.example" },
                "Test", Ct), Ct)));
            Assert.All(outcomes, o => Assert.True(o.IsAccepted, o.Rejection?.Error.Message));
            accepted.AddRange(outcomes.Select(o => o.MessageId!));

            _ = await WaitForDeliveredAsync(services, atLeast: 10);
        } // disposed here, with the worker in the middle of a round

        var deliveredByFirst = await CountDeliveredAsync(directory);
        Assert.InRange(deliveredByFirst, 10L, Count - 1L); // the first host really stopped part-way

        await using (var second = Host(directory, slowTransport: false))
        {
            Assert.Equal(Count, await WaitForDeliveredAsync(second.Services, atLeast: Count));
            await using var db = second.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContext();
            var caught = await db.MailboxMessages.AsNoTracking().Where(m => m.AccountId == "111111111111").Select(m => m.MessageId).ToListAsync(Ct);
            Assert.All(accepted, id => Assert.Equal(1, caught.Count(c => c == $"{id}@us-east-1.amazonses.com")));
            Assert.Equal(Count, caught.Count);
            Assert.False(await db.OutboxMessages.AnyAsync(m => m.Status != OutboxStatus.Delivered, Ct));
            Assert.Equal(Count, await db.SendEvents.CountAsync(e => e.Type == "Delivery", Ct));
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    /// <summary>The owner's verified domain crash.example, and a send rate that lets the test send all at once.</summary>
    private static async Task<Caller> PrepareOwnerAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
        var user = await users.FindByNameAsync("owner@example.com") ?? throw new InvalidOperationException("owner@example.com was not seeded");
        var caller = Caller.From(await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ConsoleUser>>().CreateAsync(user))!;
        await scope.ServiceProvider.GetRequiredService<IdentitiesService>().CreateDomainAsync(caller, "us-east-1", "crash.example", new NewDomainIdentity { DkimKeyLength = 1024 }, Ct);
        await using var db = services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContext();
        var identity = await db.SendingIdentities.SingleAsync(i => i.Name == "crash.example", Ct);
        (identity.VerificationStatus, identity.DkimStatus, identity.DkimSigningEnabled) = (VerificationStatus.Success, VerificationStatus.Success, false);
        var account = await db.Accounts.SingleAsync(a => a.Id == "111111111111", Ct);
        account.MaxSendRate = 10_000;
        await db.SaveChangesAsync(Ct);
        return caller;
    }

    /// <summary>Waits (up to 60 s) until at least <paramref name="atLeast"/> outbox rows are Delivered; returns how many are.</summary>
    private static async Task<int> WaitForDeliveredAsync(IServiceProvider services, int atLeast)
    {
        var factory = services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            await using var db = factory.CreateDbContext();
            var delivered = await db.OutboxMessages.CountAsync(m => m.Status == OutboxStatus.Delivered, Ct);
            if (delivered >= atLeast || DateTime.UtcNow > deadline)
            {
                return delivered;
            }

            await Task.Delay(10, Ct);
        }
    }

    /// <summary>Delivered rows, read straight from the database file while no host is running.</summary>
    private static async Task<long> CountDeliveredAsync(string directory)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(directory, "sesconsole.db")}");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM OutboxMessages WHERE Status = {(int)OutboxStatus.Delivered}";
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }

    private static void Wrap(IServiceCollection services, Func<IMailTransport, IMailTransport> wrap)
    {
        var registered = services.Last(s => s.ServiceType == typeof(IMailTransport));
        services.Add(ServiceDescriptor.Singleton<IMailTransport>(sp => wrap(registered.ImplementationFactory is { } make
            ? (IMailTransport)make(sp)
            : (IMailTransport)ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!))));
    }

    /// <summary>25 ms per message before the real transport.</summary>
    private sealed class SlowTransport(IMailTransport inner) : IMailTransport
    {
        public async Task<Result<string>> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
        {
            await Task.Delay(25, cancellationToken);
            return await inner.SendAsync(message, cancellationToken);
        }
    }
}
