namespace Portable.Local.Queues;

/// <summary>A queue's dead letters.</summary>
public sealed record DeadLetterList(string Queue, IReadOnlyList<DeadLetterView> DeadLetters);
