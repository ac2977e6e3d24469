using Portable.Compare.Apps;
using Portable.Core.Patterns.Jobs;

namespace Portable.Compare.Jobs;

/// <summary>
/// The CSV job on AWS (<see cref="AwsAppUnderTest"/>): <c>jobs-api</c> as a Lambda function behind API Gateway (HTTP
/// API v2), publishing the chunk messages to the SQS queue <c>job-chunks</c> (dead letters to <c>job-chunks-dlq</c>),
/// and <c>job-chunk-worker</c> as another, mapped to that queue, with a few execution environments; state in one
/// DynamoDB table on dynalite. The event source emulator's <see cref="Portable.Emulators.Aws.SqsEventSourceEmulatorOptions.DuplicateDeliveryRate"/>
/// is 1: every message the worker succeeded with, and the mapping deleted, comes back once more with the same message
/// id after the visibility timeout, as when a standard queue's delete misses a stored copy. The visibility timeout is
/// <see cref="VisibilityTimeout"/> (a queue setting, 30 s by default) so the second deliveries come soon.
/// </summary>
public sealed class AwsCsvJobHost : ICsvJobHost
{
    /// <summary>The queue's visibility timeout: how long a duplicate (or a failed batch) waits; well above a batch's run time here.</summary>
    public static readonly TimeSpan VisibilityTimeout = TimeSpan.FromSeconds(5);

    private readonly AwsAppUnderTest _app;

    private AwsCsvJobHost(AwsAppUnderTest app)
    {
        _app = app;
        Jobs = app.CreateClient(JobsApi.FunctionName);
    }

    /// <inheritdoc />
    public string Name => "aws";

    /// <inheritdoc />
    public string Wiring => $"jobs-api behind API Gateway (HTTP API v2), job-chunk-worker on SQS {JobChunkWorker.Queue} ({_app.Queue.Functions.Count} execution environments, batches of {_app.Queue.Sqs.Options.BatchSize}, visibility {VisibilityTimeout.TotalSeconds:0} s, every deleted message delivered once more: {_app.Queue.Sqs.DuplicatedMessageIds.Count} so far), one DynamoDB table on dynalite";

    /// <inheritdoc />
    public HttpClient Jobs { get; }

    /// <inheritdoc />
    public string Output => _app.Output;

    /// <summary>Starts dynalite, the worker with <paramref name="environments"/> execution environments, then the API.</summary>
    /// <param name="environments">The worker's execution environments: batches in flight at once.</param>
    /// <param name="cancellationToken">Stops waiting for dynalite.</param>
    public static async Task<ICsvJobHost> StartAsync(int environments, CancellationToken cancellationToken = default) =>
        new AwsCsvJobHost(await AwsAppUnderTest.StartAsync(
            "PortableJobs",
            JobChunkWorker.FunctionName,
            JobChunkWorker.Queue,
            environments,
            [JobsApi.FunctionName],
            o => o with { DuplicateDeliveryRate = 1, VisibilityTimeout = VisibilityTimeout },
            cancellationToken));

    /// <inheritdoc />
    public Task JobStartedAsync(string jobId, int chunks) => Task.CompletedTask; // the mapping duplicates by itself

    /// <inheritdoc />
    public Task<bool> IsQueueIdleAsync() => Task.FromResult(_app.IsQueueIdle);

    /// <inheritdoc />
    public Task<int> DeadLetterCountAsync() => Task.FromResult(_app.Queue.Sqs.DeadLetters.Count);

    /// <summary>The messages the mapping deleted after a successful batch twice.</summary>
    public Task<int> DeliveredTwiceAsync() => Task.FromResult(_app.Successes.Count(s => s.Value >= 2));

    /// <inheritdoc />
    public void ThrowIfBroken() => _app.ThrowIfBroken();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Jobs.Dispose();
        await _app.DisposeAsync();
    }
}
