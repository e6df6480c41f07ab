using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace SesConsole.Web.Tests.Shared;

/// <summary>
/// The built console (Console.Web.dll) as its own OS process on a real Kestrel port, for tests that kill it (SIGKILL) or
/// run several nodes; disposing kills it if it still runs.
/// </summary>
public sealed class ConsoleProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ConsoleProcess(Process process) => _process = process;

    public string BaseUrl { get; private set; } = "";

    /// <summary>What the process printed so far (for failure messages).</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>Starts the console with <paramref name="arguments"/> (after <c>--urls http://127.0.0.1:0</c>) and waits until it listens.</summary>
    public static async Task<ConsoleProcess> StartAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Console.Web.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var argument in (string[])["exec", dll, "--urls", "http://127.0.0.1:0", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var console = new ConsoleProcess(process);
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Read(object? sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }

            console._output.Enqueue(e.Data);
            if (Regex.Match(e.Data, @"Now listening on: (http://127\.0\.0\.1:\d+)") is { Success: true } m)
            {
                listening.TrySetResult(m.Groups[1].Value);
            }
        }

        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("The console exited before it listened."));
        process.OutputDataReceived += Read;
        process.ErrorDataReceived += Read;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            console.BaseUrl = await listening.Task.WaitAsync(TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            await Task.Delay(200, TestContext.Current.CancellationToken); // the last lines of its output
            console.Dispose();
            throw new TimeoutException($"The console did not start listening:{Environment.NewLine}{console.Output}");
        }

        return console;
    }

    /// <summary>SIGKILL: the process gets no chance to run any shutdown code.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}
