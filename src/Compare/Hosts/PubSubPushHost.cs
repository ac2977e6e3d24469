using Portable.Core.Patterns.Ledger;
using Portable.Emulators.Gcp;
using Portable.Emulators.Processes;

namespace Portable.Compare.Hosts;

/// <summary>
/// Cloud Run fed by a Pub/Sub push subscription, by default on <c>payments</c>: the real Portable.Gcp (see
/// <see cref="CloudRunProcess"/>) and the push emulator posting wrapped envelopes to its <c>/ledger-writer</c>. The
/// host dead-letters by publishing to <c>payments-dead-letter</c> through <c>PUBSUB_EMULATOR_HOST</c>, as it would to
/// Pub/Sub; the subscription's own dead-letter policy forwards there too. The same service serves <c>accounts-api</c>.
/// Another app gives its own server, topic and queue function.
/// </summary>
public sealed class PubSubPushHost : IAsyncDisposable
{
    /// <summary>The topic the push subscription is on.</summary>
    public const string Topic = "payments";

    /// <summary>What the host appends to a topic to name its dead-letter topic (src/Gcp's <c>PubSubServiceCollectionExtensions.DeadLetterSuffix</c>).</summary>
    public const string DeadLetterSuffix = "-dead-letter";

    /// <summary>The dead-letter topic of the subscription and of the host.</summary>
    public const string DeadLetterTopic = Topic + DeadLetterSuffix;

    private PubSubPushHost(PubSubPushEmulator pubSub, CloudRunProcess service)
    {
        PubSub = pubSub;
        Service = service;
    }

    /// <summary>The topic and its push subscription.</summary>
    public PubSubPushEmulator PubSub { get; }

    /// <summary>The Cloud Run service pushed to.</summary>
    public CloudRunProcess Service { get; }

    /// <summary>The subscription's push sender once <see cref="StartPushing"/> started it; null before.</summary>
    public DeliveryLoop? Pusher { get; private set; }

    /// <summary>
    /// Pushes in the background as Pub/Sub does: whatever is due, with up to the subscription's
    /// <see cref="PubSubPushEmulatorOptions.MaxOutstandingPushes"/> in flight, again at once after a round and after
    /// <see cref="DeliveryLoop.IdleInterval"/> when nothing is due. For a service that publishes to the topic it is
    /// pushed from (a saga's coordinator), where a test cannot drain by hand. One sender: a round settles the
    /// messages it pushed before the next looks. Stopped first when the host is disposed.
    /// </summary>
    /// <exception cref="InvalidOperationException">Pushing already started.</exception>
    public DeliveryLoop StartPushing()
    {
        if (Pusher is not null)
        {
            throw new InvalidOperationException("The subscription is already pushing.");
        }

        Pusher = DeliveryLoop.Start($"the Pub/Sub push subscription {PubSub.SubscriptionName}", 1, async cancellationToken => (await PubSub.DeliverDueAsync(cancellationToken)).Count > 0);
        return Pusher;
    }

    /// <summary>
    /// Starts the push emulator (on <paramref name="topic"/>, pushing to <c>/{function}</c>, dead-lettering to
    /// <c>{topic}-dead-letter</c>, the rest as <paramref name="configure"/> sets it) and the service with
    /// <paramref name="environment"/>, and waits until the service listens.
    /// </summary>
    /// <param name="program">The server: src/Gcp's build output when null, or an app's own (e.g. <see cref="HostBuilds.SampleApp"/>).</param>
    /// <param name="configure">Changes the emulator's options from the defaults described above.</param>
    /// <param name="environment">Variables for the process, applied last (a null value unsets one).</param>
    /// <param name="timeout">How long to wait until it is ready; <see cref="HostDefaults.StartupTimeout"/> when null.</param>
    /// <param name="topic">The topic the subscription is on.</param>
    /// <param name="function">The function the subscription pushes to.</param>
    /// <param name="cancellationToken">Stops waiting for the start.</param>
    /// <exception cref="ChildProcessException">The service exited, or did not listen within <paramref name="timeout"/>.</exception>
    public static async Task<PubSubPushHost> StartAsync(
        Func<PubSubPushEmulatorOptions, PubSubPushEmulatorOptions>? configure = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null,
        string? program = null,
        string topic = Topic,
        string function = LedgerWriter.FunctionName,
        CancellationToken cancellationToken = default)
    {
        var port = FreePort.Next();
        var options = new PubSubPushEmulatorOptions
        {
            Topic = topic,
            PushEndpoint = new Uri($"http://127.0.0.1:{port}/{function}"),
            DeadLetterTopic = topic + DeadLetterSuffix,
        };
        options = configure?.Invoke(options) ?? options;
        var pubSub = await PubSubPushEmulator.StartAsync(options, cancellationToken);
        try
        {
            var variables = Variables.Merge(
                new Dictionary<string, string?> { ["PUBSUB_EMULATOR_HOST"] = pubSub.EmulatorHost, ["GOOGLE_CLOUD_PROJECT"] = options.ProjectId },
                environment);
            return new PubSubPushHost(pubSub, await CloudRunProcess.StartAsync(port, variables, timeout, program, cancellationToken));
        }
        catch
        {
            await pubSub.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the push sender, kills the service and stops the emulator.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Pusher is not null)
        {
            await Pusher.DisposeAsync();
        }

        await Service.DisposeAsync();
        await PubSub.DisposeAsync();
    }
}
