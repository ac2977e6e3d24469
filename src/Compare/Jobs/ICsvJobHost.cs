namespace Portable.Compare.Jobs;

/// <summary>
/// A host running the CSV job (<c>jobs-api</c>, and <c>job-chunk-worker</c> on the queue <c>job-chunks</c>), each
/// function behind its platform's real protocol, with the platform's delivery running in the background and set to
/// deliver every chunk message twice.
/// </summary>
public interface ICsvJobHost : IAsyncDisposable
{
    /// <summary>The host's name in test output.</summary>
    string Name { get; }

    /// <summary>How the functions, the queue, its duplicates and the store are wired on this host, for the test output.</summary>
    string Wiring { get; }

    /// <summary>A client on <c>jobs-api</c>'s front door.</summary>
    HttpClient Jobs { get; }

    /// <summary>Everything the host's processes wrote, for a failure message.</summary>
    string Output { get; }

    /// <summary>
    /// Called once <c>POST /jobs</c> has answered for job <paramref name="jobId"/> of <paramref name="chunks"/> chunks.
    /// A host whose platform duplicates every delivery by itself does nothing; one that cannot (the local host) sends
    /// each of the job's chunk messages a second time here.
    /// </summary>
    Task JobStartedAsync(string jobId, int chunks);

    /// <summary>True when <c>job-chunks</c> holds nothing, waiting, being delivered or waiting to be delivered again.</summary>
    Task<bool> IsQueueIdleAsync();

    /// <summary>How many chunk messages were dead-lettered (by the worker or by the platform).</summary>
    Task<int> DeadLetterCountAsync();

    /// <summary>
    /// How many distinct chunk messages were delivered (and settled) at least twice, as the platform's delivery (or,
    /// on the local host, the worker's log) records it.
    /// </summary>
    Task<int> DeliveredTwiceAsync();

    /// <summary>Throws when the host can no longer deliver (its delivery loop failed, its process died), so waits end with the reason.</summary>
    void ThrowIfBroken();
}
