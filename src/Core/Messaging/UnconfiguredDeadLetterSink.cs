namespace Portable.Core.Messaging;

/// <summary>
/// The sink a host has until it registers a real one: it refuses, so a permanently failed message is retried
/// by the platform (and finally dead-lettered by it) instead of being lost.
/// </summary>
public sealed class UnconfiguredDeadLetterSink : IDeadLetterSink
{
    /// <inheritdoc />
    public ValueTask DeadLetterAsync(IncomingMessage message, string reason, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("This host has no dead-letter sink configured; the message goes back to the platform for its own dead-lettering.");
}
