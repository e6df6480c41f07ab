using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

// The console's resident memory idle and per signed-in browser session (bench/memory/README.md):
//   dotnet run --project bench/memory -- <path to the Release Console.Web.dll> [sessions=20] [ENV=VALUE ...]
// Starts the console (Development, the demo world seeded, a temp data directory), signs in one warm-up session in
// headless Chromium, then N more (each its own browser context, signed in as owner@example.com, on the home page with its
// Blazor circuit live), and prints VmRSS (/proc/<pid>/status) after each step settled. Extra ENV=VALUE arguments go to the
// console's environment (e.g. DOTNET_gcServer=0). Before each reading the runner waits for the process to settle and, when
// DOTNET_GCDUMP is set to a dotnet-gcdump executable, collects a gcdump (which forces a full GC) and prints its top types.
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

    var rss = File.ReadAllLines($"/proc/{console.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
    var kb = long.Parse(Regex.Match(rss, @"\d+").Value, CultureInfo.InvariantCulture);
    Console.WriteLine($"{label}: VmRSS {kb / 1024.0:N1} MB");
    return kb;
}

var idle = await SettledRssAsync("idle (started, no request)");
await SignInAsync();
var one = await SettledRssAsync("one signed-in session (warm-up)");
for (var i = 0; i < sessions; i++)
{
    await SignInAsync();
}

var all = await SettledRssAsync($"{sessions + 1} signed-in sessions");
Console.WriteLine($"per session: {(all - one) / 1024.0 / sessions:N2} MB ((RSS with {sessions + 1} − RSS with 1) / {sessions}); first session {(one - idle) / 1024.0:N1} MB over idle");
console.Kill(entireProcessTree: true);
await console.WaitForExitAsync();
Directory.Delete(directory, recursive: true);
return 0;
