namespace Portable.Compare.Queues;

/// <summary>What a host's emulator saw over a whole run.</summary>
/// <param name="Deliveries">Messages handed to the function (every attempt of every message).</param>
/// <param name="Invocations">Function invocations (a batch counts once).</param>
/// <param name="SameIdRedeliveries">Messages the emulator delivered once more, same id, after they were acknowledged.</param>
/// <param name="FailedDeliveries">Deliveries the function failed (the injected transient faults, when nothing else fails), or null where not observable.</param>
public sealed record DeliveryCounts(int Deliveries, int Invocations, int SameIdRedeliveries, int? FailedDeliveries);
