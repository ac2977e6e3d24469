namespace Portable.Core.Patterns.Jobs;

/// <summary>The answer of <see cref="CsvJobs.StartAsync(string, ReadOnlyMemory{byte}, CancellationToken)"/>.</summary>
/// <param name="JobId">The job id asked for.</param>
/// <param name="Outcome">What happened.</param>
/// <param name="Status">The job's status when started or found (null when nothing was started: conflict, invalid, too large).</param>
/// <param name="Error">Why nothing was started, for <see cref="JobStartOutcome.Conflict"/>, <see cref="JobStartOutcome.Invalid"/> and <see cref="JobStartOutcome.TooLarge"/>.</param>
public sealed record JobStart(string JobId, JobStartOutcome Outcome, JobStatus? Status, string? Error = null)
{
    /// <summary>True when a job with this id runs (or ran) for this CSV: started now or before.</summary>
    public bool Accepted => Outcome is JobStartOutcome.Started or JobStartOutcome.AlreadyStarted;
}
