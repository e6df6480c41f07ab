using SesConsole.Web.Components;
using SesConsole.Web.Components.Account;
using SesConsole.Web.Features.Api;
using SesConsole.Web.Features.Mail;
using SesConsole.Web.Hosting;
using SesConsole.Web.Notifications.Delivery;

// One-time commands run against the configured database and exit:
//   create-admin --email you@example.com [--password …]   creates (or promotes) a platform admin; prints a generated password
var command = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : null;
var settings = command is null ? args : args[1..];

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = settings });
builder.Configuration.AddRepositoryDevelopmentSettings(builder.Environment);
builder.Configuration.AddCommandLine(settings, new Dictionary<string, string>
{
    ["--provision"] = "Console:ProvisioningFile",
    ["--data-dir"] = "Console:DataDirectory",
    ["--email"] = "Command:Email",
    ["--password"] = "Command:Password",
});
if (builder.Configuration.GetValue("UseStaticWebAssets", false))
{
    // Package static assets (MudBlazor) outside Development without publishing: the static-web-assets manifest is read
    // only in Development by default, so without this `_content/*` answers 500.
    builder.WebHost.UseStaticWebAssets();
}

builder.AddConsoleWeb();

var app = builder.Build();

await using (var scope = app.Services.CreateAsyncScope())
{
    var startup = scope.ServiceProvider.GetRequiredService<StartupTasks>();
    await startup.RunAsync();
    if (command is not null)
    {
        return await CommandLine.RunAsync(command, app.Configuration, startup);
    }
}

app.UseConsoleForwardedHeaders(); // first: everything after sees the client's address and scheme (docs/deployment.md#forwarded-headers)
app.UseSecurityHeaders();
if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
    app.UseHsts();
}

app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseAntiforgery();

app.MapStaticAssets();
app.MapRazorComponents<App>()
    // No per-message deflate on the circuit's WebSocket: with it every signed-in session keeps two zlib streams (about
    // 300 KB of native memory) for its lifetime (docs/send-performance.md#memory); our own CSP already forbids framing.
    .AddInteractiveServerRenderMode(o => o.DisableWebSocketCompression = true);
app.MapAccountEndpoints();
app.MapMailboxEndpoints();
SesConsole.Web.Features.Audit.AuditEndpoints.MapAuditEndpoints(app);
app.MapSesApi();
app.MapSnsCertificates();
app.MapConsoleHealth();

app.Lifetime.ApplicationStarted.Register(() =>
{
    foreach (var address in app.Urls)
    {
        System.Console.WriteLine($"SesConsole is listening on {address}");
        System.Console.WriteLine($"SES API endpoint (v2 REST and v1 Query): {address}  e.g. new SESv2Client({{ endpoint: '{address}', region: 'us-east-1', credentials }})");
    }
});

await app.RunAsync();
return 0;

/// <summary>The entry point; public and partial so that tests can host it with WebApplicationFactory.</summary>
public partial class Program;
