using System.Globalization;

namespace Portable.Benchmarks;

/// <summary>
/// Warm load on Portable and on its baseline at once: both processes run side by side, each is warmed up, then the
/// measured time is split into <see cref="Rounds"/> slices per variant that alternate (Portable, baseline; then
/// baseline, Portable; ...). On a machine whose other load changes from one second to the next, two back-to-back
/// runs of ten seconds each can differ by half in CPU per request for the same program; alternating slices expose
/// both to the same load, so their ratio holds. Each variant's figures are the sums over its slices.
/// </summary>
internal static class WarmComparison
{
    /// <summary>Measured slices per variant.</summary>
    public const int Rounds = 5;

    public static async Task<(WarmRun Portable, WarmRun Baseline)> RunAsync(
        IHostBench bench, Variant portable, Variant baseline, BenchmarkOptions options, CancellationToken cancellationToken)
    {
        await using var portableSession = await bench.StartWarmAsync(portable, cancellationToken);
        await using var baselineSession = await bench.StartWarmAsync(baseline, cancellationToken);
        if (options.WarmUp > TimeSpan.Zero)
        {
            await portableSession.LoadAsync(options.WarmUp);
            await baselineSession.LoadAsync(options.WarmUp);
        }

        var slice = options.Duration / Rounds;
        var portableTotal = new Totals();
        var baselineTotal = new Totals();
        for (var round = 0; round < Rounds; round++)
        {
            (IWarmSession, Totals)[] order = round % 2 == 0
                ? [(portableSession, portableTotal), (baselineSession, baselineTotal)]
                : [(baselineSession, baselineTotal), (portableSession, portableTotal)];
            foreach (var (session, totals) in order)
            {
                var before = await ProcessCpu.ProcessTimeAsync(session.ProcessId, cancellationToken);
                var load = await session.LoadAsync(slice);
                totals.Add(load, await ProcessCpu.ProcessTimeAsync(session.ProcessId, cancellationToken) - before);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"   warm round {round + 1}/{Rounds}: CPU/request Portable {portableTotal.LastCpuPerRequestUs:0} µs, baseline {baselineTotal.LastCpuPerRequestUs:0} µs"));
        }

        return (
            portableTotal.ToWarmRun(await ProcessMemory.PeakRssMbAsync(portableSession.ProcessId, cancellationToken), portableSession.OutputLines),
            baselineTotal.ToWarmRun(await ProcessMemory.PeakRssMbAsync(baselineSession.ProcessId, cancellationToken), baselineSession.OutputLines));
    }

    private sealed class Totals
    {
        private int _succeeded;
        private int _failed;
        private TimeSpan _elapsed;
        private TimeSpan _cpu;
        private string? _firstFailure;

        public double LastCpuPerRequestUs { get; private set; }

        public void Add(LoadResult load, TimeSpan cpu)
        {
            _succeeded += load.Succeeded;
            _failed += load.Failed;
            _elapsed += load.Elapsed;
            _cpu += cpu;
            _firstFailure ??= load.FirstFailure;
            LastCpuPerRequestUs = load.Succeeded == 0 ? double.NaN : cpu.TotalMicroseconds / load.Succeeded;
        }

        public WarmRun ToWarmRun(double peakRssMb, long outputLines) =>
            new(new LoadResult(_succeeded, _failed, _elapsed, _firstFailure), peakRssMb, outputLines, _cpu);
    }
}
