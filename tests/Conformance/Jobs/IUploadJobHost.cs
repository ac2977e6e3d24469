using Portable.Core.State;

namespace Portable.Conformance.Jobs;

/// <summary>
/// A host running the CSV job started by uploads: <c>job-upload-starter</c> (a storage function on the bucket
/// <c>uploads</c>, keys ending <c>.csv</c>) behind its platform's real storage-event delivery, <c>job-chunk-worker</c>
/// on <c>job-chunks</c>, and <c>jobs-api</c> to read the job. What a host adapter must provide is exactly this: put an
/// object in its store and have the platform deliver its object-created event once, deliver that same event again,
/// and let the test read the shared state store and the logs.
/// </summary>
public interface IUploadJobHost : IAsyncDisposable
{
    /// <summary>The host's name in test output.</summary>
    string Name { get; }

    /// <summary>How the store, the event delivery, the functions and the state are wired on this host, for the test output.</summary>
    string Wiring { get; }

    /// <summary>A client on <c>jobs-api</c>'s front door (<c>GET /jobs/{id}</c>).</summary>
    HttpClient Jobs { get; }

    /// <summary>The state store the host's functions share, opened from the test, to count the job records.</summary>
    IStateStore Store { get; }

    /// <summary>Everything the host's processes wrote (the storage function's log among it), for the checks and a failure message.</summary>
    string Output { get; }

    /// <summary>
    /// Stores <paramref name="content"/> as <paramref name="key"/> in the bucket <c>uploads</c> through the platform's
    /// own store (its API or emulator), and has the platform deliver the object-created event once, as it does for an
    /// upload; returns once that delivery is settled (handled, or failed for good), with what the platform answered.
    /// </summary>
    Task<string> UploadAsync(string key, byte[] content);

    /// <summary>Delivers the event of the last upload once more, as the platform sent it, and returns once it is settled, with what the platform answered.</summary>
    Task<string> DeliverAgainAsync();

    /// <summary>True when <c>job-chunks</c> and the storage function's deliveries hold nothing waiting or in flight.</summary>
    Task<bool> IsIdleAsync();

    /// <summary>How many chunk messages and storage events were dead-lettered.</summary>
    Task<int> DeadLetterCountAsync();

    /// <summary>Throws when the host can no longer deliver (a process died, a delivery loop failed), so waits end with the reason.</summary>
    void ThrowIfBroken();
}
