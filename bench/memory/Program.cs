using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

// The console's resident memory idle and per signed-in browser session (bench/memory/README.md):
//   dotnet run --project bench/memory -- <path to the Release Console.Web.dll> [sessions=20] [ENV=VALUE ...]
// Starts the console (Development, the demo world seeded, a temp data directory), signs in one warm-up session in
// headless Chromium, then N more (each its own browser context, signed in as owner@example.com, on the home page with its
// Blazor circuit live), and prints VmRSS (/proc/<pid>/status) after each step settled. Extra ENV=VALUE arguments go to the
// console's environment (e.g. DOTNET_gcServer=0). Before each reading the runner waits for the process to settle and, when
// DOTNET_GCDUMP is set to a dotnet-gcdump executable, collects a gcdump (which forces a full GC) and prints its top types.
// Each reading is also split by kind of mapping (bench/memory/README.md); there is a reading half-way too.
var dll = args.Length > 0 ? Path.GetFullPath(args[0]) : throw new ArgumentException("the path of Console.Web.dll is required");
var sessions = args.Length > 1 && int.TryParse(args[1], CultureInfo.InvariantCulture, out var n) ? n : 20;
const string Password = "Mem-Passw0rd!";
var directory = Directory.CreateTempSubdirectory("sesconsole-memory-").FullName;
var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(dll)! };
foreach (var a in (string[])["exec", dll, "--urls", "http://127.0.0.1:0", "--data-dir", directory, "--Demo:Seed=true", $"--Demo:Password={Password}", "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information"])
{
    start.ArgumentList.Add(a);
}

start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
foreach (var setting in args.Skip(2).Where(a => a.Contains('=')))
{
    start.Environment[setting.Split('=', 2)[0]] = setting.Split('=', 2)[1];
}

using var console = Process.Start(start)!;
using var terminated = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => Stop());
using var interrupted = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => Stop());
try
{
    return await MeasureAsync();
}
finally
{
    Stop();
}

void Stop()
{
    if (!console.HasExited)
    {
        console.Kill(entireProcessTree: true);
        console.WaitForExit();
    }

    if (Directory.Exists(directory))
    {
        Directory.Delete(directory, recursive: true);
    }
}

