using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Web.Features.Policies;

namespace SesConsole.Web.Tests.Shared;

/// <summary>
/// The real app (Program) over a real SQLite file in a fresh temp data directory, in Development with the demo world
/// seeded: owner@example.com (account 111111111111), delegate@example.com (222222222222, IAM user "mailer") and
/// admin@example.com, all with <see cref="Password"/>.
/// </summary>
public sealed class ConsoleAppFactory : WebApplicationFactory<Program>
{
    public const string Password = "Test-Passw0rd!";

    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("sesconsole-web-").FullName;

    public Dictionary<string, string?> Settings { get; } = [];

    /// <summary>When set, replaces the app's clock (email link expiry, DNS deadlines are then driven by the test).</summary>
    public TimeProvider? Time { get; init; }

    /// <summary>When set, runs after the app's own registrations (e.g. to wrap the mail transport).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Console:DataDirectory", DataDirectory);
        builder.UseSetting("Demo:Seed", "true");
        builder.UseSetting("Demo:Password", Password);
        builder.UseSetting("Demo:ReputationHistory", "false"); // the Development file turns it on; tests start from no history
        builder.UseSetting("Urls", "");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        if (Time is not null)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(Time));
        }

        if (ConfigureServices is not null)
        {
            builder.ConfigureTestServices(ConfigureServices);
        }

        // Until WebServiceCollectionExtensions registers them (idempotent).
        builder.ConfigureTestServices(services => services.AddConsolePolicies());
    }

    /// <summary>An HTTP client (cookies kept, redirects not followed) signed in as <paramref name="userName"/>.</summary>
    public async Task<HttpClient> SignInAsync(string userName, string password = Password)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var response = await PostLoginAsync(client, userName, password);
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Sign-in as {userName} failed: {response.StatusCode}");
        }

        return client;
    }

    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string userName, string password)
    {
        var page = await client.GetStringAsync("/Account/Login");
        var token = Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "login",
            ["Input.UserName"] = userName,
            ["Input.Password"] = password,
        });
        return await client.PostAsync("/Account/Login", form);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a finishing background thread; the OS temp cleaner takes it.
        }
    }
}
