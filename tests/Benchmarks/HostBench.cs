namespace Portable.Benchmarks;

/// <summary>One cold start: from just before the process was started to its first successful answer.</summary>
/// <param name="TimeToFirstResponse">Process start to the first 2xx answer (Lambda: the first <c>/response</c> posted).</param>
/// <param name="RssAtFirstResponseMb">Peak RSS (VmHWM) when the first answer arrived.</param>
/// <param name="CpuToFirstResponse">CPU the process had used by then (all its threads): the start-up work, whatever else ran on the machine.</param>
internal sealed record ColdStart(TimeSpan TimeToFirstResponse, double RssAtFirstResponseMb, TimeSpan CpuToFirstResponse)
{
    /// <summary>Process start to the end of init, wall and CPU: Lambda, the first <c>GET next</c>; Azure, the functions loaded in the host emulator. Null for Cloud Run.</summary>
    public (TimeSpan Wall, TimeSpan Cpu)? Init { get; init; }

    /// <summary>For a start after <see cref="PageCache.Evict"/>: the share of the program's file pages still cached just before it.</summary>
    public double? ResidentBeforeStart { get; init; }

    /// <summary>Reads the process's figures right after its first answer.</summary>
    public static async Task<ColdStart> ReadAsync(TimeSpan elapsed, int processId, CancellationToken cancellationToken) =>
        new(elapsed, await ProcessMemory.PeakRssMbAsync(processId, cancellationToken), await ProcessCpu.ThreadsOnCpuAsync(processId, cancellationToken));
}

/// <summary>A warm process under load, then its peak RSS.</summary>
/// <param name="Load">The measured load (after the unmeasured warm-up).</param>
/// <param name="PeakRssMb">VmHWM read at the end, just before the process was killed.</param>
/// <param name="OutputLines">Lines the process wrote (its logs) over its life.</param>
/// <param name="ServerCpu">CPU the process used during the measured load.</param>
internal sealed record WarmRun(LoadResult Load, double PeakRssMb, long OutputLines, TimeSpan ServerCpu)
{
    /// <summary>Server CPU per successful request, in microseconds.</summary>
    public double CpuPerRequestUs => Load.Succeeded == 0 ? double.NaN : ServerCpu.TotalMicroseconds / Load.Succeeded;
}

/// <summary>How one host is started, asked and measured.</summary>
internal interface IHostBench
{
    Task<ColdStart> ColdStartAsync(Variant variant, CancellationToken cancellationToken);

    /// <summary>Starts a process for warm load: first answer seen and one item created, ready to be loaded.</summary>
    Task<IWarmSession> StartWarmAsync(Variant variant, CancellationToken cancellationToken);
}

/// <summary>
/// A running host under warm load, measured in slices (<see cref="WarmComparison"/>) so that Portable's slices and the
/// baseline's alternate, and a change in the machine's other load falls on both alike.
/// </summary>
internal interface IWarmSession : IAsyncDisposable
{
    /// <summary>The process's id, for its CPU time and peak RSS.</summary>
    int ProcessId { get; }

    /// <summary>Lines the process has written so far.</summary>
    long OutputLines { get; }

    /// <summary>Keeps <see cref="BenchmarkOptions.Concurrency"/> requests in flight for <paramref name="duration"/>.</summary>
    Task<LoadResult> LoadAsync(TimeSpan duration);
}
