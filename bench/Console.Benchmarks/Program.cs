using BenchmarkDotNet.Running;

// `delivery`: the accepted/s against delivered/s runner (DeliveryThroughput); anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "delivery")
{
    return await SesConsole.Benchmarks.DeliveryThroughput.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(SesConsole.Benchmarks.PolicyBenchmarks).Assembly).Run(args);
return 0;
