using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Portable.Benchmarks;

/// <summary>Everything measured for one variant.</summary>
internal sealed record VariantResult(Variant Variant, IReadOnlyList<ColdStart> ColdStarts, WarmRun Warm, long PackageBytes)
{
    public double ColdStartMedianMs => Median(ColdStarts.Select(c => c.TimeToFirstResponse.TotalMilliseconds));

    public double ColdStartMinMs => ColdStarts.Min(c => c.TimeToFirstResponse.TotalMilliseconds);

    public double ColdStartMaxMs => ColdStarts.Max(c => c.TimeToFirstResponse.TotalMilliseconds);

    public double RssAtFirstResponseMb => Median(ColdStarts.Select(c => c.RssAtFirstResponseMb));

    public (double WallMs, double CpuMs)? InitMedian => ColdStarts.All(c => c.Init is not null)
        ? (Median(ColdStarts.Select(c => c.Init!.Value.Wall.TotalMilliseconds)), Median(ColdStarts.Select(c => c.Init!.Value.Cpu.TotalMilliseconds)))
        : null;

    public double CpuToFirstResponseMedianMs => Median(ColdStarts.Select(c => c.CpuToFirstResponse.TotalMilliseconds));

    /// <summary>Starts made after the program's files were dropped from the page cache (Lambda only; empty otherwise).</summary>
    public IReadOnlyList<ColdStart> EvictedStarts { get; init; } = [];

    public double EvictedMedianMs => Median(EvictedStarts.Select(c => c.TimeToFirstResponse.TotalMilliseconds));

    public double EvictedCpuMedianMs => Median(EvictedStarts.Select(c => c.CpuToFirstResponse.TotalMilliseconds));

    /// <summary>The largest share of the program's pages still cached just before an evicted start (0 when eviction worked).</summary>
    public double EvictedResidentMax => EvictedStarts.Count == 0 ? double.NaN : EvictedStarts.Max(c => c.ResidentBeforeStart ?? double.NaN);

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

/// <summary>The figures measured in one run, and the markdown that reports them.</summary>
internal sealed class Report(BenchmarkOptions options, string repoRoot)
{
    /// <summary>The issue's target: the AOT bootstrap's cold start within this factor of the AOT baseline's.</summary>
    public const double ColdStartRatioTarget = 1.5;

    /// <summary>The issue's target: the AOT bootstrap's peak RSS under this many MiB.</summary>
    public const double PeakRssTargetMb = 40;

    /// <summary>The issue's target: the AOT bootstrap's CPU per warm invocation within this factor of the bare loop's.</summary>
    public const double WarmCpuRatioTarget = 1.1;

    /// <summary>The issue's target ("The house"): the AOT Cloud Run host's CPU per warm request within this factor of the AOT baseline's.</summary>
    public const double CloudRunCpuPerRequestTarget = 1.05;

    /// <summary>The issue's target (issue 9): the isolated worker's cold start within this factor of the bare isolated-worker app's, build for build.</summary>
    public const double AzureColdStartRatioTarget = 1.3;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public List<VariantResult> Results { get; } = [];

    public Dictionary<Variant, TimeSpan> PublishTimes { get; } = [];

    /// <summary>The 1-minute load average when measuring began and when it ended (other work on the machine skews every figure).</summary>
    public (string AtStart, string AtEnd) LoadAverage { get; set; } = ("?", "?");

    /// <summary>The 1-, 5- and 15-minute load averages from /proc/loadavg.</summary>
    public static string ReadLoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }

    public string Command
    {
        get
        {
            var args = options.Arguments.Count == 0 ? string.Empty : " -- " + string.Join(' ', options.Arguments);
            return $"dotnet run -c Release --project tests/Benchmarks{args}";
        }
    }

