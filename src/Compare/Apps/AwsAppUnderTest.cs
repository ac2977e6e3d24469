using Portable.Aws.State;
using Portable.Core.Messaging;
using Portable.Core.Patterns;
using Portable.Emulators.Aws;
using Portable.Compare.Engines;
using Portable.Compare.Hosts;

namespace Portable.Compare.Apps;

/// <summary>
/// Some of the patterns app's functions on AWS, each function its own Lambda: HTTP functions behind API Gateway HTTP
/// API (v2) emulators (<see cref="LambdaHttpHost"/>) and one queue function mapped to its SQS queue
/// (<see cref="LambdaSqsHost"/>, polled in the background, one bootstrap per poller, batches of the trigger's size).
/// Every function gets the queue's SQS endpoint (<c>AWS_ENDPOINT_URL_SQS</c>: the APIs publish there, the queue
/// function publishes and dead-letters there) and one DynamoDB table on dynalite, their only shared state. The
/// order saga and the CSV job are both this shape.
/// </summary>
public sealed class AwsAppUnderTest : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned;
    private readonly Dictionary<string, LambdaHttpHost> _http;
    private readonly Dictionary<string, int> _successes = new(StringComparer.Ordinal);

    private AwsAppUnderTest(List<IAsyncDisposable> owned, LambdaSqsHost queue, Dictionary<string, LambdaHttpHost> http, DynamoDbStateStore store)
    {
        _owned = owned;
        _http = http;
        Queue = queue;
        Store = store;
    }

    /// <summary>The queue function with its SQS event source mapping.</summary>
    public LambdaSqsHost Queue { get; }

    /// <summary>The table every function keeps its state in, for the test to read.</summary>
    public DynamoDbStateStore Store { get; }

    /// <summary>The variables the HTTP functions got (the table, the queue's SQS endpoint), for a function the test starts beside them.</summary>
    public IReadOnlyDictionary<string, string?> FunctionEnvironment { get; private init; } = new Dictionary<string, string?>();

    /// <summary>Every function's output, HTTP functions first (in the order given), each under its name.</summary>
    public string Output => string.Join('\n', _http.Select(h => $"{h.Key}:\n{h.Value.Function.Output}").Append($"{Queue.Functions.Count} × {QueueFunction}:\n{Queue.Output}"));

    private string QueueFunction { get; init; } = string.Empty;

    /// <summary>
    /// Starts dynalite with <paramref name="table"/>, then <paramref name="queueFunction"/> on <paramref name="queue"/>
    /// with <paramref name="environments"/> execution environments (as many pollers; the SQS options as
    /// <paramref name="configure"/> sets them after that), then each of <paramref name="httpFunctions"/> at once, and
    /// starts polling.
    /// </summary>
    /// <param name="table">The DynamoDB table every function shares.</param>
    /// <param name="queueFunction">The patterns app's queue function.</param>
    /// <param name="queue">Its queue.</param>
    /// <param name="environments">Its execution environments.</param>
    /// <param name="httpFunctions">The HTTP functions, each behind its own gateway.</param>
    /// <param name="configure">Changes the SQS event source's options.</param>
    /// <param name="cancellationToken">Stops waiting for dynalite.</param>
    public static async Task<AwsAppUnderTest> StartAsync(
        string table,
        string queueFunction,
        string queue,
        int environments,
        IReadOnlyList<string> httpFunctions,
        Func<SqsEventSourceEmulatorOptions, SqsEventSourceEmulatorOptions>? configure = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(httpFunctions);
        var owned = new List<IAsyncDisposable>();
        try
        {
            var dynalite = new DynaliteEngine();
            owned.Add(dynalite);
            await dynalite.StartAsync(cancellationToken);
            var storage = await DynamoDbOnDynalite.CreateTableAsync(dynalite, table, cancellationToken);

            var batchSize = PatternsApp.Manifest.Find<QueueTrigger>(queueFunction)?.Trigger.Options.BatchSize
                ?? throw new ArgumentException($"{queueFunction} is not a queue function of the patterns app.", nameof(queueFunction));
            var worker = await LambdaSqsHost.StartAsync(
                o =>
                {
                    var options = o with { BatchSize = batchSize, MaxConcurrentPolls = environments };
                    return configure?.Invoke(options) ?? options;
                },
                environments,
                storage,
                handler: queueFunction,
                queue: queue,
                cancellationToken: cancellationToken);
            owned.Add(worker);

            var withQueue = new Dictionary<string, string?>(storage, StringComparer.Ordinal) { ["AWS_ENDPOINT_URL_SQS"] = worker.Sqs.ServiceUrl.ToString() };
            var starting = httpFunctions.Select(f => LambdaHttpHost.StartAsync(f, environment: withQueue, cancellationToken: cancellationToken)).ToList();
            try
            {
                await Task.WhenAll(starting);
            }
            finally
            {
                foreach (var start in starting)
                {
                    await Task.WhenAny(start);
                    if (start.IsCompletedSuccessfully)
                    {
                        owned.Add(start.Result);
                    }
                }
            }

            var http = new Dictionary<string, LambdaHttpHost>(StringComparer.Ordinal);
            for (var i = 0; i < httpFunctions.Count; i++)
            {
                http[httpFunctions[i]] = starting[i].Result;
            }

            var store = await DynamoDbStateStoreOptions.CreateAsync(new DynamoDbStateStoreOptions(table, dynalite.ServiceUrl), TimeProvider.System, cancellationToken: cancellationToken);
            var app = new AwsAppUnderTest(owned, worker, http, store) { QueueFunction = queueFunction, FunctionEnvironment = withQueue };
            worker.StartPolling(app.Observe);
            return app;
        }
        catch
        {
            await DisposeAllAsync(owned);
            throw;
        }
    }

    /// <summary>A client on <paramref name="function"/>'s API Gateway front door.</summary>
    /// <param name="function">One of the HTTP functions started.</param>
    public HttpClient CreateClient(string function) => _http[function].CreateClient(HostDefaults.RequestTimeout);

    /// <summary>How many times each message was deleted after a successful delivery, by id (a duplicated message twice).</summary>
    public IReadOnlyDictionary<string, int> Successes
    {
        get
        {
            lock (_successes)
            {
                return new Dictionary<string, int>(_successes, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>True when the queue holds nothing (a message being delivered stays until its batch settles; a duplicate waits there invisible).</summary>
    public bool IsQueueIdle => Queue.Sqs.Messages().Count == 0;

    /// <summary>Throws when the pollers stopped on a fault or a queue function's bootstrap exited.</summary>
    public void ThrowIfBroken()
    {
        Queue.Pollers?.ThrowIfFaulted();
        if (Queue.Functions.FirstOrDefault(f => f.HasExited) is { } exited)
        {
            throw new InvalidOperationException($"A {QueueFunction} bootstrap exited with code {exited.ExitCode}.");
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await DisposeAllAsync(_owned);

    private void Observe(SqsPollResult poll)
    {
        lock (_successes)
        {
            foreach (var id in poll.Deleted)
            {
                _successes[id] = _successes.GetValueOrDefault(id) + 1;
            }
        }
    }

    private static async Task DisposeAllAsync(List<IAsyncDisposable> owned)
    {
        for (var i = owned.Count - 1; i >= 0; i--)
        {
            await owned[i].DisposeAsync();
        }
    }
}
