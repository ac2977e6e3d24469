namespace Portable.Conformance.Queues;

/// <summary>A host for the queue scenarios: a normal instance and one whose first deliveries all fail on purpose.</summary>
/// <remarks><paramref name="shared"/> is what both use (an engine), disposed after them.</remarks>
public sealed class QueueHostPair(IQueueHostUnderTest host, IQueueHostUnderTest faulty, IAsyncDisposable? shared = null) : IAsyncDisposable
{
    public IQueueHostUnderTest Host { get; } = host;

    public IQueueHostUnderTest Faulty { get; } = faulty;

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Faulty.DisposeAsync();
        if (shared is not null)
        {
            await shared.DisposeAsync();
        }
    }
}

/// <summary>Starts each queue host by name.</summary>
public static class QueueHostsUnderTest
{
    /// <summary>Every host the queue scenarios run on, each through its platform's delivery protocol.</summary>
    public static readonly string[] Names = ["local", "azure-storage-queue", "gcp-pubsub-push", "aws-sqs"];

    /// <summary>Starts the pair named <paramref name="name"/> (both instances at once), each with empty state.</summary>
    public static async Task<QueueHostPair> StartAsync(string name)
    {
        if (name == "azure-storage-queue")
        {
            return await AzureQueueHost.StartPairAsync(); // both instances share one Azurite
        }

        if (name == "aws-sqs")
        {
            return await AwsQueueHost.StartPairAsync(); // both ledger-writers share dynalite and one accounts-api
        }

        var host = StartOneAsync(name, transientFaultRate: null);
        var faulty = StartOneAsync(name, transientFaultRate: 1.0);
        try
        {
            await Task.WhenAll(host, faulty);
        }
        catch
        {
            foreach (var started in new[] { host, faulty }.Where(t => t.IsCompletedSuccessfully))
            {
                await started.Result.DisposeAsync();
            }

            throw;
        }

        return new QueueHostPair(host.Result, faulty.Result);
    }

    private static Task<IQueueHostUnderTest> StartOneAsync(string name, double? transientFaultRate) => name switch
    {
        "local" => LocalQueueHost.StartAsync(transientFaultRate),
        "gcp-pubsub-push" => GcpQueueHost.StartAsync(transientFaultRate),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "No such queue host."),
    };
}
