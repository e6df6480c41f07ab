using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Features.Policies;
using SesConsole.Web.Features.Principals;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.E2E.Infrastructure;

/// <summary>
/// The real console on a real Kestrel port (127.0.0.1:0) over a temp SQLite file, Development environment with the demo
/// world seeded, plus one headless Debian Chromium shared by the tests of the collection. A derived server adds its own
/// settings (<see cref="FeedbackConsoleServer"/>).
/// </summary>
public class ConsoleServer : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string Password = "E2e-Passw0rd!";

    /// <summary>The installation's DKIM zone: Easy DKIM hands out CNAMEs into it (CNAME mode, the default).</summary>
    public const string DkimZone = "dkim.sesconsole.test";

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("sesconsole-e2e-").FullName;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private IPlaywright? _playwright;

    public ConsoleServer()
        : this(new Dictionary<string, string>())
    {
    }

    /// <param name="settings">Settings on top of the journeys' shared ones.</param>
    protected ConsoleServer(IReadOnlyDictionary<string, string> settings)
    {
        _settings = settings;
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
    }

    public IBrowser Browser { get; private set; } = default!;

    /// <summary>The DNS server the console resolves through: tests publish records here.</summary>
    public TestDnsServer Dns { get; } = TestDnsServer.Start();

    public string BaseUrl { get; private set; } = "";

    /// <summary>Errors the server logged (unhandled exceptions in a circuit land here).</summary>
    public ServerErrorLog Errors { get; } = new();

    /// <summary>What the browser reported against the console's Content-Security-Policy, on every page of every test.</summary>
    public CspViolationLog CspViolations { get; } = new();

    /// <summary>Fails with the CSP violations the browser reported, if any.</summary>
    public void AssertNoCspViolations() =>
        Xunit.Assert.True(CspViolations.Entries.Count == 0, "The browser reported CSP violations:" + Environment.NewLine + string.Join(Environment.NewLine, CspViolations.Entries));

    /// <summary>Fails with the server's logged errors, if any (journeys end with it).</summary>
    public void AssertNoServerErrors() =>
        Xunit.Assert.True(Errors.Entries.Count == 0, "The server logged errors:" + Environment.NewLine + string.Join(Environment.NewLine, Errors.Entries));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development"); // package static assets (MudBlazor) without publishing
        builder.UseSetting("Console:DataDirectory", _dataDirectory);
        builder.UseSetting("Demo:Seed", "true");
        builder.UseSetting("Demo:Password", Password);
        builder.UseSetting("Demo:ReputationHistory", "false");
        builder.UseSetting("Urls", "");
        builder.UseSetting("Dns:Servers:0", Dns.Endpoint);
        builder.UseSetting("Dns:DkimZone", DkimZone);
        builder.UseSetting("Identities:RecheckInterval", "00:00:00");

        // Five regions (appsettings.json has the first two), so that the admin's accounts table is seen with several.
        builder.UseSetting("Console:Regions:2", "us-west-2");
        builder.UseSetting("Console:Regions:3", "eu-central-1");
        builder.UseSetting("Console:Regions:4", "ap-southeast-2");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        // Until WebServiceCollectionExtensions registers them (idempotent).
        builder.ConfigureTestServices(services => services.AddConsolePolicies());
        builder.ConfigureLogging(logging => logging.AddProvider(Errors));
    }

    /// <summary>Inserts a verified identity (tests that are not about verification start from one).</summary>
    public async Task<string> AddVerifiedIdentityAsync(string account, string name, string region = "us-east-1")
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync();
        var now = DateTimeOffset.UtcNow;
        var entity = new SendingIdentityEntity
        {
            Id = Guid.NewGuid(), AccountId = account, Region = region, Name = name,
            Type = name.Contains('@', StringComparison.Ordinal) ? SendingIdentityType.EmailAddress : SendingIdentityType.Domain,
            VerificationStatus = VerificationStatus.Success, VerificationStatusSince = now, VerifiedAt = now, CreatedAt = now,
        };
        db.SendingIdentities.Add(entity);
        await db.SaveChangesAsync();
        return entity.Arn;
    }

    /// <summary>An SES API client signing with a new access key of <paramref name="caller"/> (the journeys' real SigV4 client).</summary>
    public async Task<SesApiTestClient> ApiClientAsync(Caller caller)
    {
        using var scope = Services.CreateScope();
        var key = await scope.ServiceProvider.GetRequiredService<AccessKeysService>().CreateAsync(caller, null, TestContext.Current.CancellationToken);
        Xunit.Assert.True(key.IsSuccess, key.Error?.Message);
        return new SesApiTestClient(BaseUrl, key.Value!.Id, key.Value.Secret);
    }

    public async ValueTask InitializeAsync()
    {
        StartServer();
        BaseUrl = ClientOptions.BaseAddress.ToString().TrimEnd('/');
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("E2E_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>A fresh browser context (own cookies) and page, 1280×800 unless told.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 800)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl, ViewportSize = new ViewportSize { Width = width, Height = height } });
        context.SetDefaultTimeout(15_000);
        await CspViolations.AttachAsync(context);
        return await context.NewPageAsync();
    }

    /// <summary>Saves a screenshot under docs/screenshots when E2E_SCREENSHOTS names a directory.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("E2E_SCREENSHOTS") is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
            // What the user sees: a full-page capture draws MudBlazor's fixed app bar wherever the page was scrolled to.
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(directory, name + ".png") });
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await base.DisposeAsync();
        Dns.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // The OS temp cleaner takes what a finishing thread still holds.
        }

        // Any journey that made the server log an error, or a page break the CSP, fails the run, even if its own assertions passed.
        AssertNoServerErrors();
        AssertNoCspViolations();
        GC.SuppressFinalize(this);
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleServerGroup : ICollectionFixture<ConsoleServer>
{
    public const string Name = "console";
}
