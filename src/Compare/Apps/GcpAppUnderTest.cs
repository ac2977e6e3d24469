using System.Text;
using Portable.Emulators.Gcp;
using Portable.Compare.Engines;
using Portable.Gcp.State;
using Portable.Compare.Hosts;

namespace Portable.Compare.Apps;

/// <summary>
/// The patterns app on Google Cloud as one Cloud Run service (the real Portable.Gcp with PORT set) serving every HTTP
/// function and, through a Pub/Sub push subscription on the topic named after a queue (<c>{queue}-push</c>,
/// dead-lettering to <c>{queue}-dead-letter</c>), that queue's function at <c>/{function}</c>
/// (<see cref="PubSubPushHost"/>, pushing in the background). The service publishes to the topic through
/// <c>PUBSUB_EMULATOR_HOST</c>, as it would to Pub/Sub, and keeps its state in PostgreSQL (as Cloud SQL). The order
/// saga and the CSV job are both this shape.
/// </summary>
public sealed class GcpAppUnderTest : IAsyncDisposable
{
    private readonly PostgresEngine _postgres;

    private GcpAppUnderTest(PostgresEngine postgres, PubSubPushHost host, PostgresStateStore store, string queue)
    {
        _postgres = postgres;
        Host = host;
        Store = store;
        Queue = queue;
        Client = host.Service.CreateClient(HostDefaults.RequestTimeout);
    }

    /// <summary>The service and its push subscription.</summary>
    public PubSubPushHost Host { get; }

    /// <summary>The service's state, for the test to read.</summary>
    public PostgresStateStore Store { get; }

    /// <summary>The topic pushed from.</summary>
    public string Queue { get; }

    /// <summary>A client on the service's port.</summary>
    public HttpClient Client { get; }

    /// <summary>The service's output.</summary>
    public string Output => Host.Service.Process.Output;

    /// <summary>True when the subscription holds nothing (a message being pushed stays until its answer settles it; a duplicate is queued before the ack is settled).</summary>
    public bool IsQueueIdle => Host.PubSub.PendingCount == 0;

    /// <summary>What was published to the dead-letter topic (by the service or by the subscription's policy).</summary>
    public int DeadLetterCount => Host.PubSub.Messages(Queue + PubSubPushHost.DeadLetterSuffix).Count;

    /// <summary>
    /// Starts PostgreSQL, then the service and the push subscription of <paramref name="queue"/> to
    /// <paramref name="function"/> with <paramref name="pushes"/> pushes in flight at most (the rest as
    /// <paramref name="configure"/> sets it after that), and starts pushing. <paramref name="environment"/> adds to the
    /// service's variables (an object store's emulator, say).
    /// </summary>
    /// <param name="queue">The topic pushed from.</param>
    /// <param name="function">The function pushed to.</param>
    /// <param name="pushes">Pushes in flight at most.</param>
    /// <param name="configure">Changes the push subscription's options.</param>
    /// <param name="environment">More variables for the service.</param>
    /// <param name="cancellationToken">Stops waiting for PostgreSQL.</param>
    public static async Task<GcpAppUnderTest> StartAsync(
        string queue,
        string function,
        int pushes,
        Func<PubSubPushEmulatorOptions, PubSubPushEmulatorOptions>? configure = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        CancellationToken cancellationToken = default)
    {
        var postgres = new PostgresEngine();
        PubSubPushHost? host = null;
        try
        {
            await postgres.StartAsync(cancellationToken);
            var connection = postgres.ConnectionString + ";Maximum Pool Size=40";
            host = await PubSubPushHost.StartAsync(
                o =>
                {
                    var options = o with { MaxOutstandingPushes = pushes };
                    return configure?.Invoke(options) ?? options;
                },
                new Dictionary<string, string?>(environment ?? new Dictionary<string, string?>(), StringComparer.Ordinal) { [PostgresStateStoreOptions.ConnectionVariable] = connection },
                topic: queue,
                function: function,
                cancellationToken: cancellationToken);
            var store = await PostgresStateStoreOptions.CreateAsync(new PostgresStateStoreOptions(postgres.ConnectionString), TimeProvider.System, cancellationToken);
            host.StartPushing();
            return new GcpAppUnderTest(postgres, host, store, queue);
        }
        catch
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }

            await postgres.DisposeAsync();
            throw;
        }
    }

    /// <summary>Publishes <paramref name="body"/> to the topic, as the service does.</summary>
    /// <param name="body">The message's bytes, as UTF-8 text.</param>
    public void Publish(string body) => Host.PubSub.Publish(Queue, Encoding.UTF8.GetBytes(body));

    /// <summary>Throws when the push sender stopped on a fault or the service exited.</summary>
    public void ThrowIfBroken()
    {
        Host.Pusher?.ThrowIfFaulted();
        if (Host.Service.Process.HasExited)
        {
            throw new InvalidOperationException($"The Cloud Run service exited with code {Host.Service.Process.ExitCode}.");
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Store.DisposeAsync();
        await Host.DisposeAsync();
        await _postgres.DisposeAsync();
    }
}
