using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using MudBlazor;
using MudBlazor.Services;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Web.Components.Account;
using SesConsole.Web.Features.Accounts;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Identities.Dns;
using SesConsole.Web.Features.Mail;
using SesConsole.Web.Features.Policies;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Features.Provisioning;
using SesConsole.Web.Features.Sts;
using SesConsole.Web.Notifications;
using SesConsole.Web.Notifications.Delivery;
using SesConsole.Web.Notifications.Feedback;
using SesConsole.Web.Sending;

namespace SesConsole.Web.Hosting;

public static class WebServiceCollectionExtensions
{
    /// <summary>Everything the console needs: data, Identity sign-in, Data Protection, MudBlazor and the feature services.</summary>
    public static WebApplicationBuilder AddConsoleWeb(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var development = builder.Environment.IsDevelopment();
        var consoleSection = builder.Configuration.GetSection(ConsoleOptions.SectionName);
        services.Configure<ConsoleOptions>(consoleSection);
        var consoleOptions = consoleSection.Get<ConsoleOptions>() ?? new ConsoleOptions();
        var dataDirectory = Path.GetFullPath(consoleOptions.DataDirectory, builder.Environment.ContentRootPath);
        Directory.CreateDirectory(dataDirectory);
        services.AddSingleton(new DataDirectory(dataDirectory));

        var databaseOptions = builder.Configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        services.AddConsoleData(databaseOptions, dataDirectory);
        var clusterOptions = builder.Configuration.GetSection(ClusterOptions.SectionName).Get<ClusterOptions>() ?? new ClusterOptions();
        services.AddSingleton(new ClusterMode(clusterOptions.IsEnabled(databaseOptions.Provider), clusterOptions.Node, clusterOptions));
        services.AddClusterCoordination();

        // Secrets (access-key secrets, DKIM and SNS signing keys) and cookies are protected with a key ring kept in the
        // database, shared by every node (docs/deployment.md#data-protection).
        services.AddConsoleDataProtection(builder.Configuration, dataDirectory);
        services.AddConsoleForwardedHeaders(builder.Configuration);

        services.TryAddTimeProvider();

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddOptions<SignInThrottleOptions>().Bind(builder.Configuration.GetSection(SignInThrottleOptions.SectionName))
            .Validate(o => o.MaxDelay > TimeSpan.Zero && o.MaxDelay <= TimeSpan.FromMinutes(1), "SignIn:Throttle:MaxDelay must be more than 0 and at most 00:01:00.")
            .Validate(o => o.FirstDelay > TimeSpan.Zero && o.FirstDelay <= o.MaxDelay, "SignIn:Throttle:FirstDelay must be more than 0 and at most MaxDelay.")
            .Validate(o => o.Window > TimeSpan.Zero && o.FreeFailuresPerUserName >= 1 && o.FreeFailuresPerAddress >= 1 && o.MaxTrackedKeys >= 100,
                "SignIn:Throttle needs a positive Window, FreeFailuresPerUserName and FreeFailuresPerAddress of at least 1, and MaxTrackedKeys of at least 100.")
            .ValidateOnStart();
        services.AddSingleton<SignInThrottle>();
        services.AddScoped<ConsoleSignIn>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = IdentityConstants.ApplicationScheme;
                o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/Account/Login";
            o.LogoutPath = "/Account/Logout";
            o.AccessDeniedPath = "/Account/AccessDenied";
            o.Cookie.Name = "SesConsole.Auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            // Secure whenever the request is HTTPS; outside Development always (docs/console-security.md).
            o.Cookie.SecurePolicy = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        });
        // The anti-forgery cookie only pairs with a form's token; Secure over HTTPS, and the sign-in form still renders over
        // plain HTTP (where it explains that sign-in needs HTTPS) instead of failing.
        services.AddAntiforgery(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Admin, p => p.RequireRole(Caller.AdminRole))
            .AddPolicy(Policies.AccountMember, p => p.RequireClaim(Caller.AccountClaim))
            .AddPolicy(Policies.AccountRoot, p => p.RequireClaim(Caller.AccountClaim).RequireAssertion(c => !c.User.HasClaim(x => x.Type == Caller.IamPrincipalClaim)));

        services.AddIdentityCore<ConsoleUser>(o =>
            {
                o.SignIn.RequireConfirmedAccount = false;
                o.User.RequireUniqueEmail = false;
                o.User.AllowedUserNameCharacters += "/";
                o.Password.RequiredLength = 10;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<ConsoleDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<ConsoleClaimsFactory>();

        services.AddMudServices(c =>
        {
            c.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomRight;
            c.SnackbarConfiguration.VisibleStateDuration = 4000;
        });

        services.AddScoped<CurrentCaller>();
        SesConsole.Web.Features.Audit.AuditServiceCollectionExtensions.AddConsoleAudit(services);
        services.AddScoped<PrincipalDirectoryLoader>();
        services.AddScoped<RegionContext>();
        services.AddSingleton<EmailVerificationLinks>();
        services.AddScoped<AccountsService>();
        services.AddScoped<IamService>();
        services.AddScoped<AccessKeysService>();
        services.AddScoped<ProvisioningService>();
        services.AddScoped<StartupTasks>();
        services.AddConsoleMail(builder.Configuration);
        services.AddConsoleDns(builder.Configuration);
        services.AddOptions<IdentitiesOptions>().Bind(builder.Configuration.GetSection(IdentitiesOptions.SectionName))
            .Validate(o => o.MaxIdentitiesPerRegion > 0, "Identities:MaxIdentitiesPerRegion must be at least 1.")
            .ValidateOnStart();
        services.AddSingleton<IdentityCreationGate>();
        services.AddScoped<IdentitiesService>();
        services.AddConsolePolicies();
        services.AddOptions<PolicyImpactOptions>().Bind(builder.Configuration.GetSection(PolicyImpactOptions.SectionName))
            .Validate(o => o.Window > TimeSpan.Zero && o.MaxAttempts > 0, "Policies:ImpactPreview:Window and MaxAttempts must be positive.");
        services.AddSingleton<DnsCheckLog>();
        services.AddHostedService<IdentityRecheckWorker>();
        services.AddSendingEngine(builder.Configuration);
        services.AddNotificationsCore(builder.Configuration);
        services.AddFeedback();
        SesConsole.Web.Reputation.ReputationServiceCollectionExtensions.AddReputation(services, builder.Configuration);
        SesConsole.Web.Reputation.Inbound.InboundFeedbackServiceCollectionExtensions.AddInboundFeedback(services, builder.Configuration);
        services.AddScoped<SesConsole.Web.Features.Reputation.ReputationDashboardService>();
        services.AddSnsDelivery(builder.Configuration);
        services.AddScoped<SesConsole.Web.Features.Sending.SuppressionService>();
        services.AddScoped<SesConsole.Web.Features.Sending.SendingActivityService>();
        services.AddScoped<SesConsole.Web.Features.ConfigurationSets.ConfigurationSetsService>();
        services.AddScoped<SesConsole.Web.Features.Templates.TemplatesService>();
        services.AddScoped<SesConsole.Web.Features.Api.SesApiAuthentication>();
        services.AddConsoleSts();
        SesConsole.Web.Features.Sns.SnsServiceCollectionExtensions.AddConsoleSns(services);
        // The SMTP listener's own limits default to the pipeline's (it refuses an over-long message while DATA is read,
        // before the pipeline sees it); an explicit Smtp:MaxMessageSize or Smtp:MaxRecipients still wins.
        services.AddOptions<SesConsole.Web.Features.Smtp.SmtpOptions>().Configure<Microsoft.Extensions.Options.IOptions<SesConsole.Domain.Sending.SendPipelineOptions>>((smtp, pipeline) =>
            (smtp.MaxMessageSize, smtp.MaxRecipients) = ((int)pipeline.Value.MaxMessageBytes, pipeline.Value.MaxRecipients));
        services.Configure<SesConsole.Web.Features.Smtp.SmtpOptions>(builder.Configuration.GetSection(SesConsole.Web.Features.Smtp.SmtpOptions.SectionName));
        services.AddSingleton<SesConsole.Web.Features.Smtp.SmtpListener>();
        services.AddScoped<SesConsole.Web.Features.Smtp.ISmtpSubmissionHandler, SesConsole.Web.Features.Smtp.SmtpSubmissionHandler>();
        services.AddHostedService(sp => sp.GetRequiredService<SesConsole.Web.Features.Smtp.SmtpListener>());
        builder.AddConsoleTelemetry().Services.AddConsoleHealth(builder.Configuration); // docs/observability.md
        return builder;
    }

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }
}

/// <summary>The absolute data directory (database file, key ring).</summary>
public sealed record DataDirectory(string Path);

/// <summary>Authorization policy names used by pages and endpoints.</summary>
public static class Policies
{
    public const string Admin = "Admin";
    public const string AccountMember = "AccountMember";
    public const string AccountRoot = "AccountRoot";
}
