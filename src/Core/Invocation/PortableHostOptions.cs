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
    /// True turns message idempotency off for every queue and event function (as <c>QueueTriggerOptions.DisableIdempotency</c>
    /// does for one), false keeps it on. Null reads <c>PORTABLE_IDEMPOTENCY_DISABLED</c>; unset is on.
    /// </summary>
    public bool? MessageIdempotencyDisabled { get; set; }
}
