namespace Portable.Local.Queues;

/// <summary>A dead-lettered message with everything needed to understand and redrive it.</summary>
public sealed record DeadLetter(
    string Queue,
    string Id,
    ReadOnlyMemory<byte> Body,
    IReadOnlyDictionary<string, string> Attributes,
    string Reason,
    int DeliveryCount,
    DateTimeOffset EnqueuedAt,
    DateTimeOffset DeadLetteredAt);
