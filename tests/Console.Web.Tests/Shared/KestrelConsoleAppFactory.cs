using System.Diagnostics;
using System.Net;

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
