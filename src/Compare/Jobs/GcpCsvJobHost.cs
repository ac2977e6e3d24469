using Portable.Compare.Apps;
using Portable.Core.Patterns.Jobs;
using Portable.Emulators.Gcp;

namespace Portable.Compare.Jobs;

/// <summary>
/// The CSV job on Google Cloud (<see cref="GcpAppUnderTest"/>): one Cloud Run service serving <c>jobs-api</c>, which
/// publishes the chunk messages to the Pub/Sub topic <c>job-chunks</c>, and <c>job-chunk-worker</c> at
/// <c>/job-chunk-worker</c> behind its push subscription <c>job-chunks-push</c> (dead letters to
/// <c>job-chunks-dead-letter</c>); state in PostgreSQL. The push emulator's
/// <see cref="PubSubPushEmulatorOptions.DuplicateDeliveryRate"/> is 1: every acked message is pushed once more with
/// the same message id, as Pub/Sub's at-least-once delivery may.
/// </summary>
public sealed class GcpCsvJobHost : ICsvJobHost
{
    private readonly GcpAppUnderTest _app;
    private readonly int _pushes;

    private GcpCsvJobHost(GcpAppUnderTest app, int pushes)
    {
        _app = app;
        _pushes = pushes;
    }

    /// <inheritdoc />
    public string Name => "gcp";

    /// <inheritdoc />
    public string Wiring => $"one Cloud Run service, Pub/Sub push of {JobChunkWorker.Queue} to /{JobChunkWorker.FunctionName} ({_app.Host.PubSub.SubscriptionName}, up to {_pushes} pushes in flight, every acked message pushed once more: {_app.Host.PubSub.DuplicatedCount} so far), state in PostgreSQL";

    /// <inheritdoc />
    public HttpClient Jobs => _app.Client;

    /// <inheritdoc />
    public string Output => _app.Output;

    /// <summary>Starts PostgreSQL, then the service and its push subscription with <paramref name="pushes"/> pushes in flight at most.</summary>
    /// <param name="pushes">Pushes in flight at most.</param>
    /// <param name="cancellationToken">Stops waiting for PostgreSQL.</param>
    public static async Task<ICsvJobHost> StartAsync(int pushes, CancellationToken cancellationToken = default) =>
        new GcpCsvJobHost(await GcpAppUnderTest.StartAsync(JobChunkWorker.Queue, JobChunkWorker.FunctionName, pushes, o => o with { DuplicateDeliveryRate = 1 }, cancellationToken: cancellationToken), pushes);

    /// <inheritdoc />
    public Task JobStartedAsync(string jobId, int chunks) => Task.CompletedTask; // the subscription duplicates by itself

    /// <inheritdoc />
    public Task<bool> IsQueueIdleAsync() => Task.FromResult(_app.IsQueueIdle);

    /// <inheritdoc />
    public Task<int> DeadLetterCountAsync() => Task.FromResult(_app.DeadLetterCount);

    /// <summary>The messages the service acked twice.</summary>
    public Task<int> DeliveredTwiceAsync() =>
        Task.FromResult(_app.Host.PubSub.Attempts.Where(a => a.Outcome == PushOutcome.Acked).GroupBy(a => a.MessageId, StringComparer.Ordinal).Count(g => g.Count() >= 2));

    /// <inheritdoc />
    public void ThrowIfBroken() => _app.ThrowIfBroken();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
