namespace Portable.Compare.Queues;

/// <summary>What one drain did, as far as the host lets it be seen.</summary>
/// <param name="Invocations">The invocations of the function (a batch counts once); null where not observable.</param>
/// <param name="ClockAdvanced">How far the emulator's clock was moved past visibility timeouts and backoffs; null on the real clock.</param>
public sealed record DrainResult(int? Invocations, TimeSpan? ClockAdvanced);
