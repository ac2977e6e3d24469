namespace Portable.Core.Events;

/// <summary>
/// The publisher a host has until it plugs in an event bus (<see cref="App.CloudServices.EventPublisher"/>): it
/// refuses every publish, saying so, so the invocation that tried fails and is retried rather than losing the event.
/// </summary>
public sealed class UnconfiguredEventPublisher : IEventPublisher
{
    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">Always: this host has no event bus.</exception>
    public ValueTask<IReadOnlyList<string>> PublishAsync(IReadOnlyList<PortableEvent> events, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException(
            "This host has no event bus configured, so events cannot be published: the AWS host publishes to EventBridge (PORTABLE_EVENTBRIDGE_BUS), the local host to its own bus.");
}
