using System.Diagnostics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Data;
using SesConsole.Domain.Identities;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Principals;

namespace SesConsole.Web.Tests.Shared;

/// <summary>The real app on a real Kestrel port (127.0.0.1:0), for clients outside the process (the AWS SDKs, SMTP).</summary>
public sealed class KestrelConsoleAppFactory : IAsyncDisposable
{
    /// <param name="configureServices">Runs after the app's own registrations (see <see cref="ConsoleAppFactory.ConfigureServices"/>).</param>
    /// <param name="settings">
    /// Extra app settings (see <see cref="ConsoleAppFactory.Settings"/>), e.g. <c>Database:Provider</c> and
    /// <c>Database:ConnectionString</c>: two factories given the same server database are two nodes of one console.
    /// </param>
    public KestrelConsoleAppFactory(Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? configureServices = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        App = new ConsoleAppFactory { ConfigureServices = configureServices };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            App.Settings[key] = value;
        }

        App.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
    }

    public ConsoleAppFactory App { get; }

    /// <summary>The settings of a console on the PostgreSQL database <paramref name="connectionString"/> (see <c>PostgresCluster.CreateDatabaseAsync</c>).</summary>
    public static Dictionary<string, string?> PostgreSql(string connectionString) => new()
    {
        ["Database:Provider"] = "PostgreSql",
        ["Database:ConnectionString"] = connectionString,
    };

    public string BaseUrl { get; private set; } = "";

    public void Start()
    {
        App.StartServer();
        BaseUrl = App.ClientOptions.BaseAddress.ToString().TrimEnd('/');
    }

    /// <summary>
    /// Account 111111111111's root with an access key and the verified email identity <paramref name="email"/> in us-east-1:
    /// the environment tests/sdk-client's send scripts read (SES_ENDPOINT, SES_REGION, SES_KEY, SES_SECRET, SES_FROM_ARN, SES_FROM).
    /// </summary>
    public async Task<Dictionary<string, string>> VerifiedSenderAsync(string email, CancellationToken ct)
    {
        var owner = new Caller("sdk", "owner@example.com", "111111111111", null, "arn:aws:iam::111111111111:root", false);
        using var scope = App.Services.CreateScope();
        var key = (await scope.ServiceProvider.GetRequiredService<AccessKeysService>().CreateAsync(owner, null, ct)).Value!;
        await scope.ServiceProvider.GetRequiredService<IdentitiesService>().CreateEmailAsync(owner, "us-east-1", email, new Uri(BaseUrl + "/"), ct);
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(ct);
        await db.SendingIdentities.Where(i => i.Name == email)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.VerificationStatus, VerificationStatus.Success), ct);
        return new()
        {
            ["SES_ENDPOINT"] = BaseUrl, ["SES_REGION"] = "us-east-1", ["SES_KEY"] = key.Id, ["SES_SECRET"] = key.Secret,
            ["SES_FROM_ARN"] = $"arn:aws:ses:us-east-1:111111111111:identity/{email}", ["SES_FROM"] = email,
        };
    }

    /// <summary>Runs a script of tests/sdk-client with node and returns its standard output (the script prints JSON).</summary>
    public static async Task<string> RunNodeAsync(string script, IDictionary<string, string> environment)
    {
        var directory = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "sdk-client"));
        if (!Directory.Exists(Path.Combine(directory, "node_modules")))
        {
            throw new InvalidOperationException($"Run 'npm ci' in {directory} first (scripts/test.sh does).");
        }

        var start = new ProcessStartInfo("node", $"--no-warnings {script}") { WorkingDirectory = directory };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var (exitCode, stdout, stderr) = await ChildProcess.RunAsync(start);
        return exitCode == 0 ? stdout : throw new InvalidOperationException($"node {script} exited with {exitCode}: {stderr}");
    }

    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}