    /// <summary>Whether the two targets hold, or null when the Lambda AOT variants were not measured.</summary>
    public (bool ColdStartMet, double Ratio, double CpuRatio, bool MemoryMet, double PeakMb, bool WarmCpuMet, double WarmCpuRatio)? Targets
    {
        get
        {
            var portable = Find(HostKind.Lambda, BuildKind.NativeAot, baseline: false);
            var baseline = Find(HostKind.Lambda, BuildKind.NativeAot, baseline: true);
            if (portable is null || baseline is null)
            {
                return null;
            }

            var ratio = portable.ColdStartMedianMs / baseline.ColdStartMedianMs;
            var cpuRatio = portable.CpuToFirstResponseMedianMs / baseline.CpuToFirstResponseMedianMs;
            var warmCpuRatio = portable.Warm.CpuPerRequestUs / baseline.Warm.CpuPerRequestUs;
            return (ratio <= ColdStartRatioTarget, ratio, cpuRatio, portable.Warm.PeakRssMb < PeakRssTargetMb, portable.Warm.PeakRssMb, warmCpuRatio <= WarmCpuRatioTarget, warmCpuRatio);
        }
    }

    public string ToMarkdown(TimeSpan wallTime, DateTimeOffset finished)
    {
        var md = new StringBuilder();
        md.AppendLine("# Cold start, throughput and memory: Portable's hosts against bare baselines");
        md.AppendLine();
        var publishing = PublishTimes.Count > 0 ? "publishing included" : "publishing skipped: --no-publish reused earlier artifacts";
        md.AppendLine(Invariant, $"Generated by `{Command}` on {finished:yyyy-MM-dd HH:mm} UTC; the whole run ({publishing}) took {wallTime.TotalMinutes:0.0} min.");
        md.AppendLine("Every Portable figure sits beside a baseline measured in the same run: a program doing the same protocol work with no Portable code");
        md.AppendLine("(tests/Benchmarks/Baselines: a bare Runtime API loop posting a fixed API Gateway v2 response; a bare ASP.NET Core slim app answering GET /items with a fixed page;");
        md.AppendLine("a bare isolated-worker app with one attributed HTTP function answering GET /items with the same page),");
        md.AppendLine("published the same way. Ratios are Portable ÷ baseline (for req/s, below 1 means slower).");
        md.AppendLine();

        md.AppendLine("## Targets (from the issue)");
        md.AppendLine();
        if (Targets is { } t)
        {
            md.AppendLine(Invariant, $"- Native AOT bootstrap cold start within {ColdStartRatioTarget:0.0#}× of the Native AOT baseline: **{t.Ratio:0.00}×** (median wall time) — {(t.ColdStartMet ? "met" : "**not met**")}. In CPU time to the first response the ratio is {t.CpuRatio:0.00}×.");
            md.AppendLine(Invariant, $"- Native AOT bootstrap peak memory under {PeakRssTargetMb:0} MB: **{t.PeakMb:0.0} MB** peak RSS — {(t.MemoryMet ? "met" : "**not met**")}.");
            md.AppendLine(Invariant, $"- Native AOT bootstrap CPU per warm invocation within {WarmCpuRatioTarget:0.0#}× of the bare loop's: **{t.WarmCpuRatio:0.00}×** — {(t.WarmCpuMet ? "met" : "**not met**")}.");
        }
        else if (options.Only is null or HostKind.Lambda)
        {
            md.AppendLine("- Not evaluated: this run did not measure the Lambda Native AOT variants.");
        }

        if (Find(HostKind.CloudRun, BuildKind.NativeAot, baseline: false) is { } run && Find(HostKind.CloudRun, BuildKind.NativeAot, baseline: true) is { } bare)
        {
            var cpu = run.Warm.CpuPerRequestUs / bare.Warm.CpuPerRequestUs;
            var start = run.CpuToFirstResponseMedianMs / bare.CpuToFirstResponseMedianMs;
            md.AppendLine(Invariant, $"- Native AOT Cloud Run host CPU per warm request within {CloudRunCpuPerRequestTarget:0.00}× of the Native AOT baseline: **{cpu:0.00}×** — {(cpu <= CloudRunCpuPerRequestTarget ? "met" : "**not met**")}; warm req/s {run.Warm.Load.RequestsPerSecond / bare.Warm.Load.RequestsPerSecond:0.00}×, peak RSS {run.Warm.PeakRssMb / bare.Warm.PeakRssMb:0.00}×.");
            md.AppendLine(Invariant, $"- Native AOT Cloud Run host start-up at or below the baseline's: **{run.ColdStartMedianMs / bare.ColdStartMedianMs:0.00}×** median wall time, {start:0.00}× CPU to the first response — {(start <= 1 ? "met" : "**not met**")} (in CPU).");
        }

        foreach (var build in Variant.BuildsOf(HostKind.AzureIsolated))
        {
            if (Find(HostKind.AzureIsolated, build, baseline: false) is { } worker && Find(HostKind.AzureIsolated, build, baseline: true) is { } app)
            {
                var ratio = worker.ColdStartMedianMs / app.ColdStartMedianMs;
                var cpu = worker.CpuToFirstResponseMedianMs / app.CpuToFirstResponseMedianMs;
                md.AppendLine(Invariant, $"- {worker.Variant.BuildName} isolated worker start-up within {AzureColdStartRatioTarget:0.0#}× of the bare {app.Variant.BuildName} isolated-worker app's: **{ratio:0.00}×** median wall time, {cpu:0.00}× CPU to the first response — {(ratio <= AzureColdStartRatioTarget ? "met" : "**not met**")}.");
            }
        }

        md.AppendLine();
        md.AppendLine(Invariant, $"## Cold start: process start → first successful response (median of {options.ColdStarts}, min–max)");
        md.AppendLine();
        md.AppendLine("Lambda: the invocation is queued in the Runtime API emulator before the process starts; the clock stops when the bootstrap posts its `/response`.");
        md.AppendLine("Cloud Run: `GET /items?limit=1` is retried every millisecond from process start; the clock stops at the first 200.");
        md.AppendLine("Azure: the isolated host emulator (in the benchmark's process) starts its gRPC server and HTTP front door, then `dotnet <app>.dll` as the Functions host does; the clock runs from just before that process start, through the handshake, worker indexing and function loads, to the first 2xx to `GET /items?limit=1` through the front door.");
        md.AppendLine("One unmeasured start of each variant comes first (disk cache), then Portable and baseline starts alternate.");
        md.AppendLine();
        md.AppendLine("CPU is the process's own on-CPU time (all threads, /proc/<pid>/task/*/schedstat) when the first answer arrived: the start-up work itself, which other load on the machine hardly changes.");
        md.AppendLine();
        md.AppendLine("| Host | Build | Portable | Baseline | Portable ÷ baseline | Portable CPU | Baseline CPU | CPU ÷ baseline |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (portable, baseline) in Pairs())
        {
            md.AppendLine(Invariant, $"| {portable.Variant.HostName} | {portable.Variant.BuildName} | {Cold(portable)} | {Cold(baseline)} | {Ratio(portable.ColdStartMedianMs, baseline.ColdStartMedianMs)} | {portable.CpuToFirstResponseMedianMs:0.0} ms | {baseline.CpuToFirstResponseMedianMs:0.0} ms | {Ratio(portable.CpuToFirstResponseMedianMs, baseline.CpuToFirstResponseMedianMs)} |");
        }

        md.AppendLine();
        md.AppendLine("Cold starts split at the end of init. Lambda: the runtime's first `GET next` (CPU read when the emulator saw it, so it may include the start of the first invocation). Azure: the last `FunctionLoadResponse` (CPU read just after, before the first request):");
        md.AppendLine();
        md.AppendLine("| Variant | Init (start → first next / functions loaded) | Init CPU | First invocation (→ response) | First invocation CPU |");
        md.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var result in Results.Where(r => r.InitMedian is not null))
        {
            var (wall, cpu) = result.InitMedian!.Value;
            md.AppendLine(Invariant, $"| {result.Variant.Name} | {wall:0.0} ms | {cpu:0.0} ms | {result.ColdStartMedianMs - wall:0.0} ms | {result.CpuToFirstResponseMedianMs - cpu:0.0} ms |");
        }

        if (Pairs().Any(p => p.Portable.EvictedStarts.Count > 0))
        {
            md.AppendLine();
            md.AppendLine(Invariant, $"## Cold start from disk: the program's files dropped from the page cache first (median of {options.ColdStarts})");
            md.AppendLine();
            md.AppendLine("Before each of these starts the benchmark calls `sync`, then `posix_fadvise(POSIX_FADV_DONTNEED)` on every file of the published folder, as a new Lambda sandbox would find them: not yet read. `mincore` over the files just before the start says how much was still cached (0% when the eviction worked). Shared system libraries (libc and the like) stay cached. Starts alternate with the baseline's, after the warm-cache ones.");
            md.AppendLine();
            md.AppendLine("| Host | Build | Portable | Baseline | Portable ÷ baseline | Portable CPU | Baseline CPU | CPU ÷ baseline | Cached before start (max) | Warm-cache Portable |");
            md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var (portable, baseline) in Pairs().Where(p => p.Portable.EvictedStarts.Count > 0))
            {
                md.AppendLine(Invariant, $"| {portable.Variant.HostName} | {portable.Variant.BuildName} | {portable.EvictedMedianMs:0.0} ms | {baseline.EvictedMedianMs:0.0} ms | {Ratio(portable.EvictedMedianMs, baseline.EvictedMedianMs)} | {portable.EvictedCpuMedianMs:0.0} ms | {baseline.EvictedCpuMedianMs:0.0} ms | {Ratio(portable.EvictedCpuMedianMs, baseline.EvictedCpuMedianMs)} | {Math.Max(portable.EvictedResidentMax, baseline.EvictedResidentMax):P1} | {portable.ColdStartMedianMs:0.0} ms |");
            }
        }