async Task<int> MeasureAsync()
{
    var listening = new TaskCompletionSource<string>();
    console.OutputDataReceived += (_, e) =>
    {
        if (e.Data is not null && Regex.Match(e.Data, @"Now listening on: (http://127\.0\.0\.1:\d+)") is { Success: true } m)
        {
            listening.TrySetResult(m.Groups[1].Value);
        }
    };
    console.ErrorDataReceived += (_, e) =>
    {
        if (e.Data is not null)
        {
            Console.Error.WriteLine(e.Data);
        }
    };
    console.BeginOutputReadLine();
    console.BeginErrorReadLine();
    var baseUrl = await listening.Task.WaitAsync(TimeSpan.FromMinutes(2));
    Console.WriteLine($"console pid {console.Id} at {baseUrl}; env {string.Join(' ', args.Skip(2))}");

    using var playwright = await Playwright.CreateAsync();
    await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = Environment.GetEnvironmentVariable("E2E_CHROMIUM") ?? "/usr/bin/chromium",
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
    });

    async Task SignInAsync()
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("Email or IAM user").FillAsync("owner@example.com");
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(u => !u.Contains("/Account/Login", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("#circuit[data-interactive='true']")).ToBeAttachedAsync(new() { Timeout = 60_000 });
    }

    async Task<long> SettledRssAsync(string label)
    {
        await Task.Delay(TimeSpan.FromSeconds(15));
        if (Environment.GetEnvironmentVariable("DOTNET_GCDUMP") is { } gcdump)
        {
            var file = Path.Combine(directory, $"{Regex.Replace(label, "[^a-z0-9]+", "-")}.gcdump");
            using var collect = Process.Start(new ProcessStartInfo(gcdump, $"collect -p {console.Id} -o {file}") { RedirectStandardOutput = true })!;
            await collect.WaitForExitAsync();
            using var report = Process.Start(new ProcessStartInfo(gcdump, $"report {file}") { RedirectStandardOutput = true })!;
            var text = await report.StandardOutput.ReadToEndAsync();
            Console.WriteLine($"--- gcdump {label} (top types) ---");
            Console.WriteLine(string.Join(Environment.NewLine, text.Split('\n').Take(25)));
            await Task.Delay(TimeSpan.FromSeconds(5));
        }

        var status = File.ReadAllLines($"/proc/{console.Id}/status");
        string Field(string name) => Regex.Match(status.First(l => l.StartsWith(name + ":", StringComparison.Ordinal)), @"\d+").Value;
        double Megabytes(string name) => long.Parse(Field(name), CultureInfo.InvariantCulture) / 1024.0;
        var kb = long.Parse(Field("VmRSS"), CultureInfo.InvariantCulture);
        Console.WriteLine($"{label}: VmRSS {kb / 1024.0:N1} MB (anonymous {Megabytes("RssAnon"):N1}, file {Megabytes("RssFile"):N1}; {Field("Threads")} threads)");
        Console.WriteLine($"  by mapping (MB): {string.Join(", ", ResidentByKind(File.ReadAllLines($"/proc/{console.Id}/smaps")).Select(k => $"{k.Key} {k.Value / 1024.0:N1}"))}");
        if (Environment.GetEnvironmentVariable("MEMORY_SMAPS_DIR") is { } smaps)
        {
            File.Copy($"/proc/{console.Id}/smaps", Path.Combine(smaps, $"{Regex.Replace(label, "[^a-z0-9]+", "-")}.smaps"), overwrite: true);
        }
        return kb;
    }

    var idle = await SettledRssAsync("idle (started, no request)");
    await SignInAsync();
    var one = await SettledRssAsync("one signed-in session (warm-up)");
    // A reading half-way too: the second half's slope leaves out most of what the first sessions still warm up (tier-1
    // recompilation of hot methods, pools and caches growing to their working size).
    var half = sessions / 2;
    for (var i = 0; i < half; i++)
    {
        await SignInAsync();
    }

    var middle = await SettledRssAsync($"{half + 1} signed-in sessions");
    for (var i = half; i < sessions; i++)
    {
        await SignInAsync();
    }

    var all = await SettledRssAsync($"{sessions + 1} signed-in sessions");
    Console.WriteLine($"per session: {(all - one) / 1024.0 / sessions:N2} MB ((RSS with {sessions + 1} − RSS with 1) / {sessions}); first session {(one - idle) / 1024.0:N1} MB over idle");
    Console.WriteLine($"per session, second half: {(all - middle) / 1024.0 / (sessions - half):N2} MB ((RSS with {sessions + 1} − RSS with {half + 1}) / {sessions - half})");
    if (int.TryParse(Environment.GetEnvironmentVariable("MEMORY_HOLD_SECONDS"), CultureInfo.InvariantCulture, out var hold))
    {
        // Keeps the console and its sessions alive for a look from outside (dotnet-dump, dotnet-counters) at pid above.
        Console.WriteLine($"holding {hold} s");
        await Task.Delay(TimeSpan.FromSeconds(hold));
    }

    return 0;
}

// Resident kB by kind of mapping: glibc's malloc heaps ([heap], and arenas, which start on a 64 MiB boundary), the GC's
// regions (the other anonymous mappings of 1 MiB and more), JIT-compiled code and the runtime's loader heaps (the
// double-mapped memfd, W^X), mapped files, and the rest (thread stacks, small anonymous mappings).
static SortedDictionary<string, long> ResidentByKind(string[] smaps)
{
    var kinds = new SortedDictionary<string, long>(StringComparer.Ordinal);
    string? kind = null;
    foreach (var line in smaps)
    {
        if (Regex.Match(line, @"^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \d+\s*(.*)$") is { Success: true } m)
        {
            var begin = ulong.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var size = ulong.Parse(m.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture) - begin;
            var name = m.Groups[4].Value;
            kind = name switch
            {
                "[heap]" => "malloc",
                _ when name.StartsWith("/memfd:doublemapper", StringComparison.Ordinal) => "code+loader",
                _ when name.StartsWith('/') => "files",
                "" when begin % (64UL << 20) == 0 && m.Groups[3].Value == "rw-p" => "malloc",
                "" when size >= 1UL << 20 => "gc",
                _ => "other",
            };
        }
        else if (kind is not null && line.StartsWith("Rss:", StringComparison.Ordinal))
        {
            kinds[kind] = kinds.GetValueOrDefault(kind) + long.Parse(Regex.Match(line, @"\d+").Value, CultureInfo.InvariantCulture);
        }
    }

    return kinds;
}
