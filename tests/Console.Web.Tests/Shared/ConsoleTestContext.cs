using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;
using MudBlazor.Services;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Web.Features.Accounts;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Identities.Dns;
using SesConsole.Web.Features.Mail;
using SesConsole.Web.Features.Policies;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Hosting;
using SesConsole.Web.Notifications;
using SesConsole.Web.Sending;

namespace SesConsole.Web.Tests.Shared;

/// <summary>
/// bUnit base: MudBlazor services (transitions zeroed), loose JS interop for MudBlazor internals, bUnit's authorization
/// double, and the real feature services over a real SQLite file in a temp directory (migrated, with two accounts).
/// </summary>
public abstract class ConsoleTestContext : BunitContext
{
    public const string AccountA = "111111111111";
    public const string AccountB = "222222222222";

    private readonly string _directory = Directory.CreateTempSubdirectory("sesconsole-bunit-").FullName;

    protected ConsoleTestContext()
        : this([])
    {
    }

    /// <param name="settings">Extra configuration for the mail and DNS services (for example <c>Dns:DkimZone</c>).</param>
    protected ConsoleTestContext(IEnumerable<KeyValuePair<string, string?>> settings)
    {
        // The first EF query of a test process compiles the model (1-2 s on 2 cores); waits must outlast it.
        DefaultWaitTimeout = TimeSpan.FromSeconds(10);
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddLogging();
        Services.AddConsoleData(new DatabaseOptions(), _directory);
        Services.AddIdentityCore<ConsoleUser>(o => o.User.AllowedUserNameCharacters += "/")
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<ConsoleDbContext>();
        Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton(Options.Create(new ConsoleOptions { Regions = ["us-east-1", "eu-west-1"] }));
        Services.AddMudServices(o =>
        {
            o.SnackbarConfiguration.ShowTransitionDuration = 0;
            o.SnackbarConfiguration.HideTransitionDuration = 0;
            o.PopoverOptions.CheckForPopoverProvider = false;
        });
        Services.AddScoped<CurrentCaller>();
        SesConsole.Web.Features.Audit.AuditServiceCollectionExtensions.AddConsoleAudit(Services);
        Services.AddScoped<AccountsService>();
        Services.AddScoped<IamService>();
        Services.AddScoped<AccessKeysService>();
        Services.AddScoped<MailboxService>();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            // Page tests need no DNS answers: lookups to a closed port fail, which changes no status.
            ["Dns:Servers:0"] = $"127.0.0.1:{TestDnsServer.UnusedPort()}",
            ["Dns:TimeoutSeconds"] = "1",
            ["Dns:Retries"] = "0",
        }).AddInMemoryCollection(settings).Build();
        Services.AddConsoleMail(configuration);
        Services.AddConsoleDns(configuration);
        Services.AddScoped<RegionContext>();
        Services.AddSingleton<EmailVerificationLinks>();
        Services.AddSingleton<DnsCheckLog>();
        Services.AddSingleton<IdentityCreationGate>();
        Services.AddScoped<IdentitiesService>();
        Services.AddScoped<PrincipalDirectoryLoader>();
        Services.AddConsolePolicies();
        Services.AddSendingEngine(configuration);
        Services.AddNotificationsCore(configuration);
        SesConsole.Web.Features.Sns.SnsServiceCollectionExtensions.AddConsoleSns(Services);
        SesConsole.Web.Notifications.Feedback.FeedbackServiceCollectionExtensions.AddFeedback(Services);
        SesConsole.Web.Reputation.ReputationServiceCollectionExtensions.AddReputation(Services, configuration);
        Services.AddScoped<SesConsole.Web.Features.ConfigurationSets.ConfigurationSetsService>();
        Services.AddScoped<SesConsole.Web.Features.Templates.TemplatesService>();
        Services.AddSingleton<SesConsole.Web.Reputation.EnforcementService>();
        Services.AddScoped<SesConsole.Web.Features.Reputation.ReputationDashboardService>();
        Authorization = AddAuthorization();
        Authorization.SetPolicies(Policies.AccountMember, Policies.AccountRoot);

        // The Topics pages' SNS service and what it needs (docs/notifications.md#topics).
        Services.AddSingleton(Options.Create(new SesConsole.Web.Notifications.NotificationsOptions()));
        Services.AddSingleton<Microsoft.Extensions.Hosting.IHostEnvironment>(new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = "Production" });
        Services.AddSingleton<SesConsole.Web.Notifications.SubscriberNetworkGuard>();
        Services.AddSingleton<SesConsole.Web.Notifications.SnsDeliverySignal>();
        SesConsole.Web.Features.Sns.SnsServiceCollectionExtensions.AddConsoleSns(Services);
        using var db = Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContext();
        db.Database.Migrate();
        db.Accounts.AddRange(
            new AccountEntity { Id = AccountA, DisplayName = "Owner A", HomeRegions = "us-east-1", CreatedAt = DateTimeOffset.UnixEpoch },
            new AccountEntity { Id = AccountB, DisplayName = "Owner B", HomeRegions = "us-east-1", Sandbox = false, CreatedAt = DateTimeOffset.UnixEpoch });
        db.SaveChanges();
    }

    protected BunitAuthorizationContext Authorization { get; }

    /// <summary>Signs in as the root of <paramref name="accountId"/>.</summary>
    protected void SignInAsRoot(string accountId) =>
        SignIn($"root@{accountId}.example", new Claim(Caller.AccountClaim, accountId), new Claim(Caller.PrincipalArnClaim, $"arn:aws:iam::{accountId}:root"));

    protected void SignInAsAdmin()
    {
        Authorization.SetAuthorized("admin@example.com");
        Authorization.SetRoles(Caller.AdminRole);
        Authorization.SetPolicies(Policies.Admin);
        Authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, Guid.NewGuid().ToString()));
    }

    private void SignIn(string name, params Claim[] claims)
    {
        Authorization.SetAuthorized(name);
        Authorization.SetClaims([new Claim(ClaimTypes.NameIdentifier, Guid.NewGuid().ToString()), .. claims]);
    }

    /// <summary>
    /// Renders <typeparamref name="TComponent"/> under the popover and dialog providers, as MainLayout does, and returns
    /// the root (whose markup includes open dialogs) and the component.
    /// </summary>
    protected (IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> Root, IRenderedComponent<TComponent> Component) RenderWithProviders<TComponent>(
        params (string Name, object? Value)[] parameters)
        where TComponent : Microsoft.AspNetCore.Components.IComponent
    {
        var root = Render(builder =>
        {
            builder.OpenComponent<MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<MudDialogProvider>(1);
            builder.CloseComponent();
            builder.OpenComponent<TComponent>(2);
            foreach (var (name, value) in parameters)
            {
                builder.AddComponentParameter(3, name, value);
            }

            builder.CloseComponent();
        });
        return (root, root.FindComponent<TComponent>());
    }

    protected T Service<T>()
        where T : notnull => Services.GetRequiredService<T>();

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
