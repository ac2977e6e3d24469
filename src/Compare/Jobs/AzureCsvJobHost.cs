using Portable.Compare.Apps;
using Portable.Core.Patterns.Jobs;

namespace Portable.Compare.Jobs;

/// <summary>
/// The CSV job as an Azure Functions app (<see cref="AzureAppUnderTest"/>): one isolated worker under the Functions
/// host emulator serving <c>jobs-api</c> through the host's front door, which publishes the chunk messages to the
/// Storage queue <c>job-chunks</c> in the account (Azurite), and <c>job-chunk-worker</c> as its <c>queueTrigger</c>
/// (host dead letters to <c>job-chunks-poison</c>); state in Table Storage. The host emulator's
/// <see cref="Portable.Emulators.Azure.Isolated.IsolatedFunctionsHostOptions.QueueDuplicateDeliveryRate"/> is 1: every
/// successful invocation's delete is lost, so each message is delivered once more, same id, as at-least-once allows.
/// </summary>
public sealed class AzureCsvJobHost : ICsvJobHost
{
    private readonly AzureAppUnderTest _app;
    private readonly int _batchSize;

    private AzureCsvJobHost(AzureAppUnderTest app, int batchSize)
    {
        _app = app;
        _batchSize = batchSize;
    }

    /// <inheritdoc />
    public string Name => "azure";

    /// <inheritdoc />
    public string Wiring => $"one isolated worker under the Functions host emulator, job-chunk-worker's queueTrigger on the Storage queue {JobChunkWorker.Queue} (Azurite, {_batchSize} messages at once, every successful delivery's delete lost once: {_app.Host.Queues.DuplicatedCount} so far), state in Table Storage";

    /// <inheritdoc />
    public HttpClient Jobs => _app.Client;

    /// <inheritdoc />
    public string Output => _app.Output;

    /// <summary>Starts Azurite, then the app with <paramref name="batchSize"/> queue messages processed at once, then the host's queue listener.</summary>
    /// <param name="batchSize">Queue messages processed at once.</param>
    /// <param name="cancellationToken">Stops waiting for Azurite.</param>
    public static async Task<ICsvJobHost> StartAsync(int batchSize, CancellationToken cancellationToken = default) =>
        new AzureCsvJobHost(await AzureAppUnderTest.StartAsync("jobs", batchSize, o => o with { QueueDuplicateDeliveryRate = 1 }, cancellationToken), batchSize);

    /// <inheritdoc />
    public Task JobStartedAsync(string jobId, int chunks) => Task.CompletedTask; // the host's queue duplicates by itself

    /// <inheritdoc />
    public Task<bool> IsQueueIdleAsync() => _app.IsQueueIdleAsync(JobChunkWorker.Queue);

    /// <inheritdoc />
    public Task<int> DeadLetterCountAsync() => _app.DeadLetterCountAsync(JobChunkWorker.Queue);

    /// <summary>The messages the worker's invocations succeeded with twice.</summary>
    public Task<int> DeliveredTwiceAsync() =>
        Task.FromResult(_app.Host.Queues.Deliveries
            .Where(d => d.Queue == JobChunkWorker.Queue && d.StatusCode is >= 200 and < 300)
            .GroupBy(d => d.MessageId, StringComparer.Ordinal)
            .Count(g => g.Count() >= 2));

    /// <inheritdoc />
    public void ThrowIfBroken() => _app.ThrowIfBroken();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
