using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Npgsql;

namespace SesConsole.Tests.Shared;

/// <summary>
/// A private PostgreSQL cluster for one test project (docs/database-providers.md#tests): <c>initdb</c> in a fresh temp
/// directory (trust authentication, C locale, UTF-8), started with <c>pg_ctl</c> on a free loopback port with its
/// socket in that directory, stopped and deleted on dispose. Running as root it runs the PostgreSQL programs as the
/// <c>postgres</c> OS user (the server refuses to run as root); otherwise as the current user. The server runs with
/// <c>fsync=off</c>: a crash of the machine may lose its data, which a test cluster can afford. Each test class takes
/// a database of its own (<see cref="CreateDatabaseAsync"/>). Shared as the fixture of <see cref="PostgresTestGroup"/>.
/// </summary>
public sealed partial class PostgresCluster : IAsyncLifetime
{
    private const string Superuser = "postgres";
    private string _directory = "";
    private string _data = "";
    private string _pgCtl = "";

    public int Port { get; private set; }

    /// <summary>The superuser's connection string to the maintenance database <c>postgres</c>.</summary>
    public string AdminConnectionString => ConnectionString("postgres");

    public async ValueTask InitializeAsync()
    {
        var bin = FindBinDirectory();
        _pgCtl = Path.Combine(bin, "pg_ctl");
        _directory = Directory.CreateTempSubdirectory("sesconsole-pg-").FullName;
        _data = Path.Combine(_directory, "data");
        if (RunsAsRoot)
        {
            await RunAsync("chown", ["-R", $"{Superuser}:{Superuser}", _directory], asPostgres: false);
        }

        await RunAsync(Path.Combine(bin, "initdb"), ["-D", _data, "-U", Superuser, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"], asPostgres: true);

        // A port taken between probing and binding makes the start fail: try a few.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            var options = $"-p {Port} -k {_directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200";
            var (exitCode, output) = await TryRunAsync(_pgCtl, ["-D", _data, "-l", Path.Combine(_directory, "server.log"), "-w", "-t", "60", "-o", options, "start"], asPostgres: true);
            if (exitCode == 0)
            {
                break;
            }

            if (attempt == 3)
            {
                throw new InvalidOperationException($"pg_ctl start failed ({exitCode}): {output}\n{ServerLog()}");
            }
        }

        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
    }

    /// <summary>Creates an empty database <paramref name="name"/> (lower-case letters, digits, underscores; unique in the cluster) and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        if (!DatabaseName().IsMatch(name))
        {
            throw new ArgumentException($"'{name}' is not a plain lower-case database name.", nameof(name));
        }

        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"CREATE DATABASE \"{name}\"";
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_data.Length > 0 && File.Exists(Path.Combine(_data, "postmaster.pid")))
        {
            await TryRunAsync(_pgCtl, ["-D", _data, "-m", "immediate", "-w", "stop"], asPostgres: true);
        }

        if (_directory.Length > 0 && Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = Superuser, Database = database }.ConnectionString;

    private static bool RunsAsRoot => Environment.UserName == "root";

    /// <summary>The directory of <c>initdb</c> and <c>pg_ctl</c>: on the PATH, else Debian's newest <c>/usr/lib/postgresql/N/bin</c>.</summary>
    private static string FindBinDirectory()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl")))
            {
                return directory;
            }
        }

        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0, Bin: Path.Combine(d, "bin")))
                .Where(d => File.Exists(Path.Combine(d.Bin, "initdb")))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Bin)
                .FirstOrDefault()
            : null;
        return debian ?? throw new InvalidOperationException(
            "PostgreSQL's initdb and pg_ctl were not found (PATH, /usr/lib/postgresql/*/bin): install Debian's postgresql package (scripts/test.sh does).");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private string ServerLog()
    {
        var log = Path.Combine(_directory, "server.log");
        return File.Exists(log) ? File.ReadAllText(log) : "";
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var (exitCode, output) = await TryRunAsync(program, arguments, asPostgres);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} exited with {exitCode}: {output}");
        }
    }

    /// <summary>Runs a program to its end (at most two minutes) and returns its exit code and its output.</summary>
    private static async Task<(int ExitCode, string Output)> TryRunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres && RunsAsRoot ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asPostgres && RunsAsRoot)
        {
            foreach (var argument in (string[])["-u", Superuser, "--", program])
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        // pg_ctl -l sends the server's own output to the log file, so these pipes close when pg_ctl exits.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} did not finish in two minutes.");
        }

        return (process.ExitCode, string.Join('\n', await stdout, await stderr));
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex DatabaseName();
}

/// <summary>The tests that share one <see cref="PostgresCluster"/>: started when the first of them runs, stopped after the last.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresTestGroup : ICollectionFixture<PostgresCluster>
{
    public const string Name = "PostgreSQL";
}
