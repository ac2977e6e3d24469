namespace Portable.Local.Queues;

/// <summary>How many messages wait on a queue (visible or leased) and how many were dead-lettered.</summary>
public sealed record QueueDepth(string Queue, long Messages, long DeadLetters);