        md.AppendLine();
        md.AppendLine(Invariant, $"## Warm throughput: `GET /items?limit=1` on loopback ({options.Concurrency} in flight, {options.Duration.TotalSeconds:0} s measured after {options.WarmUp.TotalSeconds:0} s of warm-up)");
        md.AppendLine();
        md.AppendLine("Lambda: invocations through the in-process Runtime API emulator; the runtime takes one at a time, as on Lambda, so the figure includes the emulator's round trips.");
        md.AppendLine("Cloud Run: HTTP/1.1 keep-alive connections from this process. Load generator and server share the machine's cores. One item is created (POST /items) before the load, so each page holds one item.");
        md.AppendLine("Azure: the same, through the isolated host emulator's front door, which turns each request into an `InvocationRequest` on the worker's gRPC stream; the emulator runs in the benchmark's process, beside the load generator.");
        md.AppendLine();
        md.AppendLine(Invariant, $"Portable and its baseline run side by side: after each is warmed up, the measured time is split into {WarmComparison.Rounds} slices per variant that alternate (Portable first in odd rounds, the baseline in even ones), so a change in the machine's other load falls on both alike; the figures are sums over the slices.");
        md.AppendLine();
        md.AppendLine("CPU per request is the server process's user + system time over the measured slices divided by the requests answered (10 ms ticks).");
        md.AppendLine();
        md.AppendLine("| Host | Build | Portable req/s | Baseline req/s | Portable ÷ baseline | Portable CPU/request | Baseline CPU/request | CPU ÷ baseline |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (portable, baseline) in Pairs())
        {
            md.AppendLine(Invariant, $"| {portable.Variant.HostName} | {portable.Variant.BuildName} | {portable.Warm.Load.RequestsPerSecond:0} | {baseline.Warm.Load.RequestsPerSecond:0} | {Ratio(portable.Warm.Load.RequestsPerSecond, baseline.Warm.Load.RequestsPerSecond)} | {portable.Warm.CpuPerRequestUs:0} µs | {baseline.Warm.CpuPerRequestUs:0} µs | {Ratio(portable.Warm.CpuPerRequestUs, baseline.Warm.CpuPerRequestUs)} |");
        }

        md.AppendLine();
        md.AppendLine("## Peak memory: peak RSS (VmHWM in /proc/<pid>/status)");
        md.AppendLine();
        md.AppendLine("\"End of warm run\" is read after the warm load, just before the process is killed; \"at first response\" is the median over the cold starts.");
        md.AppendLine();
        md.AppendLine("| Host | Build | Portable, end of warm run | Baseline, end of warm run | Portable ÷ baseline | Portable at first response | Baseline at first response |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var (portable, baseline) in Pairs())
        {
            md.AppendLine(Invariant, $"| {portable.Variant.HostName} | {portable.Variant.BuildName} | {portable.Warm.PeakRssMb:0.0} MB | {baseline.Warm.PeakRssMb:0.0} MB | {Ratio(portable.Warm.PeakRssMb, baseline.Warm.PeakRssMb)} | {portable.RssAtFirstResponseMb:0.0} MB | {baseline.RssAtFirstResponseMb:0.0} MB |");
        }

        md.AppendLine();
        md.AppendLine("## Package size (published files without .dbg/.pdb/.xml)");
        md.AppendLine();
        md.AppendLine("| Host | Build | Portable | Baseline |");
        md.AppendLine("|---|---|---:|---:|");
        foreach (var (portable, baseline) in Pairs())
        {
            md.AppendLine(Invariant, $"| {portable.Variant.HostName} | {portable.Variant.BuildName} | {portable.PackageBytes / 1048576.0:0.0} MB | {baseline.PackageBytes / 1048576.0:0.0} MB |");
        }

        md.AppendLine();
        md.AppendLine("## How it was run");
        md.AppendLine();
        md.AppendLine("```");
        md.AppendLine(Command);
        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine("`-- --quick` gives a short run (3 cold starts, 1 s warm-up, 3 s load); `-- --help` lists every option (`--runs`, `--duration`, `--only aws|gcp|azure`, `--no-publish`, ...).");
        md.AppendLine();
        md.AppendLine(Invariant, $"- Machine: {CpuModel()}, {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}; runner on {RuntimeInformation.FrameworkDescription}.");
        md.AppendLine(Invariant, $"- Load average (1, 5, 15 min) when measuring began: {LoadAverage.AtStart}; when it ended: {LoadAverage.AtEnd}. Anything else running on the machine inflates absolute figures; the ratios, measured interleaved, suffer less.");
        md.AppendLine(Invariant, $"- Cold starts per variant: {options.ColdStarts} (+1 unmeasured); warm load: {options.Concurrency} in flight, {options.WarmUp.TotalSeconds:0} s warm-up + {options.Duration.TotalSeconds:0} s measured.");
        md.AppendLine("- Every variant answers `GET /items?limit=1` (Lambda: as an API Gateway HTTP API payload 2.0 event; Azure: through the isolated host emulator's front door) and is checked for a 2xx; Portable serves it from its default in-memory store.");
        md.AppendLine("- Published with:");
        foreach (var result in Results)
        {
            var took = PublishTimes.TryGetValue(result.Variant, out var time) ? string.Create(Invariant, $" ({time.TotalSeconds:0} s)") : " (reused)";
            md.AppendLine(Invariant, $"  - {result.Variant.Name}: `dotnet {string.Join(' ', Publisher.Arguments(result.Variant, repoRoot)).Replace(repoRoot + Path.DirectorySeparatorChar, string.Empty, StringComparison.Ordinal)}`{took}");
        }

        md.AppendLine();
        md.AppendLine("Raw cold starts, in order (wall ms / CPU ms):");
        md.AppendLine();
        foreach (var result in Results)
        {
            var evicted = result.EvictedStarts.Count == 0 ? string.Empty : $"; evicted from the page cache: {string.Join(", ", result.EvictedStarts.Select(c => string.Create(Invariant, $"{c.TimeToFirstResponse.TotalMilliseconds:0.0}/{c.CpuToFirstResponse.TotalMilliseconds:0.0}")))}";
            md.AppendLine(Invariant, $"- {result.Variant.Name}: {string.Join(", ", result.ColdStarts.Select(c => string.Create(Invariant, $"{c.TimeToFirstResponse.TotalMilliseconds:0.0}/{c.CpuToFirstResponse.TotalMilliseconds:0.0}")))}{evicted}; warm load {result.Warm.Load.Succeeded} ok / {result.Warm.Load.Failed} failed, {result.Warm.OutputLines} log lines written");
        }

        return md.ToString();
    }

    private IEnumerable<(VariantResult Portable, VariantResult Baseline)> Pairs()
    {
        foreach (var host in new[] { HostKind.Lambda, HostKind.CloudRun, HostKind.AzureIsolated })
        {
            foreach (var build in Variant.BuildsOf(host))
            {
                if (Find(host, build, baseline: false) is { } portable && Find(host, build, baseline: true) is { } baseline)
                {
                    yield return (portable, baseline);
                }
            }
        }
    }

    private VariantResult? Find(HostKind host, BuildKind build, bool baseline) =>
        Results.FirstOrDefault(r => r.Variant.Host == host && r.Variant.Build == build && r.Variant.IsBaseline == baseline);

    private static string Cold(VariantResult r) => string.Create(Invariant, $"{r.ColdStartMedianMs:0.0} ms ({r.ColdStartMinMs:0.0}–{r.ColdStartMaxMs:0.0})");

    private static string Ratio(double portable, double baseline) => string.Create(Invariant, $"{portable / baseline:0.00}×");

    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }
}
