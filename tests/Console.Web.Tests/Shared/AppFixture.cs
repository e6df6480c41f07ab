using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Web.Features.Principals;

namespace SesConsole.Web.Tests.Shared;

/// <summary>The real app over a real SQLite file, for service-level integration tests, plus the demo world's callers.</summary>
public class AppFixture : IAsyncLifetime
{
    public AppFixture()
    {
    }

    /// <summary>The same world with extra app settings (applied before the host starts).</summary>
    protected AppFixture(IReadOnlyDictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        foreach (var (key, value) in settings)
        {
            Factory.Settings[key] = value;
        }
    }

    public ConsoleAppFactory Factory { get; } = new();

    public Caller OwnerA { get; private set; } = default!;

    public Caller OwnerB { get; private set; } = default!;

    public Caller IamUserB { get; private set; } = default!;

    public Caller Admin { get; private set; } = default!;

    public async ValueTask InitializeAsync()
    {
        _ = Factory.Services; // starts the host: migrations and the demo seed run
        await using var scope = Factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
        OwnerA = await CallerOfAsync(users, "owner@example.com");
        OwnerB = await CallerOfAsync(users, "delegate@example.com");
        IamUserB = await CallerOfAsync(users, "222222222222/mailer");
        Admin = await CallerOfAsync(users, "admin@example.com");
    }

    public T Get<T>()
        where T : notnull => Factory.Services.CreateScope().ServiceProvider.GetRequiredService<T>();

    public ConsoleDbContext Db() => Factory.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContext();

    private async Task<Caller> CallerOfAsync(UserManager<ConsoleUser> users, string userName)
    {
        var user = await users.FindByNameAsync(userName) ?? throw new InvalidOperationException($"{userName} was not seeded");
        var factory = Factory.Services.CreateScope().ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ConsoleUser>>();
        return Caller.From(await factory.CreateAsync(user))!;
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
