using Microsoft.Extensions.DependencyInjection;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Api;

/// <summary>
/// One console on a real Kestrel port for a test class, with root access keys of the demo accounts: owner A
/// (111111111111, owner@example.com) and owner B (222222222222, delegate@example.com). Tests use their own identity names.
/// </summary>
public sealed class SesApiServer : IAsyncLifetime
{
    public static readonly Caller OwnerA = new("api-a", "owner@example.com", "111111111111", null, "arn:aws:iam::111111111111:root", false);
    public static readonly Caller OwnerB = new("api-b", "delegate@example.com", "222222222222", null, "arn:aws:iam::222222222222:root", false);

    public KestrelConsoleAppFactory Server { get; } = new();

    public SesApiTestClient A { get; private set; } = null!;

    public SesApiTestClient B { get; private set; } = null!;

    /// <summary>Owner A's root access key (for clients signing differently, e.g. for another service).</summary>
    public NewAccessKey KeyA { get; private set; } = null!;

    public T Service<T>() where T : notnull => Server.App.Services.CreateScope().ServiceProvider.GetRequiredService<T>();

    public async ValueTask InitializeAsync()
    {
        Server.Start();
        var keys = Service<AccessKeysService>();
        var a = KeyA = (await keys.CreateAsync(OwnerA, null, TestContext.Current.CancellationToken)).Value!;
        var b = (await keys.CreateAsync(OwnerB, null, TestContext.Current.CancellationToken)).Value!;
        A = new SesApiTestClient(Server.BaseUrl, a.Id, a.Secret);
        B = new SesApiTestClient(Server.BaseUrl, b.Id, b.Secret);
    }

    public async ValueTask DisposeAsync()
    {
        A?.Dispose();
        B?.Dispose();
        await Server.DisposeAsync();
    }
}
