using Microsoft.EntityFrameworkCore;
using SesConsole.Data.Entities;
using SesConsole.Domain.Sending;
using SesConsole.Web.Tests.Sending;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Reputation;

/// <summary>The app delivering through a real SMTP relay on loopback, with a small minimum volume and a fast sweep.</summary>
public sealed class RelayReputationFixture : AppFixture, IAsyncDisposable
{
    public RelayReputationFixture()
        : this(LoopbackSmtpServer.StartAsync().GetAwaiter().GetResult())
    {
    }

    private RelayReputationFixture(LoopbackSmtpServer relay)
        : base(new Dictionary<string, string?>
        {
            ["Mail:Mode"] = "SmtpRelay", ["Mail:Relay:Host"] = "127.0.0.1", ["Mail:Relay:Port"] = relay.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mail:Relay:Security"] = "None", ["Reputation:MinimumVolume"] = "2", ["Reputation:EvaluationInterval"] = "00:00:01",
        }) => Relay = relay;

    public LoopbackSmtpServer Relay { get; }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await DisposeAsync();
        await Relay.DisposeAsync();
    }
}

/// <summary>
/// Hard bounces at the relay's RCPT refusal count toward the sending account's bounce rate, and the enforcement worker
/// pauses the account as they arrive (docs/reputation.md#enforcement); the next send is refused with SES's error.
/// </summary>
public sealed class ReputationRelayTests(RelayReputationFixture app) : IClassFixture<RelayReputationFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Relay_refusals_are_counted_hard_bounces_and_the_worker_pauses_the_account_over_the_threshold()
    {
        var sender = await OwnSender.CreateAsync(app, max24: 1000, rate: 100, Ct);

        var sent = await sender.SendAsync(DateTimeOffset.UtcNow, Ct, "reader@customer.example", $"unknown-a-{sender.Account}@customer.example", $"unknown-b-{sender.Account}@customer.example");
        Assert.True(sent.IsAccepted);

        EnforcementChangeEntity? change = null;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            while (change is null)
            {
                await Task.Delay(100, timeout.Token);
                await using var db = app.Db();
                change = await db.EnforcementChanges.AsNoTracking().SingleOrDefaultAsync(c => c.AccountId == sender.Account, timeout.Token);
            }
        }

        Assert.Equal((EnforcementStatus.Healthy, EnforcementStatus.Paused, "Automatic"), (change.From, change.To, change.Cause));
        Assert.Equal(2, change.Bounces);
        Assert.True(change.Volume >= 2);
        var refused = await sender.SendAsync(DateTimeOffset.UtcNow, Ct, "reader@customer.example");
        Assert.Equal(SendErrorKind.AccountSendingPaused, refused.Rejection?.Error.Kind);
        Assert.Equal("554", refused.Rejection!.Smtp.Code);

        await using var check = app.Db();
        var real = await check.ReputationBuckets.AsNoTracking().Where(b => b.AccountId == sender.Account && !b.Test).ToListAsync(Ct);
        Assert.Equal(2, real.Sum(b => b.HardBounces));
        Assert.Equal(2, await check.SuppressedDestinations.CountAsync(s => s.AccountId == sender.Account, Ct));
        Assert.Equal(2, await check.SendEvents.CountAsync(e => e.AccountId == sender.Account && e.Type == "Bounce" && e.CountsTowardReputation, Ct));
    }
}
