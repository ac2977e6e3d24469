namespace Portable.Compare.Queues;

/// <summary>Starts each queue host by name.</summary>
public static class QueueHostsUnderTest
{
    /// <summary>The local host: its own durable queue and worker.</summary>
    public const string Local = "local";

    /// <summary>Azure Functions with a <c>queueTrigger</c> on a Storage queue.</summary>
    public const string AzureStorageQueue = "azure-storage-queue";

    /// <summary>Cloud Run behind a Pub/Sub push subscription.</summary>
    public const string GcpPubSubPush = "gcp-pubsub-push";

    /// <summary>Lambda behind an SQS event source mapping.</summary>
    public const string AwsSqs = "aws-sqs";

    /// <summary>Every host the queue scenarios run on, each through its platform's delivery protocol.</summary>
    public static IReadOnlyList<string> Names { get; } = [Local, AzureStorageQueue, GcpPubSubPush, AwsSqs];

    /// <summary>Starts the pair named <paramref name="name"/> (both instances at once), each with empty state.</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <param name="cancellationToken">Stops the start; what was started is stopped.</param>
    /// <exception cref="ArgumentOutOfRangeException">No such host.</exception>
    public static async Task<QueueHostPair> StartAsync(string name, CancellationToken cancellationToken = default)
    {
        if (name == AzureStorageQueue)
        {
            return await AzureQueueHost.StartPairAsync(cancellationToken); // both instances share one Azurite
        }

        if (name == AwsSqs)
        {
            return await AwsQueueHost.StartPairAsync(cancellationToken); // both ledger-writers share dynalite and one accounts-api
        }

        var host = StartPlainAsync(name, QueueHostOptions.Default, cancellationToken);
        var faulty = StartPlainAsync(name, QueueHostOptions.Default with { TransientFaultRate = 1.0 }, cancellationToken);
        try
        {
            await Task.WhenAll(host, faulty);
        }
        catch
        {
            foreach (var started in new[] { host, faulty })
            {
                await Task.WhenAny(started);
                if (started.IsCompletedSuccessfully)
                {
                    await started.Result.DisposeAsync();
                }
            }

            throw;
        }

        return new QueueHostPair(host.Result, faulty.Result);
    }

    /// <summary>
    /// Starts one instance of the host named <paramref name="name"/> with <paramref name="options"/> and what it alone
    /// uses: dynalite and <c>accounts-api</c> on AWS, Azurite on Azure; state in the process on Cloud Run, SQLite locally.
    /// </summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <param name="options">How the instance is started.</param>
    /// <param name="cancellationToken">Stops the start; what was started is stopped.</param>
    /// <exception cref="ArgumentOutOfRangeException">No such host.</exception>
    public static async Task<StartedQueueHost> StartOneAsync(string name, QueueHostOptions options, CancellationToken cancellationToken = default) => name switch
    {
        AzureStorageQueue => await AzureQueueHost.StartWithAzuriteAsync(options, cancellationToken),
        AwsSqs => await AwsQueueHost.StartWithDynaliteAsync(options, cancellationToken),
        _ => new StartedQueueHost(await StartPlainAsync(name, options, cancellationToken), shared: null),
    };

    private static Task<IQueueHostUnderTest> StartPlainAsync(string name, QueueHostOptions options, CancellationToken cancellationToken) => name switch
    {
        Local => LocalQueueHost.StartAsync(options, cancellationToken),
        GcpPubSubPush => GcpQueueHost.StartAsync(options, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "No such queue host."),
    };
}
