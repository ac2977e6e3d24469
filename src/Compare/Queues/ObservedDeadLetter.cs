namespace Portable.Compare.Queues;

/// <summary>A dead letter as the host recorded it.</summary>
/// <param name="Body">The message body, as sent.</param>
/// <param name="Reason">The reason the handler gave, or a note of the platform's rule where it moved the message itself.</param>
/// <param name="DeliveryCount">The delivery it was dead-lettered on (1: at once); null where the host does not say.</param>
public sealed record ObservedDeadLetter(string Body, string Reason, int? DeliveryCount);
