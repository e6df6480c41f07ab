using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Identities;

/// <summary>The real app with <c>Identities:MaxIdentitiesPerRegion</c> = 3 (SES allows 10,000).</summary>
public sealed class IdentityLimitFixture : IAsyncLifetime
{
    public const int Limit = 3;

    private readonly AppFixture _app = new();

    public AppFixture App => _app;

    public IdentityLimitFixture()
    {
        _app.Factory.Settings["Identities:MaxIdentitiesPerRegion"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _app.Factory.Settings["Identities:RecheckInterval"] = "00:00:00";
    }

    public ValueTask InitializeAsync() => _app.InitializeAsync();

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}

public sealed class IdentityLimitTests(IdentityLimitFixture fixture) : IClassFixture<IdentityLimitFixture>
{
    private static readonly Uri Base = new("http://127.0.0.1/");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private AppFixture App => fixture.App;

    [Fact]
    public async Task The_identity_over_the_limit_is_refused_with_LimitExceeded_and_nothing_is_stored()
    {
        for (var n = 0; n < IdentityLimitFixture.Limit; n++)
        {
            var ok = await App.Get<IdentitiesService>().CreateEmailAsync(App.OwnerA, "us-east-1", $"seq{n}@limit.example", Base, Ct);
            Assert.True(ok.IsSuccess, ok.Error?.Message);
        }

        var email = await App.Get<IdentitiesService>().CreateEmailAsync(App.OwnerA, "us-east-1", "fourth@limit.example", Base, Ct);
        var domain = await App.Get<IdentitiesService>().CreateDomainAsync(App.OwnerA, "us-east-1", "fourth.limit.example", new NewDomainIdentity { DkimKeyLength = 1024 }, Ct);
        var otherRegion = await App.Get<IdentitiesService>().CreateEmailAsync(App.OwnerA, "eu-west-1", "fourth@limit.example", Base, Ct);

        Assert.Equal("identity.limit", email.Error?.Code);
        Assert.Equal(
            "Limit exceeded: your account already has 3 identities in us-east-1, the most allowed (3 per region). Delete identities you no longer use.",
            email.Error?.Message);
        Assert.Equal("identity.limit", domain.Error?.Code);
        Assert.True(otherRegion.IsSuccess, "the limit is per region");
        await using var db = App.Db();
        Assert.Equal(IdentityLimitFixture.Limit, await db.SendingIdentities.CountAsync(i => i.AccountId == App.OwnerA.AccountId && i.Region == "us-east-1", Ct));
        Assert.False(await db.SendingIdentities.AnyAsync(i => i.Name == "fourth.limit.example", Ct));
        Assert.False(await db.MailboxMessages.AnyAsync(m => m.Recipients == "fourth@limit.example" && m.Subject.Contains("us-east-1"), Ct));
    }

    [Fact]
    public async Task Ten_parallel_creates_under_a_limit_of_3_store_exactly_3()
    {
        using var start = new Barrier(10);
        var creates = Enumerable.Range(0, 10).Select(n => Task.Run(async () =>
        {
            using var scope = App.Factory.Services.CreateScope();
            var service = scope.ServiceProvider.GetRequiredService<IdentitiesService>();
            start.SignalAndWait(Ct);
            return n % 2 == 0
                ? (await service.CreateEmailAsync(App.OwnerB, "us-east-1", $"race{n}@limit.example", Base, Ct)).Error
                : (await service.CreateDomainAsync(App.OwnerB, "us-east-1", $"race{n}.limit.example", new NewDomainIdentity { DkimKeyLength = 1024 }, Ct)).Error;
        }, Ct)).ToList();

        var errors = await Task.WhenAll(creates);

        Assert.Equal(IdentityLimitFixture.Limit, errors.Count(e => e is null));
        Assert.All(errors.Where(e => e is not null), e => Assert.Equal("identity.limit", e!.Code));
        await using var db = App.Db();
        Assert.Equal(IdentityLimitFixture.Limit, await db.SendingIdentities.CountAsync(i => i.AccountId == App.OwnerB.AccountId && i.Region == "us-east-1", Ct));
    }
}
