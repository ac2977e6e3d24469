namespace Portable.Emulators.Azure;

/// <summary>What one queue-triggered invocation came to, as <see cref="EmulatedStorageQueues"/> settles it.</summary>
/// <param name="StatusCode">2xx for a success; anything else (0: unreachable) is a failed delivery.</param>
/// <param name="Error">Why it failed, when known.</param>
internal readonly record struct QueueInvocationOutcome(int StatusCode, string? Error = null);
