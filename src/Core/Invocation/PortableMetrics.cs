using System.Diagnostics.Metrics;

namespace Portable.Core.Invocation;

/// <summary>The counters every host exports (OpenTelemetry picks up the <c>Portable</c> meter).</summary>
public static class PortableMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Portable";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Invocations by function and outcome.</summary>
    public static readonly Counter<long> Invocations = Meter.CreateCounter<long>("portable.invocations");

    /// <summary>First invocations of a process.</summary>
    public static readonly Counter<long> ColdStarts = Meter.CreateCounter<long>("portable.cold_starts");

    /// <summary>Deliveries recognised as duplicates and not run again.</summary>
    public static readonly Counter<long> DuplicatesSuppressed = Meter.CreateCounter<long>("portable.duplicates_suppressed");

    /// <summary>Messages dead-lettered.</summary>
    public static readonly Counter<long> DeadLettered = Meter.CreateCounter<long>("portable.dead_lettered");
}
