namespace Portable.Core.Patterns.Jobs;

/// <summary>What <see cref="CsvJobs.StartAsync(string, ReadOnlyMemory{byte}, CancellationToken)"/> did with a CSV.</summary>
public enum JobStartOutcome
{
    /// <summary>A new job was recorded and its chunks published.</summary>
    Started,

    /// <summary>A job with this id and this very CSV exists already (a redelivered upload, a retried request): nothing new was started.</summary>
    AlreadyStarted,

    /// <summary>A job with this id exists for another CSV; nothing was changed.</summary>
    Conflict,

    /// <summary>The CSV cannot be a job: empty, not UTF-8, or its first line is not the header <c>category,amount</c>.</summary>
    Invalid,

    /// <summary>The CSV is larger than <see cref="JobOptions.MaxCsvBytes"/>, or would need more than <see cref="CsvJobs.MaxChunks"/> chunks.</summary>
    TooLarge,
}
