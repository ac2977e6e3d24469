using Portable.Emulators.Gcp;
using Portable.Emulators.Processes;

namespace Portable.HostsUnderTest;

/// <summary>
/// Cloud Run fed by a Pub/Sub push subscription on <c>payments</c>: the real Portable.Gcp (see
/// <see cref="CloudRunProcess"/>) and the push emulator posting wrapped envelopes to its <c>/ledger-writer</c>. The
/// host dead-letters by publishing to <c>payments-dead-letter</c> through <c>PUBSUB_EMULATOR_HOST</c>, as it would to
/// Pub/Sub; the subscription's own dead-letter policy forwards there too. The same service serves <c>accounts-api</c>.
/// </summary>
public sealed class PubSubPushHost : IAsyncDisposable
{
    /// <summary>The topic the push subscription is on.</summary>
    public const string Topic = "payments";

    /// <summary>The dead-letter topic of the subscription and of the host.</summary>
    public const string DeadLetterTopic = "payments-dead-letter";

    private PubSubPushHost(PubSubPushEmulator pubSub, CloudRunProcess service)
    {
        PubSub = pubSub;
        Service = service;
    }

    /// <summary>The topic and its push subscription.</summary>
    public PubSubPushEmulator PubSub { get; }

    /// <summary>The Cloud Run service pushed to.</summary>
    public CloudRunProcess Service { get; }

    /// <summary>
    /// Starts the push emulator (topic, endpoint and dead-letter topic as above, the rest as <paramref name="configure"/>
    /// sets it) and the service with <paramref name="environment"/>, and waits until the service listens.
    /// </summary>
    /// <exception cref="ChildProcessException">The service exited, or did not listen within <paramref name="timeout"/>.</exception>
    public static async Task<PubSubPushHost> StartAsync(
        Func<PubSubPushEmulatorOptions, PubSubPushEmulatorOptions>? configure = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        var port = Portable.TestKit.FreePort.Next();
        var options = new PubSubPushEmulatorOptions
        {
            Topic = Topic,
            PushEndpoint = new Uri($"http://127.0.0.1:{port}/ledger-writer"),
            DeadLetterTopic = DeadLetterTopic,
        };
        options = configure?.Invoke(options) ?? options;
        var pubSub = await PubSubPushEmulator.StartAsync(options, cancellationToken);
        try
        {
            var variables = Variables.Merge(
                new Dictionary<string, string?> { ["PUBSUB_EMULATOR_HOST"] = pubSub.EmulatorHost, ["GOOGLE_CLOUD_PROJECT"] = options.ProjectId },
                environment);
            return new PubSubPushHost(pubSub, await CloudRunProcess.StartAsync(port, variables, timeout, cancellationToken));
        }
        catch
        {
            await pubSub.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills the service and stops the emulator.</summary>
    public async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync();
        await PubSub.DisposeAsync();
    }
}
