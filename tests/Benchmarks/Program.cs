using System.Diagnostics;
using System.Globalization;
using Portable.Benchmarks;

// The benchmark: publishes the Lambda bootstrap and the Cloud Run host (self-contained JIT and Native AOT) and the
// Azure isolated worker (framework-dependent, with and without ReadyToRun) beside baselines with no Portable code, then measures cold start, warm requests per second and peak RSS of each, and
// writes tests/Benchmarks/results.md. Not a test: it asserts nothing but that every answer was a 2xx.
var repoRoot = FindRepoRoot();
if (!BenchmarkOptions.TryParse(args, repoRoot, out var options, out var error))
{
    if (!string.IsNullOrEmpty(error))
    {
        await Console.Error.WriteLineAsync(error);
    }

    Console.WriteLine(BenchmarkOptions.Usage);
    return string.IsNullOrEmpty(error) ? 0 : 2;
}

var wallClock = Stopwatch.StartNew();
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
var ct = cancel.Token;
if (options.Queues)
{
    return await new QueueBench(repoRoot, options).RunAsync(ct); // the queue benchmark: see QueueBench.cs
}

var report = new Report(options, repoRoot);
var variants = Variant.All.Where(v => (options.Only is null || v.Host == options.Only) && (options.OnlyBuild is null || v.Build == options.OnlyBuild)).ToList();

foreach (var variant in variants)
{
    if (options.Publish)
    {
        Console.WriteLine($"Publishing {variant.Name} ...");
        report.PublishTimes[variant] = await Publisher.PublishAsync(variant, repoRoot, ct);
    }
    else if (!File.Exists(variant.Executable(repoRoot)))
    {
        await Console.Error.WriteLineAsync($"--no-publish, but {variant.Executable(repoRoot)} does not exist: run once without --no-publish.");
        return 2;
    }
}

