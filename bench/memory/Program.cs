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
// Each reading is also split by kind of mapping (bench/memory/README.md); there is a reading half-way too. Then, with those
// sessions still live, W warm-up sessions more (MEMORY_WARMUP_SESSIONS, 3N by default) and N more with a reading every
// N/4: the steady-state cost of one more session, once the JIT's tier-1 recompilation is done.
var dll = args.Length > 0 ? Path.GetFullPath(args[0]) : throw new ArgumentException("the path of Console.Web.dll is required");
var sessions = args.Length > 1 && int.TryParse(args[1], CultureInfo.InvariantCulture, out var n) ? n : 20;
const string Password = "Mem-Passw0rd!";
string[] Kinds = ["gc", "malloc", "code+loader", "files", "other"]; // ResidentByKind's kinds, in the per-session table
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

    async Task SignInManyAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await SignInAsync();
        }
    }

    void Slope(string label, Reading from, Reading to, int count)
    {
        Console.WriteLine($"  {label,-55} {(to.Kb - from.Kb) / 1024.0 / count,6:N2}  "
            + string.Join("  ", Kinds.Select(k => $"{(to.Kinds.GetValueOrDefault(k) - from.Kinds.GetValueOrDefault(k)) / 1024.0 / count,11:N2}"))
            + (from.ManagedKb is { } a && to.ManagedKb is { } b ? $"  live managed (gcdump) {(b - a) / 1024.0 / count:N2}" : ""));
    }

    async Task<Reading> SettledRssAsync(string label)
    {
        long? managedKb = null;
        await Task.Delay(TimeSpan.FromSeconds(15));
        if (Environment.GetEnvironmentVariable("DOTNET_GCDUMP") is { } gcdump)
        {
            // MEMORY_GCDUMP_DIR keeps the gcdumps (for a per-type diff of two readings: dotnet-gcdump report FILE).
            var file = Path.Combine(Environment.GetEnvironmentVariable("MEMORY_GCDUMP_DIR") ?? directory, $"{Regex.Replace(label, "[^a-z0-9]+", "-")}.gcdump");
            using var collect = Process.Start(new ProcessStartInfo(gcdump, $"collect -p {console.Id} -o {file}") { RedirectStandardOutput = true })!;
            await collect.WaitForExitAsync();
            using var report = Process.Start(new ProcessStartInfo(gcdump, $"report {file}") { RedirectStandardOutput = true })!;
            var text = await report.StandardOutput.ReadToEndAsync();
            Console.WriteLine($"--- gcdump {label} (top types) ---");
            Console.WriteLine(string.Join(Environment.NewLine, text.Split('\n').Take(25)));
            managedKb = LiveManagedKb(text);
            await Task.Delay(TimeSpan.FromSeconds(5));
        }

        var status = File.ReadAllLines($"/proc/{console.Id}/status");
        string Field(string name) => Regex.Match(status.First(l => l.StartsWith(name + ":", StringComparison.Ordinal)), @"\d+").Value;
        double Megabytes(string name) => long.Parse(Field(name), CultureInfo.InvariantCulture) / 1024.0;
        var kb = long.Parse(Field("VmRSS"), CultureInfo.InvariantCulture);
        Console.WriteLine($"{label}: VmRSS {kb / 1024.0:N1} MB (anonymous {Megabytes("RssAnon"):N1}, file {Megabytes("RssFile"):N1}; {Field("Threads")} threads)");
        var kinds = ResidentByKind(File.ReadAllLines($"/proc/{console.Id}/smaps"));
        Console.WriteLine($"  by mapping (MB): {string.Join(", ", kinds.Select(k => $"{k.Key} {k.Value / 1024.0:N1}"))}"
            + (managedKb is { } m ? $"; live managed (gcdump) {m / 1024.0:N1}" : ""));
        if (Environment.GetEnvironmentVariable("MEMORY_SMAPS_DIR") is { } smaps)
        {
            File.Copy($"/proc/{console.Id}/smaps", Path.Combine(smaps, $"{Regex.Replace(label, "[^a-z0-9]+", "-")}.smaps"), overwrite: true);
        }
        return new Reading(kb, kinds, managedKb);
    }

    var idle = await SettledRssAsync("idle (started, no request)");
    await SignInAsync();
    var one = await SettledRssAsync("one signed-in session (warm-up)");
    // A reading half-way too: the second half's slope leaves out most of what the first sessions still warm up (tier-1
    // recompilation of hot methods, pools and caches growing to their working size).
    var half = sessions / 2;
    await SignInManyAsync(half);
    var middle = await SettledRssAsync($"{half + 1} signed-in sessions");
    await SignInManyAsync(sessions - half);
    var all = await SettledRssAsync($"{sessions + 1} signed-in sessions");

    // The steady state. Tiered compilation recompiles a method after 30 calls, and with dynamic PGO twice (an instrumented
    // tier 0, then tier 1, 30 calls more), so a method that runs once per sign-in reaches its final code only after about
    // 60 sessions: the first N sessions' slope carries that one-off JIT warm-up. So W more sessions first (3N by default,
    // MEMORY_WARMUP_SESSIONS; 2N left a step of JIT code at about the 62nd session in the window), kept live, so
    // their memory stays in every later reading (nothing is released or hidden); then N more with a reading every N/4;
    // the steady-state cost of one more session is the least-squares slope of those readings (the GC commits memory in
    // steps, which one pair of readings catches or misses), the end points' slope is printed too.
    var warmup = int.TryParse(Environment.GetEnvironmentVariable("MEMORY_WARMUP_SESSIONS"), CultureInfo.InvariantCulture, out var w) ? w : 3 * sessions;
    await SignInManyAsync(warmup);
    var open = 1 + sessions + warmup;
    List<(int Sessions, Reading Reading)> steady = [(open, await SettledRssAsync($"{open} signed-in sessions (after {warmup} warm-up sessions)"))];
    var step = Math.Max(1, sessions / 4);
    for (var done = 0; done < sessions; done += step)
    {
        await SignInManyAsync(Math.Min(step, sessions - done));
        open += Math.Min(step, sessions - done);
        steady.Add((open, await SettledRssAsync($"{open} signed-in sessions")));
    }

    Console.WriteLine($"idle {idle.Kb / 1024.0:N1} MB; first session {(one.Kb - idle.Kb) / 1024.0:N1} MB over idle");
    Console.WriteLine($"{"per session (MB)",-57} {"total",6}  " + string.Join("  ", Kinds.Select(k => $"{k,11}")));
    Slope($"all N, with warm-up (1 → {sessions + 1})", one, all, sessions);
    Slope($"second half, with warm-up ({half + 1} → {sessions + 1})", middle, all, sessions - half);
    Slope($"steady state, end points ({steady[0].Sessions} → {steady[^1].Sessions})", steady[0].Reading, steady[^1].Reading, sessions);
    Console.WriteLine($"  {$"STEADY STATE, least squares over {steady.Count} readings",-55} {LeastSquares(steady.Select(r => ((double)r.Sessions, (double)r.Reading.Kb))) / 1024.0,6:N2}  "
        + string.Join("  ", Kinds.Select(k => $"{LeastSquares(steady.Select(r => ((double)r.Sessions, (double)r.Reading.Kinds.GetValueOrDefault(k)))) / 1024.0,11:N2}"))
        + (steady.All(r => r.Reading.ManagedKb is not null)
            ? $"  live managed (gcdump) {LeastSquares(steady.Select(r => ((double)r.Sessions, (double)r.Reading.ManagedKb!.Value))) / 1024.0:N2}"
            : ""));
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

// The live managed heap from a dotnet-gcdump report's first line ("34,543,346  GC Heap bytes"), in kB.
static long? LiveManagedKb(string report) =>
    Regex.Match(report, @"([\d,]+)\s+GC Heap bytes") is { Success: true } m
        ? long.Parse(m.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) / 1024
        : null;


// The slope of the least-squares line through the points (kB per session).
static double LeastSquares(IEnumerable<(double X, double Y)> points)
{
    var p = points.ToList();
    var (mx, my) = (p.Average(q => q.X), p.Average(q => q.Y));
    return p.Sum(q => (q.X - mx) * (q.Y - my)) / p.Sum(q => (q.X - mx) * (q.X - mx));
}

// One settled reading: VmRSS, its split by kind of mapping (kB), and the live managed heap when a gcdump was taken.
internal sealed record Reading(long Kb, SortedDictionary<string, long> Kinds, long? ManagedKb);
