namespace Portable.Local.Queues;

/// <summary>The answer to an enqueue.</summary>
public sealed record EnqueueResult(string Queue, string Id);