var loadAtStart = Report.ReadLoadAverage();
Console.WriteLine($"Load average when measuring begins: {loadAtStart}");
using var cloudRun = new CloudRunBench(repoRoot, options);
using var azure = new AzureBench(repoRoot, options);
var lambda = new LambdaBench(repoRoot, options);
foreach (var host in new[] { HostKind.Lambda, HostKind.CloudRun, HostKind.AzureIsolated }.Where(h => options.Only is null || h == options.Only))
{
    IHostBench bench = host switch { HostKind.Lambda => lambda, HostKind.CloudRun => cloudRun, _ => azure };
    foreach (var build in Variant.BuildsOf(host).Where(b => options.OnlyBuild is null || b == options.OnlyBuild))
    {
        var portable = variants.Single(v => v.Host == host && v.Build == build && !v.IsBaseline);
        var baseline = variants.Single(v => v.Host == host && v.Build == build && v.IsBaseline);
        Console.WriteLine($"== {portable.HostName}, {portable.BuildName}");

        // One unmeasured start of each fills the disk cache and JIT-compiles this process's side of the exchange.
        await bench.ColdStartAsync(portable, ct);
        await bench.ColdStartAsync(baseline, ct);
        List<ColdStart> portableStarts = [];
        List<ColdStart> baselineStarts = [];
        for (var i = 0; i < options.ColdStarts; i++)
        {
            portableStarts.Add(await bench.ColdStartAsync(portable, ct));
            baselineStarts.Add(await bench.ColdStartAsync(baseline, ct));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"   cold start {i + 1}/{options.ColdStarts}: Portable {portableStarts[^1].TimeToFirstResponse.TotalMilliseconds:0.0} ms (CPU {portableStarts[^1].CpuToFirstResponse.TotalMilliseconds:0.0} ms), baseline {baselineStarts[^1].TimeToFirstResponse.TotalMilliseconds:0.0} ms (CPU {baselineStarts[^1].CpuToFirstResponse.TotalMilliseconds:0.0} ms){InitText(portableStarts[^1], baselineStarts[^1])}"));
        }

        // The same starts with the program's files dropped from the page cache first, as in a new sandbox (Lambda only).
        List<ColdStart> portableEvicted = [];
        List<ColdStart> baselineEvicted = [];
        for (var i = 0; host == HostKind.Lambda && i < options.ColdStarts; i++)
        {
            portableEvicted.Add(await EvictedColdStartAsync(bench, portable, ct));
            baselineEvicted.Add(await EvictedColdStartAsync(bench, baseline, ct));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"   evicted cold start {i + 1}/{options.ColdStarts}: Portable {portableEvicted[^1].TimeToFirstResponse.TotalMilliseconds:0.0} ms (CPU {portableEvicted[^1].CpuToFirstResponse.TotalMilliseconds:0.0} ms, {portableEvicted[^1].ResidentBeforeStart:P1} cached), baseline {baselineEvicted[^1].TimeToFirstResponse.TotalMilliseconds:0.0} ms (CPU {baselineEvicted[^1].CpuToFirstResponse.TotalMilliseconds:0.0} ms, {baselineEvicted[^1].ResidentBeforeStart:P1} cached)"));
        }

        var (portableWarm, baselineWarm) = await WarmComparison.RunAsync(bench, portable, baseline, options, ct);
        foreach (var (variant, warm) in new[] { (portable, portableWarm), (baseline, baselineWarm) })
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"   warm {variant.Name}: {warm.Load.RequestsPerSecond:0} req/s ({warm.Load.Succeeded} ok, {warm.Load.Failed} failed), {warm.CpuPerRequestUs:0} µs CPU/request, peak RSS {warm.PeakRssMb:0.0} MB"));
            if (warm.Load.Failed > 0)
            {
                await Console.Error.WriteLineAsync($"   {warm.Load.Failed} requests to {variant.Name} failed; the first: {warm.Load.FirstFailure}");
            }
        }

        report.Results.Add(new VariantResult(portable, portableStarts, portableWarm, Publisher.PackageBytes(portable, repoRoot)) { EvictedStarts = portableEvicted });
        report.Results.Add(new VariantResult(baseline, baselineStarts, baselineWarm, Publisher.PackageBytes(baseline, repoRoot)) { EvictedStarts = baselineEvicted });
    }
}

report.LoadAverage = (loadAtStart, Report.ReadLoadAverage());
var markdown = report.ToMarkdown(wallClock.Elapsed, TimeProvider.System.GetUtcNow());
Directory.CreateDirectory(Path.GetDirectoryName(options.OutputPath)!);
await File.WriteAllTextAsync(options.OutputPath, markdown, ct);
Console.WriteLine();
Console.WriteLine(markdown);
Console.WriteLine($"Wrote {options.OutputPath}. Total wall time: {wallClock.Elapsed:mm\\:ss}.");
var failed = report.Results.Sum(r => r.Warm.Load.Failed);
return failed == 0 ? 0 : 1;

static string InitText(ColdStart portable, ColdStart baseline) => portable.Init is { } p && baseline.Init is { } b
    ? string.Create(CultureInfo.InvariantCulture, $"; init (to first next / functions loaded) {p.Wall.TotalMilliseconds:0.0}/{p.Cpu.TotalMilliseconds:0.0} vs {b.Wall.TotalMilliseconds:0.0}/{b.Cpu.TotalMilliseconds:0.0} ms wall/CPU")
    : string.Empty;

async Task<ColdStart> EvictedColdStartAsync(IHostBench bench, Variant variant, CancellationToken cancellationToken)
{
    var folder = variant.PublishFolder(repoRoot);
    PageCache.Evict(folder);
    var resident = PageCache.ResidentFraction(folder);
    return await bench.ColdStartAsync(variant, cancellationToken) with { ResidentBeforeStart = resident };
}

static string FindRepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Portable.sln")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException($"No Portable.sln above {AppContext.BaseDirectory}.");
}
