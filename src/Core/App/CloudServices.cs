using Portable.Core.Events;
using Portable.Core.Messaging;
using Portable.Core.State;
using Portable.Core.Storage;

namespace Portable.Core.App;

/// <summary>
/// What a cloud host plugs into the one composition root (<see cref="PortableComposition"/>): its state store, its
/// object store, its publisher, its event bus, its dead-letter sink and which of its faults are transient. Each is optional; Core puts every one of
/// them behind a resilience pipeline, in the same order on every host.
/// </summary>
public sealed class CloudServices
{
    /// <summary>Opens the cloud's state store; null keeps the in-memory store (one instance only). Awaited before the container is built.</summary>
    public Func<TimeProvider, CancellationToken, Task<IStateStore>>? OpenStateStore { get; init; }

    /// <summary>Builds the cloud's object store (S3, Cloud Storage, Blob Storage); null keeps the in-memory one (one instance only).</summary>
    public Func<IServiceProvider, IObjectStore>? ObjectStore { get; init; }

    /// <summary>Builds the cloud's publisher over its raw client; null leaves none (publishing then throws).</summary>
    public Func<IServiceProvider, IMessagePublisher>? Publisher { get; init; }

    /// <summary>
    /// Builds the cloud's event publisher (its event bus) over its raw client; null leaves
    /// <see cref="UnconfiguredEventPublisher"/>, which refuses to publish.
    /// </summary>
    public Func<IServiceProvider, IEventPublisher>? EventPublisher { get; init; }

    /// <summary>Builds the cloud's dead-letter sink over its raw client (not over the resilient publisher: Core wraps the sink itself).</summary>
    public Func<IServiceProvider, IDeadLetterSink>? DeadLetters { get; init; }

    /// <summary>Which of the cloud SDK's faults are transient (throttling, 5xx); retried by the pipelines.</summary>
    public Func<Exception, bool>? IsTransient { get; init; }

    /// <summary>Registers anything else the cloud's pieces need (clients, options), first of all.</summary>
    public Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? Services { get; init; }
}
