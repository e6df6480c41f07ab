using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

// alloc-sites <pid> <seconds> [frames]: samples the process's allocations (the runtime's AllocationTick event, one per
// ≈ 100 KB allocated, with its stack) for <seconds> and prints the share of the sampled bytes per allocating site: the
// first SesConsole frame of the stack and the [frames - 1] frames that called it ("[other]" when no SesConsole frame is
// on the stack: Kestrel, the runtime). See README.md.
if (args.Length < 2 || !int.TryParse(args[0], CultureInfo.InvariantCulture, out var pid) || !int.TryParse(args[1], CultureInfo.InvariantCulture, out var seconds))
{
    Console.Error.WriteLine("usage: alloc-sites <pid> <seconds> [frames]");
    return 2;
}

var depth = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1;
var trace = Path.Combine(Path.GetTempPath(), $"alloc-sites-{pid}-{Environment.ProcessId}.nettrace");
var client = new DiagnosticsClient(pid);
EventPipeProvider[] providers = [new("Microsoft-Windows-DotNETRuntime", EventLevel.Verbose, (long)ClrTraceEventParser.Keywords.GC)];
using (var session = client.StartEventPipeSession(providers, requestRundown: true))
{
    await using var file = File.Create(trace);
    var copy = session.EventStream.CopyToAsync(file);
    await Task.Delay(TimeSpan.FromSeconds(seconds));
    await session.StopAsync(CancellationToken.None);
    await copy;
}

var etlx = TraceLog.CreateFromEventPipeDataFile(trace);
var sites = new Dictionary<string, long>(StringComparer.Ordinal);
long total = 0;
using (var log = new TraceLog(etlx))
{
    foreach (var data in log.Events)
    {
        if (data is not GCAllocationTickTraceData tick)
        {
            continue;
        }

        total += tick.AllocationAmount64;
        var frames = new List<string>();
        for (var frame = data.CallStack(); frame is not null && frames.Count < 60; frame = frame.Caller)
        {
            if (frame.CodeAddress.FullMethodName is { Length: > 0 } method)
            {
                frames.Add(method.Split('(')[0]);
            }
        }

        var ours = frames.FindIndex(f => f.StartsWith("SesConsole.", StringComparison.Ordinal));
        var site = ours < 0 ? $"[other] {tick.TypeName} @ {string.Join(" <- ", frames.Take(2))}" : string.Join(" <- ", frames.Skip(ours).Take(depth));
        sites[site] = sites.GetValueOrDefault(site) + tick.AllocationAmount64;
    }
}

File.Delete(trace);
File.Delete(etlx);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{total / 1e6:F1} MB sampled in {seconds} s"));
foreach (var (site, bytes) in sites.OrderByDescending(s => s.Value).Take(50))
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{bytes * 100.0 / total,6:F2} %  {site}"));
}

return 0;
