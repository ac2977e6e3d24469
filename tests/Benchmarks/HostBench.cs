namespace Portable.Benchmarks;

/// <summary>One cold start: from just before the process was started to its first successful answer.</summary>
/// <param name="TimeToFirstResponse">Process start to the first 2xx answer (Lambda: the first <c>/response</c> posted).</param>
/// <param name="RssAtFirstResponseMb">Peak RSS (VmHWM) when the first answer arrived.</param>
internal sealed record ColdStart(TimeSpan TimeToFirstResponse, double RssAtFirstResponseMb);

/// <summary>A warm process under load, then its peak RSS.</summary>
/// <param name="Load">The measured load (after the unmeasured warm-up).</param>
/// <param name="PeakRssMb">VmHWM read at the end, just before the process was killed.</param>
/// <param name="OutputLines">Lines the process wrote (its logs) over its life.</param>
internal sealed record WarmRun(LoadResult Load, double PeakRssMb, int OutputLines);

/// <summary>How one host is started, asked and measured.</summary>
internal interface IHostBench
{
    Task<ColdStart> ColdStartAsync(Variant variant, CancellationToken cancellationToken);

    Task<WarmRun> WarmAsync(Variant variant, CancellationToken cancellationToken);
}
