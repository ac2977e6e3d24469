using Portable.Core.Functions;

namespace Portable.Core.Invocation;

/// <summary>What a host tells Core about itself at start-up.</summary>
public sealed class PortableHostOptions
{
    /// <summary>1 MiB: the request body limit of the Items API and every HTTP function unless changed.</summary>
    public const int DefaultMaxRequestBodyBytes = 1024 * 1024;

    /// <summary>Which host this is.</summary>
    public CloudProvider Cloud { get; set; } = CloudProvider.Local;

    /// <summary>Serve only this function (Lambda <c>_HANDLER</c>, Cloud Run <c>FUNCTION_TARGET</c>); null serves all.</summary>
    public string? FunctionTarget { get; set; }

    /// <summary>Bodies larger than this are refused with 413 before any handler runs.</summary>
    public int MaxRequestBodyBytes { get; set; } = DefaultMaxRequestBodyBytes;

    /// <summary>
    /// Reliability drills only: the share (0 to 1) of first message deliveries failed with a transient fault
    /// (see <see cref="FaultInjectionMiddleware"/>). Null reads <c>PORTABLE_FAULTS_TRANSIENT_RATE</c>; unset is off.
    /// </summary>
    public double? TransientFaultRate { get; set; }

    /// <summary>
    /// Latency drills only: how long every HTTP invocation waits, ignoring its cancellation, before its handler runs
    /// (see <see cref="HttpLatencyFaultMiddleware"/>). Null reads <c>PORTABLE_FAULTS_HTTP_DELAY</c> (<c>350ms</c>,
    /// <c>1.5s</c>, <c>2m</c>, or a bare number of milliseconds); unset or zero is off, and adds no middleware.
    /// </summary>
    public TimeSpan? HttpFaultDelay { get; set; }

    /// <summary>
    /// Restricts <see cref="HttpFaultDelay"/> to request paths under this prefix (<c>/items</c> takes <c>/items</c> and
    /// <c>/items/7</c>); empty or <c>/</c> is every path. Null reads <c>PORTABLE_FAULTS_HTTP_DELAY_PATH</c>; unset is every path.
    /// </summary>
    public string? HttpFaultDelayPath { get; set; }

    /// <summary>
    /// True turns message idempotency off for every queue and event function (as <c>QueueTriggerOptions.DisableIdempotency</c>
    /// does for one), false keeps it on. Null reads <c>PORTABLE_IDEMPOTENCY_DISABLED</c>; unset is on.
    /// </summary>
    public bool? MessageIdempotencyDisabled { get; set; }
}
