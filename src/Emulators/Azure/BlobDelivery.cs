namespace Portable.Emulators.Azure;

/// <summary>One blob delivered to a <c>blobTrigger</c> function by the emulated Functions host.</summary>
/// <param name="Function">The function's name.</param>
/// <param name="Container">The blob's container.</param>
/// <param name="BlobName">The blob's name.</param>
/// <param name="ETag">The entity tag it was queued with, as the service gives it (with its quotes).</param>
/// <param name="Attempts">How many invocations were made (0 when dropped before the first).</param>
/// <param name="Outcome">What became of it.</param>
/// <param name="InvocationIds">The invocations' ids, in order.</param>
/// <param name="LastError">The last failed invocation's error, if any.</param>
public sealed record BlobDelivery(
    string Function, string Container, string BlobName, string ETag, int Attempts, BlobDeliveryOutcome Outcome, IReadOnlyList<string> InvocationIds, string? LastError);
