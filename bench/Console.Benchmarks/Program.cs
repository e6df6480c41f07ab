using BenchmarkDotNet.Running;

// `delivery`: the accepted/s against delivered/s runner (DeliveryThroughput); anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "delivery")
{
    return await SesConsole.Benchmarks.DeliveryThroughput.RunAsync(args[1..]);
}

// `reputation-seed`: builds the reputation dashboard benchmark's database (10⁶ events) ahead of the benchmark run.
if (args.Length > 0 && args[0] == "reputation-seed")
{
    var watch = System.Diagnostics.Stopwatch.StartNew();
    var directory = await SesConsole.Benchmarks.ReputationWorld.EnsureAsync(SesConsole.Benchmarks.ReputationWorld.Events, DateTimeOffset.UtcNow);
    Console.WriteLine($"{directory} ready in {watch.Elapsed}");
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(SesConsole.Benchmarks.PolicyBenchmarks).Assembly).Run(args);
return 0;
