using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Identities;

/// <summary>
/// The real app with the background re-check <em>on</em> (every 5 minutes of a fake clock), a real DNS server on
/// loopback and the local mail sink. Only <see cref="FakeTimeProvider.Advance"/> makes the worker's timer tick.
/// </summary>
public sealed class RecheckWorkerFixture : IAsyncLifetime
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    public RecheckWorkerFixture()
    {
        Factory = new ConsoleAppFactory { Time = Time };
        Factory.Settings["Dns:Servers:0"] = Dns.Endpoint;
        Factory.Settings["Identities:RecheckInterval"] = "00:05:00";
        // The delivery worker would also tick on every Advance; these tests don't need it.
        Factory.Settings["Sending:Delivery:PollInterval"] = "00:00:00";
    }

    public TestDnsServer Dns { get; } = TestDnsServer.Start();

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));

    public ConsoleAppFactory Factory { get; }

    public Caller Owner { get; private set; } = default!;

    public async ValueTask InitializeAsync()
    {
        _ = Factory.Services; // starts the host, and with it the worker's timer on the fake clock
        await using var scope = Factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
        var claims = scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ConsoleUser>>();
        Owner = Caller.From(await claims.CreateAsync((await users.FindByNameAsync("owner@example.com"))!))!;
    }

    public IdentitiesService Service() => Factory.Services.CreateScope().ServiceProvider.GetRequiredService<IdentitiesService>();

    public ConsoleDbContext Db() => Factory.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContext();

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        Dns.Dispose();
    }
}

public sealed class IdentityRecheckWorkerTests(RecheckWorkerFixture fixture) : IClassFixture<RecheckWorkerFixture>
{
    private static readonly Uri Base = new("http://127.0.0.1/");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Caller Owner => fixture.Owner;

    [Fact]
    public async Task The_worker_verifies_a_pending_domain_and_marks_it_TemporaryFailure_when_its_records_disappear()
    {
        var created = await fixture.Service().CreateDomainAsync(Owner, "us-east-1", "worker.example", new NewDomainIdentity { DkimKeyLength = 1024 }, Ct);
        Assert.True(created.IsSuccess, created.Error?.Message);
        var records = (await fixture.Service().GetAsync(Owner, "us-east-1", "worker.example", Ct)).Value!.Records;

        // A first round finds nothing: still Pending, but checked at the fake clock's time.
        fixture.Time.Advance(RecheckWorkerFixture.Interval);
        var checkedAt = fixture.Time.GetUtcNow();
        var first = await WaitForAsync("worker.example", i => i.LastCheckedAt == checkedAt);
        Assert.Equal(VerificationStatus.Pending, first.VerificationStatus);

        foreach (var record in records)
        {
            fixture.Dns.Set(record.Name, record.Type, record.Value);
        }

        // Without a tick of the (fake) clock nothing happens, however long we wait.
        await Task.Delay(TimeSpan.FromMilliseconds(300), Ct);
        Assert.Equal(VerificationStatus.Pending, (await LoadAsync("worker.example")).VerificationStatus);

        fixture.Time.Advance(RecheckWorkerFixture.Interval);
        var verified = await WaitForAsync("worker.example", i => i.VerificationStatus == VerificationStatus.Success);
        Assert.Equal(fixture.Time.GetUtcNow(), verified.VerifiedAt);
        Assert.Equal(VerificationStatus.Success, verified.DkimStatus);

        foreach (var record in records)
        {
            fixture.Dns.Remove(record.Name);
        }

        fixture.Time.Advance(RecheckWorkerFixture.Interval);
        var gone = await WaitForAsync("worker.example", i => i.VerificationStatus == VerificationStatus.TemporaryFailure);
        Assert.Equal(fixture.Time.GetUtcNow(), gone.VerificationStatusSince);
        Assert.Equal(VerificationStatus.TemporaryFailure, gone.DkimStatus);
    }

    [Fact]
    public async Task The_worker_fails_an_email_identity_whose_link_was_not_opened_within_24_hours()
    {
        var created = await fixture.Service().CreateEmailAsync(Owner, "eu-west-1", "unopened@worker.example", Base, Ct);
        Assert.True(created.IsSuccess, created.Error?.Message);

        fixture.Time.Advance(TimeSpan.FromHours(24) + RecheckWorkerFixture.Interval);

        var failed = await WaitForAsync("unopened@worker.example", i => i.VerificationStatus == VerificationStatus.Failed);
        Assert.Null(failed.EmailLinkNonceHash);
    }

    private async Task<SendingIdentityEntity> LoadAsync(string name)
    {
        await using var db = fixture.Db();
        return await db.SendingIdentities.AsNoTracking().SingleAsync(i => i.AccountId == Owner.AccountId && i.Name == name, Ct);
    }

    /// <summary>Polls the database (real time, up to 15 s) until the worker has done its round.</summary>
    private async Task<SendingIdentityEntity> WaitForAsync(string name, Func<SendingIdentityEntity, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var identity = await LoadAsync(name);
            if (done(identity))
            {
                return identity;
            }

            Assert.True(DateTime.UtcNow < deadline,
                $"The re-check worker did not update {name} in time: {identity.VerificationStatus} since {identity.VerificationStatusSince:O}, last checked {identity.LastCheckedAt:O}.");
            await Task.Delay(50, Ct);
        }
    }
}
