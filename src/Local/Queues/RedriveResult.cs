namespace Portable.Local.Queues;

/// <summary>How many dead letters went back on the queue.</summary>
public sealed record RedriveResult(string Queue, int Redriven);
