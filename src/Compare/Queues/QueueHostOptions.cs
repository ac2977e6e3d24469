namespace Portable.Compare.Queues;

/// <summary>
/// How a queue host is started. The defaults are what the queue scenarios use: no injected faults, no duplicates,
/// one delivery at a time, at most 100 drain rounds.
/// </summary>
public sealed record QueueHostOptions
{
    /// <summary>The scenarios' normal instance.</summary>
    public static QueueHostOptions Default { get; } = new();

    /// <summary><c>PORTABLE_FAULTS_TRANSIENT_RATE</c> on the host process; null leaves it unset.</summary>
    public double? TransientFaultRate { get; init; }

    /// <summary>The emulator's at-least-once knob: the probability that an acknowledged message is delivered once more, same id.</summary>
    public double DuplicateDeliveryRate { get; init; }

    /// <summary>The seed of the emulator's random choices.</summary>
    public int RandomSeed { get; init; }

    /// <summary>
    /// Deliveries in flight at once, as the platform runs them: SQS batches to as many Lambda execution environments
    /// (bootstrap processes), Storage queue messages in parallel (the host's batch), Pub/Sub pushes outstanding.
    /// </summary>
    public int Concurrency { get; init; } = 1;

    /// <summary>The most drain rounds (polls or delivery passes) before a drain gives up.</summary>
    public int MaxDrainRounds { get; init; } = 100;
}
