namespace Portable.Core.Resilience;

/// <summary>One retry about to happen: the pipeline, the retry's number (1 for the first retry), the wait and the fault.</summary>
public readonly record struct ResilienceRetry(string Pipeline, int Attempt, TimeSpan Delay, Exception? Fault);
