namespace Portable.Conformance.Queues;

/// <summary>
/// How a queue host under test is started. The defaults are what the queue scenarios use: faults as each pair asks,
/// no duplicates, one delivery at a time, at most 100 drain rounds.
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

/// <summary>What a host's emulator saw over a whole run, for the reliability drill.</summary>
/// <param name="Deliveries">Messages handed to the function (every attempt of every message).</param>
/// <param name="Invocations">Function invocations (a batch counts once).</param>
/// <param name="SameIdRedeliveries">Messages the emulator delivered once more, same id, after they were acknowledged.</param>
/// <param name="FailedDeliveries">Deliveries the function failed (the injected transient faults, when nothing else fails), or null where not observable.</param>
public sealed record DeliveryCounts(int Deliveries, int Invocations, int SameIdRedeliveries, int? FailedDeliveries);

/// <summary>A host that reports its emulator's <see cref="DeliveryCounts"/>.</summary>
public interface IQueueDeliveryCounts
{
    /// <summary>The counts so far.</summary>
    DeliveryCounts Counts();
}

/// <summary>One host started on its own with what it alone uses (its engine), disposed after it.</summary>
public sealed class StartedQueueHost(IQueueHostUnderTest host, IAsyncDisposable? shared) : IAsyncDisposable
{
    /// <summary>The host.</summary>
    public IQueueHostUnderTest Host { get; } = host;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        if (shared is not null)
        {
            await shared.DisposeAsync();
        }
    }
}
