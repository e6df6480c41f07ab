using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(SesConsole.Benchmarks.PolicyBenchmarks).Assembly).Run(args);
