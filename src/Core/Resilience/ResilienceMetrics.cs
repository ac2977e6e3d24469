using System.Diagnostics.Metrics;
using Portable.Core.Invocation;

namespace Portable.Core.Resilience;

/// <summary>The resilience counters, on the same <c>Portable</c> meter as <see cref="PortableMetrics"/>; tagged by pipeline.</summary>
public static class ResilienceMetrics
{
    private static readonly Meter Meter = new(PortableMetrics.MeterName);

    /// <summary>Retries of transient faults.</summary>
    public static readonly Counter<long> Retries = Meter.CreateCounter<long>("portable.resilience.retries");

    /// <summary>Circuits opened.</summary>
    public static readonly Counter<long> CircuitsOpened = Meter.CreateCounter<long>("portable.resilience.circuits_opened");

    /// <summary>Total and per-attempt timeouts that elapsed (tag <c>scope</c>: total or attempt).</summary>
    public static readonly Counter<long> Timeouts = Meter.CreateCounter<long>("portable.resilience.timeouts");
}
